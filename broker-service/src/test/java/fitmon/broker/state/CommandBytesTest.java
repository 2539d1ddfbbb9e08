package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.assertUnchangedBut;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.config;
import static fitmon.broker.state.StateFixture.publish;
import static fitmon.broker.state.StateFixture.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.Subscribe;
import fitmon.core.command.Tick;
import fitmon.core.command.Touch;
import fitmon.core.wire.WireWriter;
import org.junit.jupiter.api.Test;

/** The byte interface: undecodable commands are typed refusals, decodable ones behave like objects. */
class CommandBytesTest {

    private final StateMachineConfig config = config();
    private final BrokerStateMachine sm = new BrokerStateMachine(config);

    @Test
    void undecodableCommandBytesAreRefusedAsMalformedAndChangeNothing() {
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.BFT), at(0)));
        byte[] touch = CommandCodec.encode(new Touch("host.cpu"));
        List<byte[]> garbage = new ArrayList<>(List.of(
                new byte[0],
                new byte[] {0x46},
                new byte[] {0x46, 1},
                new byte[] {0x00, 1, 8},
                new byte[] {0x46, 2, 8},
                new byte[] {0x46, 1, 99},
                Arrays.copyOf(touch, touch.length - 1),
                Arrays.copyOf(touch, touch.length + 1),
                "{\"tag\":\"host.cpu\"}".getBytes(StandardCharsets.UTF_8),
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(1).writeString("x").writeString("NO_SUCH_CLASS")
                        .writeLong(0).writeInt(1).writeInt(1).writeInt(1).writeLong(2048).toByteArray(),
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(6).writeString("host.cpu").writeInt(1001).toByteArray(),
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(6).writeString("host.cpu").writeInt(-1).toByteArray(),
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(7).writeBytes(new byte[] {(byte) 0xC3, 0x28}).toByteArray(),
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(7).writeInt(Integer.MAX_VALUE).toByteArray()));
        garbage.add(null);

        double t = 1;
        for (byte[] bytes : garbage) {
            byte[] before = sm.snapshot();
            long applied = sm.appliedCommands();
            t += 1;
            byte[] reply = sm.applyOrdered(bytes, at(t));
            rejected(ResultCodec.decode(reply), RejectReason.MALFORMED_COMMAND);
            assertThat(sm.appliedCommands()).isEqualTo(applied + 1);
            assertThat(sm.consensusTimeMillis()).isEqualTo(at(t));
            assertUnchangedBut(sm, config, before, at(t));
        }
        assertThat(sm.channel("host.cpu")).isPresent();
    }

    @Test
    void decodableBytesGiveTheEncodedResultOfTheSameCommand() {
        BrokerStateMachine objects = new BrokerStateMachine(config);
        SigningProbe web01 = SigningProbe.ed25519("web-01");
        List<BrokerCommand> commands = List.of(
                channel("host.cpu", ChannelClass.BFT, 30),
                channel("host.cpu", ChannelClass.BFT),
                new RegisterProbe("host.cpu", web01.certificate()),
                new RegisterProbe("host.cpu", new byte[] {1, 2}),
                new Subscribe("host.cpu", "soc-1"),
                publish("host.cpu", web01.signedBytes("host.cpu", 1), web01.unsignedBytes("host.cpu", 2)),
                publish("host.cpu", web01.signedBytes("host.cpu", 1)),
                new Touch("host.cpu"),
                new Tick(),
                new Touch("host.cpu"));
        long t = 0;
        for (BrokerCommand command : commands) {
            t += 20;
            byte[] viaBytes = sm.applyOrdered(CommandCodec.encode(command), at(t));
            byte[] viaObject = ResultCodec.encode(objects.applyOrdered(command, at(t)));
            assertThat(viaBytes).isEqualTo(viaObject);
            assertThat(sm.digest()).isEqualTo(objects.digest());
        }
        assertThat(sm.appliedCommands()).isEqualTo(commands.size());
    }
}
