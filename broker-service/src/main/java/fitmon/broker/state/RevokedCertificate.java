package fitmon.broker.state;

import java.math.BigInteger;

import fitmon.core.command.CertificateKind;

/**
 * One entry of the agreed revoked set: a certificate of the fitmon CA that no replica accepts any
 * more, from the command after the one that revoked it.
 *
 * @param notAfterMillis  the certificate's end of validity as the revocation stated it; the entry
 *                        is pruned once consensus time passed it
 * @param revokedAtMillis consensus time of the revoking command
 */
record RevokedCertificate(BigInteger serial, CertificateKind kind, long notAfterMillis, long revokedAtMillis,
                          String reason) {
}
