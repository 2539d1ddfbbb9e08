package fitmon.core.command;

import java.math.BigInteger;

/**
 * Adds a certificate of the fitmon CA to the replicas' revoked set: from the next ordered command
 * on, every replica refuses events signed with a revoked probe certificate's key, registrations
 * presenting it, and commands signed by a revoked gateway certificate. Revoking is idempotent and
 * cannot be undone (a revoked probe enrolls again and gets a new certificate).
 *
 * <p>Any gateway the replicas trust may order it (revoking only ever takes rights away); gateways
 * order it only after the registry, where administrators revoke, accepted the revocation.
 *
 * @param serial         the certificate's serial number (serials of one CA are unique, whatever the kind)
 * @param kind           what the certificate certifies, as the registry recorded it
 * @param notAfterMillis the certificate's end of validity (epoch milliseconds): past it the
 *                       certificate is refused as expired anyway, so the entry may be pruned;
 *                       {@link Long#MAX_VALUE} when the orderer does not know it
 * @param reason         free text for the record, at most {@link CommandCodec#MAX_REASON_BYTES} UTF-8 bytes
 */
public record RevokeCertificate(BigInteger serial, CertificateKind kind, long notAfterMillis, String reason)
        implements BrokerCommand {

    /** The serial as the registry and the read APIs write it: lowercase hex. */
    public String serialHex() {
        return serial.toString(16);
    }
}
