package fitmon.core.command;

/**
 * A command to the replicated broker. Every command changes (or reads through) the deterministic
 * state machine; the gateway builds them, {@link CommandCodec} carries them to every replica.
 */
public sealed interface BrokerCommand
        permits CreateChannel, DeleteChannel, RegisterProbe, Subscribe, Unsubscribe, Publish, Touch, Tick,
        RevokeCertificate {
}
