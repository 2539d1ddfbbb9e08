package fitmon.core.command;

/** Subscribe_to_Channel(TAG): adds ⟨TAG, subscriber, ACTIVE⟩ to the replicated subscription table. */
public record Subscribe(String tag, String subscriberId) implements BrokerCommand {
}
