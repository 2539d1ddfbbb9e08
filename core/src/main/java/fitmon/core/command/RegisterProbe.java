package fitmon.core.command;

/**
 * Register_to_Channel(TAG): a probe presents its certificate from the fitmon CA. Registering again
 * with a newer certificate replaces the key (rotation) and keeps the probe's SEQ history.
 *
 * @param certificate DER X.509 certificate whose subject CN is the probe id
 */
public record RegisterProbe(String tag, byte[] certificate) implements BrokerCommand {
}
