package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Recognising the library's endless waits from the message thread's stack. */
class EndlessLibraryWaitTest {

    private static StackTraceElement frame(String type, String method, int line) {
        return new StackTraceElement(type, method, type.substring(type.lastIndexOf('.') + 1) + ".java", line);
    }

    /** The message thread's stack as the stall watchdog logged it in the soak where replica 3 stayed stuck. */
    private static final StackTraceElement[] SOAK = {
        frame("bftsmart.consensus.Decision", "getDeserializedValue", 113),
        frame("bftsmart.tom.core.DeliveryThread", "containsGoodReconfig", 104),
        frame("bftsmart.tom.core.DeliveryThread", "delivery", 79),
        frame("bftsmart.tom.core.TOMLayer", "decided", 429),
        frame("bftsmart.consensus.Consensus", "decided", 315),
        frame("bftsmart.consensus.roles.Acceptor", "decide", 417),
        frame("bftsmart.communication.ServerCommunicationSystem", "run", 119),
    };

    @Test
    void theDecisionWaitForAProposalNeverReadIsRecognised() {
        assertThat(EndlessLibraryWait.in(SOAK)).isEqualTo(SOAK[0]);
    }

    @Test
    void theWaitIsRecognisedWhileTheThreadSleepsInsideIt() {
        StackTraceElement[] sleeping = {
            frame("java.lang.Thread", "sleep", -2),
            frame("bftsmart.consensus.Decision", "waitForPropose", 135),
            frame("bftsmart.consensus.Decision", "getDeserializedValue", 112),
            frame("bftsmart.tom.core.DeliveryThread", "containsGoodReconfig", 104),
        };
        assertThat(EndlessLibraryWait.in(sleeping)).isEqualTo(sleeping[1]);
    }

    @Test
    void aThreadMerelyBusyOrDeeperDownIsNotGivenUp() {
        StackTraceElement[] busy = {
            frame("fitmon.broker.state.BrokerStateMachine", "apply", 200),
            frame("bftsmart.tom.core.DeliveryThread", "deliverMessages", 150),
            frame("bftsmart.tom.core.DeliveryThread", "run", 300),
        };
        assertThat(EndlessLibraryWait.in(busy)).isNull();
        StackTraceElement[] deep = {
            frame("java.io.FileOutputStream", "write", 1),
            frame("a.b.C", "d", 2),
            frame("a.b.C", "e", 3),
            frame("a.b.C", "f", 4),
            frame("bftsmart.consensus.Decision", "getValue", 103),
        };
        assertThat(EndlessLibraryWait.in(deep)).as("a decision's value read below other work").isNull();
        assertThat(EndlessLibraryWait.in(new StackTraceElement[0])).isNull();
    }
}
