package fitmon.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** RFC 8785 behaviour of the bytes events are signed over. */
class CanonicalJsonTest {

    private static String signing(String json) throws Exception {
        return new String(CanonicalJson.signingBytes(EventJson.parse(json)), StandardCharsets.UTF_8);
    }

    @Test
    void membersSortedWhitespaceGoneSignatureLeftOut() throws Exception {
        String a = signing(EventJsonTest.EXAMPLE);
        assertThat(a).isEqualTo("{\"data\":{\"load1\":0.42},\"probeId\":\"web-01\",\"seq\":17,"
                + "\"tag\":\"host.cpu\",\"ts\":\"2026-11-23T02:31:45.123Z\"}");
        String reordered = signing("""
                { "ts":"2026-11-23T02:31:45.123Z", "data": {"load1": 0.42}, "seq": 17,
                  "tag": "host.cpu", "probeId": "web-01" }""");
        assertThat(reordered).isEqualTo(a);
    }

    @Test
    void numbersFollowEcmaScriptSerialisation() throws Exception {
        String s = signing("{\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\","
                + "\"data\":{\"b\":1.0E2,\"a\":-0.0,\"c\":1e21,\"d\":0.000001,\"e\":1e-7,\"f\":123456789012}}");
        assertThat(s).contains("\"data\":{\"a\":0,\"b\":100,\"c\":1e+21,\"d\":0.000001,\"e\":1e-7,\"f\":123456789012}");
    }

    @Test
    void stringsAreNotEscapedBeyondWhatJcsRequires() throws Exception {
        String s = signing("{\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\","
                + "\"data\":{\"u\":\"\\u20ac\\n\\u0001\"}}");
        assertThat(s).contains("\"u\":\"€\\n\\u0001\"");
    }

    @Test
    void envelopeBytesIncludeTheSignature() throws Exception {
        Event e = EventJson.parse(EventJsonTest.EXAMPLE);
        assertThat(new String(CanonicalJson.envelopeBytes(e), StandardCharsets.UTF_8))
                .endsWith("\"sig\":{\"alg\":\"Ed25519\",\"value\":\"AAEC\"},\"tag\":\"host.cpu\",\"ts\":\"2026-11-23T02:31:45.123Z\"}");
    }
}
