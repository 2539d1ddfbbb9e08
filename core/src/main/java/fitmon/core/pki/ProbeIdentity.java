package fitmon.core.pki;

import java.math.BigInteger;

/**
 * What a valid probe certificate proves.
 *
 * @param probeId        the subject CN
 * @param publicKeySpki  the probe's public key, DER SubjectPublicKeyInfo
 * @param serial         the certificate serial number
 * @param notAfterMillis end of validity, epoch milliseconds
 */
public record ProbeIdentity(String probeId, byte[] publicKeySpki, BigInteger serial, long notAfterMillis) {
}
