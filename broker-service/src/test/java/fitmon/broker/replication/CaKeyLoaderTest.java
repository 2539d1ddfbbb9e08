package fitmon.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import fitmon.core.pki.CertificateAuthority;
import org.junit.jupiter.api.Test;

class CaKeyLoaderTest {

    private static final CertificateAuthority CA = CertificateAuthority.generate("fitmon-ca");

    @Test
    void acceptsBase64DerAPemKeyAndAPemCertificate() throws Exception {
        byte[] spki = CA.publicKey().getEncoded();
        String base64 = Base64.getEncoder().encodeToString(spki);
        String pemKey = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(spki) + "\n-----END PUBLIC KEY-----\n";
        String pemCert = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(CA.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        assertThat(CaKeyLoader.parse(base64).getEncoded()).isEqualTo(spki);
        assertThat(CaKeyLoader.parse(pemKey).getEncoded()).isEqualTo(spki);
        assertThat(CaKeyLoader.parse(pemCert).getEncoded()).isEqualTo(spki);
    }

    @Test
    void garbageGetsAMessageNamingTheSetting() {
        assertThatThrownBy(() -> CaKeyLoader.parse("not a key!")).hasMessageContaining("fitmon.broker.ca-public-key");
        assertThatThrownBy(() -> CaKeyLoader.parse(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})))
                .hasMessageContaining("fitmon.broker.ca-public-key");
    }
}
