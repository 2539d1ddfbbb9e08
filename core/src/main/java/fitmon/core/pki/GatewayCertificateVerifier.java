package fitmon.core.pki;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;

/**
 * Checks a gateway certificate against the fitmon CA key at a given instant: issued by the CA,
 * marked with the gateway OU, an Ed25519 key, valid then. Deterministic; the CA-signature check,
 * a pure function of the certificate bytes, is remembered per certificate because every command
 * carries one.
 */
public final class GatewayCertificateVerifier {

    /** A verified gateway: its name (subject CN), key, validity and certificate serial number. */
    public record Gateway(String name, VerificationKey key, long notBeforeMillis, long notAfterMillis, BigInteger serial) {
    }

    private static final int MAX_REMEMBERED = 1024;

    private final PublicKey caKey;
    private final ConcurrentHashMap<String, Object> parsed = new ConcurrentHashMap<>();

    public GatewayCertificateVerifier(PublicKey caKey) {
        this.caKey = caKey;
    }

    /** @throws CertificateRejectedException naming the failed check */
    public Gateway verify(byte[] der, long atMillis) throws CertificateRejectedException {
        Gateway gateway = certified(der);
        if (atMillis < gateway.notBeforeMillis()) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.NOT_YET_VALID,
                    "gateway certificate of " + gateway.name() + " is not valid yet");
        }
        if (atMillis > gateway.notAfterMillis()) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.EXPIRED,
                    "gateway certificate of " + gateway.name() + " has expired");
        }
        return gateway;
    }

    /**
     * Every check but the validity period: a gateway certificate issued by the CA, whenever. For
     * work ahead of ordering, where the agreed time is not known yet.
     *
     * @throws CertificateRejectedException naming the failed check
     */
    public Gateway certified(byte[] der) throws CertificateRejectedException {
        Object known = parsed.get(fingerprint(der));
        if (known == null) {
            known = parse(der);
            if (parsed.size() >= MAX_REMEMBERED) {
                parsed.clear();
            }
            parsed.put(fingerprint(der), known);
        }
        if (known instanceof CertificateRejectedException rejected) {
            throw new CertificateRejectedException(rejected.reason(), rejected.getMessage());
        }
        return (Gateway) known;
    }

    private Object parse(byte[] der) {
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            return new CertificateRejectedException(CertificateRejectedException.Reason.MALFORMED,
                    "gateway certificate is not a DER X.509 certificate");
        }
        try {
            cert.verify(caKey);
        } catch (GeneralSecurityException | RuntimeException e) {
            return new CertificateRejectedException(CertificateRejectedException.Reason.UNTRUSTED,
                    "gateway certificate was not issued by the fitmon CA");
        }
        byte[] subject = cert.getSubjectX500Principal().getEncoded();
        String name = ProbeCertificateVerifier.commonNameOf(subject);
        if (!ProbeCertificateVerifier.isGateway(subject) || name == null) {
            return new CertificateRejectedException(CertificateRejectedException.Reason.NO_PROBE_ID,
                    "certificate is not a gateway certificate (subject OU " + CertificateAuthority.GATEWAY_UNIT + ")");
        }
        try {
            VerificationKey key = VerificationKey.fromSpki(cert.getPublicKey().getEncoded());
            if (key.algorithm() != SignatureAlgorithm.ED25519) {
                return new CertificateRejectedException(CertificateRejectedException.Reason.UNSUPPORTED_KEY,
                        "gateway keys must be Ed25519");
            }
            return new Gateway(name, key, cert.getNotBefore().getTime(), cert.getNotAfter().getTime(),
                    cert.getSerialNumber());
        } catch (GeneralSecurityException e) {
            return new CertificateRejectedException(CertificateRejectedException.Reason.UNSUPPORTED_KEY, e.getMessage());
        }
    }

    private static String fingerprint(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
