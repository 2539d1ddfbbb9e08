package fitmon.core.command;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.wire.WireFormatException;
import fitmon.core.wire.WireReader;
import fitmon.core.wire.WireWriter;

/**
 * The binary encoding of {@link BrokerCommand}s: a magic byte, a version byte, a type byte, then
 * the fields in declaration order. Decoding refuses anything not produced by {@link #encode}.
 * New commands get a new type byte within the same version, so every command encoded before
 * keeps its bytes; a replica built before a type existed refuses it as an unknown type.
 */
public final class CommandCodec {

    public static final int MAGIC = 0x46; // 'F'
    public static final int VERSION = 1;
    public static final int MAX_TAG_BYTES = 512;
    public static final int MAX_CERTIFICATE_BYTES = 16 * 1024;
    public static final int MAX_EVENT_BYTES = 64 * 1024;
    public static final int MAX_BATCH = 1000;
    /** RFC 5280 serials are at most 20 octets; a little room for the sign byte and foreign CAs. */
    public static final int MAX_SERIAL_BYTES = 32;
    public static final int MAX_REASON_BYTES = 256;

    private static final int CREATE = 1;
    private static final int DELETE = 2;
    private static final int REGISTER = 3;
    private static final int SUBSCRIBE = 4;
    private static final int UNSUBSCRIBE = 5;
    private static final int PUBLISH = 6;
    private static final int TOUCH = 7;
    private static final int TICK = 8;
    private static final int REVOKE = 9;

    private CommandCodec() {
    }

    public static byte[] encode(BrokerCommand command) {
        WireWriter w = new WireWriter();
        w.writeByte(MAGIC).writeByte(VERSION);
        if (command instanceof CreateChannel c) {
            w.writeByte(CREATE).writeString(c.tag()).writeString(c.channelClass().name())
                    .writeLong(c.idleTimeoutSeconds()).writeInt(c.maxProbes()).writeInt(c.maxSubscribers())
                    .writeInt(c.retention().maxEvents()).writeLong(c.retention().maxBytes());
        } else if (command instanceof DeleteChannel d) {
            w.writeByte(DELETE).writeString(d.tag());
        } else if (command instanceof RegisterProbe r) {
            w.writeByte(REGISTER).writeString(r.tag()).writeBytes(r.certificate());
        } else if (command instanceof Subscribe s) {
            w.writeByte(SUBSCRIBE).writeString(s.tag()).writeString(s.subscriberId());
        } else if (command instanceof Unsubscribe u) {
            w.writeByte(UNSUBSCRIBE).writeString(u.tag()).writeString(u.subscriberId());
        } else if (command instanceof Publish p) {
            w.writeByte(PUBLISH).writeString(p.tag()).writeInt(p.events().size());
            p.events().forEach(w::writeBytes);
        } else if (command instanceof Touch t) {
            w.writeByte(TOUCH).writeString(t.tag());
        } else if (command instanceof Tick) {
            w.writeByte(TICK);
        } else if (command instanceof RevokeCertificate v) {
            w.writeByte(REVOKE).writeBytes(v.serial().toByteArray()).writeString(v.kind().name())
                    .writeLong(v.notAfterMillis()).writeString(v.reason());
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
        return w.toByteArray();
    }

    /** @throws WireFormatException with a readable reason for anything that is not a command */
    public static BrokerCommand decode(byte[] bytes) {
        if (bytes == null) {
            throw new WireFormatException("no command");
        }
        WireReader r = new WireReader(bytes);
        if (r.readByte() != MAGIC) {
            throw new WireFormatException("not a fitmon command (bad magic byte)");
        }
        int version = r.readByte();
        if (version != VERSION) {
            throw new WireFormatException("unsupported command version " + version);
        }
        int type = r.readByte();
        BrokerCommand command = switch (type) {
            case CREATE -> {
                String tag = r.readString(MAX_TAG_BYTES);
                String className = r.readString(MAX_TAG_BYTES);
                ChannelClass channelClass = ChannelClass.fromName(className);
                if (channelClass == null) {
                    throw new WireFormatException("unknown channel class " + className);
                }
                yield new CreateChannel(tag, channelClass, r.readLong(), r.readInt(), r.readInt(),
                        new ChannelRetention(r.readInt(), r.readLong()));
            }
            case DELETE -> new DeleteChannel(r.readString(MAX_TAG_BYTES));
            case REGISTER -> new RegisterProbe(r.readString(MAX_TAG_BYTES), r.readBytes(MAX_CERTIFICATE_BYTES));
            case SUBSCRIBE -> new Subscribe(r.readString(MAX_TAG_BYTES), r.readString(MAX_TAG_BYTES));
            case UNSUBSCRIBE -> new Unsubscribe(r.readString(MAX_TAG_BYTES), r.readString(MAX_TAG_BYTES));
            case PUBLISH -> {
                String tag = r.readString(MAX_TAG_BYTES);
                int count = r.readCount(MAX_BATCH, 4);
                List<byte[]> events = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    events.add(r.readBytes(MAX_EVENT_BYTES));
                }
                yield new Publish(tag, events);
            }
            case TOUCH -> new Touch(r.readString(MAX_TAG_BYTES));
            case TICK -> new Tick();
            case REVOKE -> {
                BigInteger serial = serial(r.readBytes(MAX_SERIAL_BYTES));
                String kindName = r.readString(MAX_TAG_BYTES);
                CertificateKind kind = CertificateKind.fromName(kindName);
                if (kind == null) {
                    throw new WireFormatException("unknown certificate kind " + kindName);
                }
                yield new RevokeCertificate(serial, kind, r.readLong(), r.readString(MAX_REASON_BYTES));
            }
            default -> throw new WireFormatException("unknown command type " + type);
        };
        r.expectEnd();
        return command;
    }

    private static BigInteger serial(byte[] bytes) {
        BigInteger serial = bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bytes);
        // positive, and in the one encoding encode() writes (no extra leading bytes)
        if (serial.signum() <= 0 || !java.util.Arrays.equals(serial.toByteArray(), bytes)) {
            throw new WireFormatException("a certificate serial must be a positive integer in its shortest encoding");
        }
        return serial;
    }
}
