package fitmon.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    static final String EXAMPLE = """
            {"probeId":"web-01","tag":"host.cpu","seq":17,"ts":"2026-11-23T02:31:45.123Z",
             "data":{"load1":0.42},
             "sig":{"alg":"Ed25519","value":"AAEC"}}""";

    @Test
    void readsTheContractExample() throws Exception {
        Event e = EventJson.parse(EXAMPLE);
        assertThat(e.probeId()).isEqualTo("web-01");
        assertThat(e.tag()).isEqualTo("host.cpu");
        assertThat(e.seq()).isEqualTo(17);
        assertThat(e.ts()).isEqualTo("2026-11-23T02:31:45.123Z");
        assertThat(e.data().get("load1").asDouble()).isEqualTo(0.42);
        assertThat(e.sig()).isEqualTo(new EventSignature("Ed25519", "AAEC"));
        assertThat(e.sig().bytes()).containsExactly(0, 1, 2);
    }

    @Test
    void unsignedIsAllowedAtThisLevel() throws Exception {
        assertThat(EventJson.parse("{\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}}")
                .signed()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json | {nope | not valid JSON",
            "array | [] | must be a JSON object",
            "unknown member | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{},\"x\":1} | unknown member 'x'",
            "duplicate key | {\"probeId\":\"p\",\"probeId\":\"q\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}} | not valid JSON",
            "missing probeId | {\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}} | probeId must be a string",
            "bad probeId | {\"probeId\":\"a b\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}} | probeId must be",
            "bad tag | {\"probeId\":\"p\",\"tag\":\"-t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}} | tag must be",
            "seq as string | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":\"1\",\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}} | seq must be an integer",
            "fractional seq | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1.5,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}} | seq must be an integer",
            "seq zero | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":0,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}} | seq must be between",
            "seq beyond 2^53 | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":9007199254740992,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{}} | seq must be between",
            "bad ts | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"yesterday\",\"data\":{}} | ts must be an RFC 3339",
            "data not object | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":3} | data must be a JSON object",
            "infinite number | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{\"x\":1e400}} | outside the range",
            "sig extra member | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{},\"sig\":{\"alg\":\"Ed25519\",\"value\":\"AA\",\"k\":1}} | sig must be an object",
            "sig not base64url | {\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{},\"sig\":{\"alg\":\"Ed25519\",\"value\":\"+/=*\"}} | base64url",
    })
    void refusesWithAReason(String name, String json, String message) {
        assertThatThrownBy(() -> EventJson.parse(json)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(message);
    }

    @Test
    void writingAndReadingBackKeepsTheSignedBytes() throws Exception {
        Event e = EventJson.parse(EXAMPLE);
        Event again = EventJson.parse(EventJson.toBytes(e));
        assertThat(again).isEqualTo(e);
        assertThat(CanonicalJson.signingBytes(again)).isEqualTo(CanonicalJson.signingBytes(e));
    }
}
