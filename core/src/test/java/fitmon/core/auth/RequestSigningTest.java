package fitmon.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class RequestSigningTest {

    private static final byte[] BODY = "{\"tag\":\"host.cpu\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signatureMatchesAnIndependentComputationOfTheDocumentedFormula() throws Exception {
        byte[] key = RequestSigning.signingKey("s3cret");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(key).isEqualTo(mac.doFinal("fitmon-request-signing-v1".getBytes(StandardCharsets.US_ASCII)));

        String bodyHash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(BODY));
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(
                ("POST\n/api/v1/channels\n1700000000\nn-1\n" + bodyHash).getBytes(StandardCharsets.UTF_8)));
        assertThat(RequestSigning.sign(key, "POST", "/api/v1/channels", "1700000000", "n-1", BODY)).isEqualTo(expected);
    }

    @Test
    void emptyAndAbsentBodiesHashAlike() {
        assertThat(RequestSigning.bodyDigest(null)).isEqualTo(RequestSigning.bodyDigest(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void everySignedPartChangesTheSignature() {
        byte[] key = RequestSigning.signingKey("k");
        String good = RequestSigning.sign(key, "POST", "/p?a=1", "1", "n", BODY);
        assertThat(RequestSigning.verify(key, "POST", "/p?a=1", "1", "n", BODY, good)).isTrue();
        assertThat(RequestSigning.verify(key, "POST", "/p?a=1", "1", "n", BODY, good.toUpperCase())).isTrue();
        assertThat(RequestSigning.verify(key, "PUT", "/p?a=1", "1", "n", BODY, good)).isFalse();
        assertThat(RequestSigning.verify(key, "POST", "/p?a=2", "1", "n", BODY, good)).isFalse();
        assertThat(RequestSigning.verify(key, "POST", "/p?a=1", "2", "n", BODY, good)).isFalse();
        assertThat(RequestSigning.verify(key, "POST", "/p?a=1", "1", "m", BODY, good)).isFalse();
        assertThat(RequestSigning.verify(key, "POST", "/p?a=1", "1", "n", new byte[0], good)).isFalse();
        assertThat(RequestSigning.verify(RequestSigning.signingKey("other"), "POST", "/p?a=1", "1", "n", BODY, good)).isFalse();
        assertThat(RequestSigning.verify(key, "POST", "/p?a=1", "1", "n", BODY, null)).isFalse();
        assertThat(RequestSigning.verify(key, "POST", "/p?a=1", "1", "n", BODY, "zz")).isFalse();
    }
}
