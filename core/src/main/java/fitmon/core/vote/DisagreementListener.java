package fitmon.core.vote;

/**
 * Receives {@link Disagreement}s from a {@link Voter}. Called on the thread that offered the
 * copy, after the voter released its lock, so an implementation may call back into the voter;
 * it should be quick because it delays that replica's stream.
 */
@FunctionalInterface
public interface DisagreementListener {

    DisagreementListener NONE = d -> { };

    void onDisagreement(Disagreement disagreement);
}
