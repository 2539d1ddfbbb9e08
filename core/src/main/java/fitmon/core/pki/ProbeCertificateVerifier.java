package fitmon.core.pki;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import fitmon.core.channel.TagSyntax;
import fitmon.core.crypto.VerificationKey;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Checks a probe certificate against the fitmon CA key at a given instant. Deterministic: the
 * instant is a parameter (replicas pass the consensus time), never the wall clock.
 */
public final class ProbeCertificateVerifier {

    private final PublicKey caKey;

    public ProbeCertificateVerifier(PublicKey caKey) {
        this.caKey = caKey;
    }

    public ProbeIdentity verify(byte[] der, long atMillis) throws CertificateRejectedException {
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.MALFORMED,
                    "certificate is not a DER X.509 certificate");
        }
        try {
            cert.verify(caKey);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.UNTRUSTED,
                    "certificate was not issued by the fitmon CA");
        }
        if (atMillis < cert.getNotBefore().getTime()) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.NOT_YET_VALID,
                    "certificate is not valid before " + cert.getNotBefore().toInstant());
        }
        if (atMillis > cert.getNotAfter().getTime()) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.EXPIRED,
                    "certificate expired at " + cert.getNotAfter().toInstant());
        }
        if (cert.getBasicConstraints() != -1) {
            // The CA's own certificate verifies against the CA key and has a CN, but names no probe.
            throw new CertificateRejectedException(CertificateRejectedException.Reason.NO_PROBE_ID,
                    "a CA certificate is not a probe certificate");
        }
        if (isGateway(cert.getSubjectX500Principal().getEncoded())) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.NO_PROBE_ID,
                    "a gateway certificate is not a probe certificate");
        }
        if (hasUnit(cert.getSubjectX500Principal().getEncoded())) {
            // replicas' link certificates and the gateway's HTTPS one carry their role as OU; a probe's has none
            throw new CertificateRejectedException(CertificateRejectedException.Reason.NO_PROBE_ID,
                    "a certificate with a role (OU) of its own is not a probe certificate");
        }
        String probeId = commonNameOf(cert.getSubjectX500Principal().getEncoded());
        if (!TagSyntax.isValid(probeId)) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.NO_PROBE_ID,
                    "certificate subject CN must be a probe id: " + TagSyntax.rule());
        }
        byte[] spki = cert.getPublicKey().getEncoded();
        try {
            VerificationKey.fromSpki(spki);
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException(CertificateRejectedException.Reason.UNSUPPORTED_KEY,
                    "certificate key not accepted: " + e.getMessage());
        }
        return new ProbeIdentity(probeId, spki, cert.getSerialNumber(), cert.getNotAfter().getTime());
    }

    /** Whether a DER X.500 name carries the gateway OU. */
    static boolean isGateway(byte[] encodedName) {
        for (RDN unit : X500Name.getInstance(encodedName).getRDNs(BCStyle.OU)) {
            if (CertificateAuthority.GATEWAY_UNIT.equals(IETFUtils.valueToString(unit.getFirst().getValue()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a DER X.500 name has an OU: the mark of every role but a probe's. */
    static boolean hasUnit(byte[] encodedName) {
        return X500Name.getInstance(encodedName).getRDNs(BCStyle.OU).length > 0;
    }

    /** The CN of a DER X.500 name, or null if it has none. */
    static String commonNameOf(byte[] encodedName) {
        RDN[] cns = X500Name.getInstance(encodedName).getRDNs(BCStyle.CN);
        if (cns.length != 1) {
            return null;
        }
        return IETFUtils.valueToString(cns[0].getFirst().getValue());
    }
}
