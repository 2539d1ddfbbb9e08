package fitmon.client.probe;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * What a probe signs with: its private key and the certificate the fitmon CA issued for it. The
 * probe id is the certificate's subject CN, as the brokers read it.
 */
public record ProbeCredentials(String probeId, PrivateKey privateKey, X509Certificate certificate,
                               SignatureAlgorithm algorithm) {

    /** Loads a PKCS#8 PEM private key and a PEM certificate; the key must be the one the certificate certifies. */
    public static ProbeCredentials load(Path privateKeyPem, Path certificatePem) throws IOException {
        PrivateKey key = PemFiles.readPrivateKey(privateKeyPem);
        X509Certificate certificate = PemFiles.readCertificate(certificatePem);
        return of(key, certificate);
    }

    public static ProbeCredentials of(PrivateKey key, X509Certificate certificate) {
        SignatureAlgorithm algorithm = PemFiles.algorithmOf(key);
        ProbeCredentials credentials = new ProbeCredentials(commonName(certificate), key, certificate, algorithm);
        if (!KeyPairs.matches(key, certificate.getPublicKey(), algorithm)) {
            throw new IllegalArgumentException("the private key is not the one certificate of " + credentials.probeId()
                    + " certifies");
        }
        return credentials;
    }

    public MessageSigner signer() {
        return new MessageSigner(algorithm, privateKey);
    }

    static String commonName(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] cn = subject.getRDNs(BCStyle.CN);
        if (cn.length != 1) {
            throw new IllegalArgumentException("the certificate's subject has no single CN: " + subject);
        }
        return IETFUtils.valueToString(cn[0].getFirst().getValue());
    }

    @Override
    public String toString() {
        return "ProbeCredentials[" + probeId + ", " + algorithm.envelopeName() + "]";
    }
}
