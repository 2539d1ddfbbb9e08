package fitmon.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class EventJsonTest {

    /** The envelope of DESIGN.md "External contract", with a real base64url value in place of the placeholder. */
    static final String EXAMPLE = """
            {"probeId":"web-01","tag":"host.cpu","seq":17,"ts":"2026-11-23T02:31:45.123Z",
             "data":{"load1":0.42},
             "sig":{"alg":"Ed25519","value":"AAEC"}}""";

    /** A valid unsigned envelope, member by member (raw JSON values), for building variants. */
    private static Map<String, String> base() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("probeId", "\"p\"");
        m.put("tag", "\"t\"");
        m.put("seq", "1");
        m.put("ts", "\"2026-01-01T00:00:00Z\"");
        m.put("data", "{}");
        return m;
    }

    /** The base envelope with one member set to a raw JSON value, or removed when the value is null. */
    static String with(String member, String rawValue) {
        Map<String, String> m = base();
        if (rawValue == null) {
            m.remove(member);
        } else {
            m.put(member, rawValue);
        }
        return m.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    @Test
    void readsTheContractExample() throws Exception {
        Event e = EventJson.parse(EXAMPLE);
        assertThat(e.probeId()).isEqualTo("web-01");
        assertThat(e.tag()).isEqualTo("host.cpu");
        assertThat(e.seq()).isEqualTo(17);
        assertThat(e.ts()).isEqualTo("2026-11-23T02:31:45.123Z");
        assertThat(e.data().isObject()).isTrue();
        assertThat(e.data().size()).isEqualTo(1);
        assertThat(e.data().get("load1").asDouble()).isEqualTo(0.42);
        assertThat(e.signed()).isTrue();
        assertThat(e.sig()).isEqualTo(new EventSignature("Ed25519", "AAEC"));
        assertThat(e.sig().bytes()).containsExactly(0, 1, 2);
    }

    @Test
    void bytesAndStringFormsAgree() throws Exception {
        assertThat(EventJson.parse(EXAMPLE.getBytes(StandardCharsets.UTF_8))).isEqualTo(EventJson.parse(EXAMPLE));
    }

    @Test
    void memberOrderDoesNotMatter() throws Exception {
        Event reordered = EventJson.parse("""
                {"sig":{"value":"AAEC","alg":"Ed25519"},"data":{"load1":0.42},"ts":"2026-11-23T02:31:45.123Z",
                 "seq":17,"tag":"host.cpu","probeId":"web-01"}""");
        assertThat(reordered).isEqualTo(EventJson.parse(EXAMPLE));
    }

    @Test
    void unsignedIsAllowedAtThisLevel() throws Exception {
        Event e = EventJson.parse(with("data", "{}"));
        assertThat(e.signed()).isFalse();
        assertThat(e.sig()).isNull();
        Event explicitNull = EventJson.parse(with("sig", "null"));
        assertThat(explicitNull.signed()).isFalse();
        assertThat(explicitNull).isEqualTo(e);
    }

    @Test
    void seqBoundsAreInclusive() throws Exception {
        assertThat(EventJson.MAX_SEQ).isEqualTo(9_007_199_254_740_991L);
        assertThat(EventJson.parse(with("seq", "1")).seq()).isEqualTo(1);
        assertThat(EventJson.parse(with("seq", "9007199254740991")).seq()).isEqualTo(EventJson.MAX_SEQ);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-23T02:31:45Z", "2026-11-23T02:31:45.123456789Z", "2026-11-23T03:31:45.1+01:00",
            "2026-11-22T21:31:45-05:00", "2016-12-31T23:59:60Z"})
    void tsIsKeptVerbatim(String ts) throws Exception {
        assertThat(EventJson.parse(with("ts", "\"" + ts + "\"")).ts()).isEqualTo(ts);
    }

    @Test
    void probeIdsAndTagsUpToTheLimitAreAccepted() throws Exception {
        String longest = "a".repeat(128);
        Event e = EventJson.parse(with("probeId", "\"" + longest + "\"").replace("\"tag\":\"t\"", "\"tag\":\"" + longest + "\""));
        assertThat(e.probeId()).isEqualTo(longest);
        assertThat(e.tag()).isEqualTo(longest);
    }

    @Test
    void dataMayHoldAnyJsonWithinRange() throws Exception {
        Event e = EventJson.parse(with("data", """
                {"n":null,"b":[true,false],"s":"caf\\u00e9 \\ud83d\\ude00","o":{"deep":[1,-2.5,1e300,{"x":[]}]},
                 "big":123456789012345678901234567890}"""));
        JsonNode data = e.data();
        assertThat(data.get("n").isNull()).isTrue();
        assertThat(data.get("b").get(1).asBoolean()).isFalse();
        assertThat(data.get("s").asString()).isEqualTo("caf\u00e9 \ud83d\ude00");
        assertThat(data.get("o").get("deep").get(2).asDouble()).isEqualTo(1e300);
    }

    @Test
    void base64urlSignaturesMayBePadded() throws Exception {
        Event padded = EventJson.parse(with("sig", "{\"alg\":\"Ed25519\",\"value\":\"AAE=\"}"));
        assertThat(padded.sig().bytes()).containsExactly(0, 1);
        Event urlAlphabet = EventJson.parse(with("sig", "{\"alg\":\"Ed25519\",\"value\":\"-_-_\"}"));
        assertThat(urlAlphabet.sig().bytes()).containsExactly(0xfb, 0xff, 0xbf);
        // an unknown algorithm name is the verifier's business, not the parser's
        assertThat(EventJson.parse(with("sig", "{\"alg\":\"HS256\",\"value\":\"\"}")).sig().bytes()).isEmpty();
    }

    static Stream<Arguments> refusals() {
        String dataInf = "{\"a\":[1,{\"b\":1e400}]}";
        return Stream.of(
                // not JSON
                Arguments.of("not JSON", "{nope", "not valid JSON"),
                Arguments.of("plain text", "hello", "not valid JSON"),
                Arguments.of("trailing content", with("data", "{}") + " {}", "not valid JSON"),
                Arguments.of("trailing garbage", with("data", "{}") + "x", "not valid JSON"),
                Arguments.of("truncated", with("data", "{}").substring(0, 30), "not valid JSON"),
                Arguments.of("comment", "/*c*/" + with("data", "{}"), "not valid JSON"),
                Arguments.of("single quotes", with("probeId", "'p'"), "not valid JSON"),
                Arguments.of("NaN", with("data", "{\"x\":NaN}"), "not valid JSON"),
                Arguments.of("leading zero", with("seq", "01"), "not valid JSON"),
                // not an object
                Arguments.of("empty", "", "event must be a JSON object"),
                Arguments.of("array", "[]", "event must be a JSON object"),
                Arguments.of("array of envelope", "[" + with("data", "{}") + "]", "event must be a JSON object"),
                Arguments.of("null", "null", "event must be a JSON object"),
                Arguments.of("number", "42", "event must be a JSON object"),
                Arguments.of("string", "\"event\"", "event must be a JSON object"),
                // unknown member
                Arguments.of("unknown member", with("x", "1"), "unknown member 'x'"),
                Arguments.of("member case matters", with("Seq", "1"), "unknown member 'Seq'"),
                Arguments.of("delivery member", with("channelSeq", "1"), "unknown member 'channelSeq'"),
                // duplicate keys, at any depth
                Arguments.of("duplicate key", "{\"probeId\":\"p\"," + with("data", "{}").substring(1), "Duplicate"),
                Arguments.of("duplicate key in data", with("data", "{\"a\":{\"b\":1,\"b\":2}}"), "Duplicate"),
                Arguments.of("duplicate key in sig", with("sig", "{\"alg\":\"Ed25519\",\"alg\":\"ES256\",\"value\":\"AA\"}"), "Duplicate"),
                // missing members
                Arguments.of("missing probeId", with("probeId", null), "probeId must be a string"),
                Arguments.of("missing tag", with("tag", null), "tag must be a string"),
                Arguments.of("missing seq", with("seq", null), "seq must be an integer"),
                Arguments.of("missing ts", with("ts", null), "ts must be a string"),
                Arguments.of("missing data", with("data", null), "data must be a JSON object"),
                // ill-typed members
                Arguments.of("probeId number", with("probeId", "5"), "probeId must be a string"),
                Arguments.of("probeId null", with("probeId", "null"), "probeId must be a string"),
                Arguments.of("probeId object", with("probeId", "{}"), "probeId must be a string"),
                Arguments.of("tag boolean", with("tag", "true"), "tag must be a string"),
                Arguments.of("tag array", with("tag", "[\"t\"]"), "tag must be a string"),
                Arguments.of("seq string", with("seq", "\"1\""), "seq must be an integer"),
                Arguments.of("seq null", with("seq", "null"), "seq must be an integer"),
                Arguments.of("seq boolean", with("seq", "true"), "seq must be an integer"),
                Arguments.of("seq array", with("seq", "[1]"), "seq must be an integer"),
                Arguments.of("ts number", with("ts", "1764901905123"), "ts must be a string"),
                Arguments.of("ts null", with("ts", "null"), "ts must be a string"),
                Arguments.of("data array", with("data", "[]"), "data must be a JSON object"),
                Arguments.of("data string", with("data", "\"{}\""), "data must be a JSON object"),
                Arguments.of("data number", with("data", "3"), "data must be a JSON object"),
                Arguments.of("data null", with("data", "null"), "data must be a JSON object"),
                // probeId and tag syntax
                Arguments.of("probeId with spaces", with("probeId", "\"a b\""), "probeId must be 1 to 128 characters"),
                Arguments.of("probeId empty", with("probeId", "\"\""), "probeId must be 1 to 128 characters"),
                Arguments.of("probeId leading dash", with("probeId", "\"-p\""), "probeId must be"),
                Arguments.of("probeId 129 chars", with("probeId", "\"" + "p".repeat(129) + "\""), "probeId must be"),
                Arguments.of("probeId unicode", with("probeId", "\"caf\\u00e9\""), "probeId must be"),
                Arguments.of("tag leading dash", with("tag", "\"-t\""), "tag must be 1 to 128 characters"),
                Arguments.of("tag empty", with("tag", "\"\""), "tag must be"),
                Arguments.of("tag slash", with("tag", "\"host/cpu\""), "tag must be"),
                Arguments.of("tag 129 chars", with("tag", "\"" + "t".repeat(129) + "\""), "tag must be"),
                // seq range and integrality
                Arguments.of("seq zero", with("seq", "0"), "seq must be between 1 and 9007199254740991"),
                Arguments.of("seq negative", with("seq", "-1"), "seq must be between 1 and 9007199254740991"),
                Arguments.of("seq very negative", with("seq", "-9007199254740991"), "seq must be between"),
                Arguments.of("seq 2^53", with("seq", "9007199254740992"), "seq must be between 1 and 9007199254740991"),
                Arguments.of("seq Long.MAX", with("seq", "9223372036854775807"), "seq must be between"),
                Arguments.of("seq beyond long", with("seq", "18446744073709551616"), "seq must be an integer"),
                Arguments.of("seq fractional", with("seq", "1.5"), "seq must be an integer"),
                Arguments.of("seq integral double", with("seq", "1.0"), "seq must be an integer"),
                Arguments.of("seq exponent", with("seq", "1e0"), "seq must be an integer"),
                Arguments.of("seq negative fraction", with("seq", "-0.5"), "seq must be an integer"),
                // timestamps
                Arguments.of("ts words", with("ts", "\"yesterday\""), "ts must be an RFC 3339 timestamp"),
                Arguments.of("ts empty", with("ts", "\"\""), "ts must be an RFC 3339 timestamp"),
                Arguments.of("ts date only", with("ts", "\"2026-11-23\""), "ts must be an RFC 3339 timestamp"),
                Arguments.of("ts no offset", with("ts", "\"2026-11-23T02:31:45\""), "ts must be an RFC 3339 timestamp"),
                Arguments.of("ts month 13", with("ts", "\"2026-13-01T00:00:00Z\""), "ts must be an RFC 3339 timestamp"),
                Arguments.of("ts space separator", with("ts", "\"2026-11-23 02:31:45Z\""), "ts must be an RFC 3339 timestamp"),
                // numbers and strings the canonical form cannot carry
                Arguments.of("infinite number", with("data", "{\"x\":1e400}"), "outside the range of an IEEE double"),
                Arguments.of("negative infinite nested", with("data", dataInf.replace("1e400", "-1e400")), "outside the range"),
                Arguments.of("infinite in array", with("data", dataInf), "outside the range"),
                Arguments.of("lone high surrogate", with("data", "{\"x\":\"\\ud800\"}"), "unpaired UTF-16 surrogate"),
                Arguments.of("lone low surrogate in array", with("data", "{\"x\":[\"a\\udfff\"]}"), "unpaired UTF-16 surrogate"),
                Arguments.of("reversed pair", with("data", "{\"x\":\"\\ude00\\ud83d\"}"), "unpaired UTF-16 surrogate"),
                Arguments.of("lone surrogate in key", with("data", "{\"\\ud800\":1}"), "surrogate"),
                // signatures
                Arguments.of("sig string", with("sig", "\"AAEC\""), "sig must be an object with exactly 'alg' and 'value'"),
                Arguments.of("sig array", with("sig", "[\"Ed25519\",\"AAEC\"]"), "sig must be an object"),
                Arguments.of("sig empty", with("sig", "{}"), "sig must be an object with exactly 'alg' and 'value'"),
                Arguments.of("sig alg only", with("sig", "{\"alg\":\"Ed25519\"}"), "sig must be an object"),
                Arguments.of("sig value only", with("sig", "{\"value\":\"AAEC\"}"), "sig must be an object"),
                Arguments.of("sig extra member", with("sig", "{\"alg\":\"Ed25519\",\"value\":\"AA\",\"kid\":\"k\"}"), "sig must be an object"),
                Arguments.of("sig wrong members", with("sig", "{\"alg\":\"Ed25519\",\"val\":\"AA\"}"), "sig must be an object"),
                Arguments.of("sig alg number", with("sig", "{\"alg\":1,\"value\":\"AA\"}"), "alg must be a string"),
                Arguments.of("sig value number", with("sig", "{\"alg\":\"Ed25519\",\"value\":5}"), "value must be a string"),
                Arguments.of("sig value null", with("sig", "{\"alg\":\"Ed25519\",\"value\":null}"), "value must be a string"),
                Arguments.of("sig value standard base64", with("sig", "{\"alg\":\"Ed25519\",\"value\":\"+/+/\"}"), "sig.value must be base64url"),
                Arguments.of("sig value bad char", with("sig", "{\"alg\":\"Ed25519\",\"value\":\"AA*A\"}"), "sig.value must be base64url"),
                Arguments.of("sig value bad length", with("sig", "{\"alg\":\"Ed25519\",\"value\":\"A\"}"), "sig.value must be base64url"),
                Arguments.of("sig value with space", with("sig", "{\"alg\":\"Ed25519\",\"value\":\"AA AA\"}"), "sig.value must be base64url"),
                Arguments.of("sig alg lone surrogate", with("sig", "{\"alg\":\"\\ud800\",\"value\":\"AA\"}"), "sig.alg"),
                // batch proofs
                Arguments.of("batch not an object", batchSig("[]"), "sig.batch must be an object"),
                Arguments.of("batch missing path", batchSig("{\"size\":2,\"index\":0}"), "sig.batch must be an object"),
                Arguments.of("batch extra member", batchSig("{\"size\":2,\"index\":0,\"path\":[],\"root\":\"x\"}"), "sig.batch must be an object"),
                Arguments.of("batch of one", batchSig("{\"size\":1,\"index\":0,\"path\":[]}"), "sig.batch.size must be an integer from 2"),
                Arguments.of("batch too large", batchSig("{\"size\":1048577,\"index\":0,\"path\":[]}"), "sig.batch.size"),
                Arguments.of("batch size string", batchSig("{\"size\":\"2\",\"index\":0,\"path\":[]}"), "sig.batch.size"),
                Arguments.of("batch size fraction", batchSig("{\"size\":2.5,\"index\":0,\"path\":[]}"), "sig.batch.size"),
                Arguments.of("batch index past the end", batchSig("{\"size\":2,\"index\":2,\"path\":[]}"), "sig.batch.index must be an integer from 0 to size - 1 (1)"),
                Arguments.of("batch index negative", batchSig("{\"size\":2,\"index\":-1,\"path\":[]}"), "sig.batch.index"),
                Arguments.of("batch path not an array", batchSig("{\"size\":2,\"index\":0,\"path\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}"), "sig.batch.path must be an array"),
                Arguments.of("batch path too long", batchSig("{\"size\":2,\"index\":0,\"path\":[" + "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",".repeat(20) + "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"]}"), "at most 20"),
                Arguments.of("batch path number", batchSig("{\"size\":2,\"index\":0,\"path\":[1]}"), "base64url strings"),
                Arguments.of("batch path short hash", batchSig("{\"size\":2,\"index\":0,\"path\":[\"AAAA\"]}"), "SHA-256 hashes (32 bytes each)"),
                Arguments.of("batch path not base64url", batchSig("{\"size\":2,\"index\":0,\"path\":[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+\"]}"), "SHA-256 hashes"));
    }

    private static String batchSig(String batch) {
        return with("sig", "{\"alg\":\"Ed25519\",\"value\":\"AA\",\"batch\":" + batch + "}");
    }

    @Test
    void aBatchProofIsReadAndWrittenBack() throws Exception {
        String hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        Event event = EventJson.parse(batchSig("{\"size\":3,\"index\":2,\"path\":[\"" + hash + "\"]}"));
        assertThat(event.sig().batch()).isEqualTo(new BatchProof(3, 2, java.util.List.of(hash)));
        assertThat(EventJson.parse(EventJson.toBytes(event))).isEqualTo(event);
        assertThat(new String(EventJson.toBytes(event), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"sig\":{\"alg\":\"Ed25519\",\"value\":\"AA\",\"batch\":{\"size\":3,\"index\":2,\"path\":[\"" + hash + "\"]}}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWithAReason(String name, String json, String message) {
        assertThatThrownBy(() -> EventJson.parse(json)).as(json).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(message);
    }

    @Test
    void invalidUtf8IsNotJson() {
        byte[] bytes = with("probeId", "\"p\"").getBytes(StandardCharsets.UTF_8);
        byte[] broken = bytes.clone();
        broken[broken.length - 3] = (byte) 0xC3; // inside the ts string, a lead byte without continuation
        assertThatThrownBy(() -> EventJson.parse(broken)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void aNonObjectTreeIsRefused() {
        assertThatThrownBy(() -> EventJson.fromTree(null)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> EventJson.fromTree(EventJson.readTree("[1]"))).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void unknownMemberMessageNamesTheAllowedOnes() {
        assertThatThrownBy(() -> EventJson.parse(with("extra", "1"))).hasMessageContaining("probeId")
                .hasMessageContaining("sig");
    }

    @Test
    void writingAndReadingBackKeepsTheEventAndTheSignedBytes() throws Exception {
        for (String json : new String[] {EXAMPLE, with("data", "{\"z\":[1.5e-7,\"\\u20ac\"],\"a\":{\"n\":null}}"),
                with("sig", "{\"alg\":\"RS256\",\"value\":\"AAE=\"}")}) {
            Event e = EventJson.parse(json);
            Event again = EventJson.parse(EventJson.toBytes(e));
            assertThat(again).as(json).isEqualTo(e);
            assertThat(CanonicalJson.signingBytes(again)).isEqualTo(CanonicalJson.signingBytes(e));
            assertThat(CanonicalJson.envelopeBytes(again)).isEqualTo(CanonicalJson.envelopeBytes(e));
        }
    }

    @Test
    void toTreeWithOrWithoutSignature() throws Exception {
        Event e = EventJson.parse(EXAMPLE);
        assertThat(EventJson.toTree(e, true).has("sig")).isTrue();
        assertThat(EventJson.toTree(e, true).get("sig").get("value").asString()).isEqualTo("AAEC");
        assertThat(EventJson.toTree(e, false).has("sig")).isFalse();
        assertThat(EventJson.toTree(e.withSignature(null), true).has("sig")).isFalse();
        assertThat(new String(EventJson.toBytes(e.withSignature(null)), StandardCharsets.UTF_8)).doesNotContain("sig");
    }

    @Test
    void withSignatureReplacesOnlyTheSignature() throws Exception {
        Event e = EventJson.parse(EXAMPLE);
        Event other = e.withSignature(new EventSignature("ES256", "AA"));
        assertThat(other.sig()).isEqualTo(new EventSignature("ES256", "AA"));
        assertThat(other.withSignature(e.sig())).isEqualTo(e);
        assertThat(e.sig().alg()).isEqualTo("Ed25519");
    }

    @Test
    void eventSignatureEncodesWithoutPadding() {
        EventSignature s = EventSignature.of("Ed25519", new byte[] {(byte) 0xfb, (byte) 0xff, 0x01, 0x02});
        assertThat(s.value()).isEqualTo("-_8BAg");
        assertThat(s.bytes()).containsExactly(0xfb, 0xff, 0x01, 0x02);
        assertThat(new EventSignature("Ed25519", "not base64!").bytes()).isNull();
    }
}
