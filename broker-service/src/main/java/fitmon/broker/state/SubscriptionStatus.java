package fitmon.broker.state;

/** The status column of the TRONE subscription table ⟨TAG, subscriber, status⟩. */
public enum SubscriptionStatus {
    ACTIVE
}
