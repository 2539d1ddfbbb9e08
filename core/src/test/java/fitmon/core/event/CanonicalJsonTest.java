package fitmon.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 8785 behaviour of the bytes events are signed over. */
class CanonicalJsonTest {

    private static final String HEAD = "{\"probeId\":\"p\",\"tag\":\"t\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":";

    private static String signing(String json) throws Exception {
        return new String(CanonicalJson.signingBytes(EventJson.parse(json)), StandardCharsets.UTF_8);
    }

    /** The canonical form of {@code data}, cut out of the signing bytes (data sorts first). */
    private static String canonicalData(String data) throws Exception {
        String s = signing(HEAD + data + "}");
        String tail = ",\"probeId\":\"p\",\"seq\":1,\"tag\":\"t\",\"ts\":\"2026-01-01T00:00:00Z\"}";
        assertThat(s).startsWith("{\"data\":").endsWith(tail);
        return s.substring("{\"data\":".length(), s.length() - tail.length());
    }

    @Test
    void theContractExampleSignsTheseExactBytes() throws Exception {
        assertThat(signing(EventJsonTest.EXAMPLE)).isEqualTo("{\"data\":{\"load1\":0.42},\"probeId\":\"web-01\",\"seq\":17,"
                + "\"tag\":\"host.cpu\",\"ts\":\"2026-11-23T02:31:45.123Z\"}");
    }

    @Test
    void signingBytesLeaveTheSignatureOut() throws Exception {
        Event signed = EventJson.parse(EventJsonTest.EXAMPLE);
        Event unsigned = signed.withSignature(null);
        Event otherSig = signed.withSignature(new EventSignature("RS256", "AQID"));
        assertThat(CanonicalJson.signingBytes(signed)).isEqualTo(CanonicalJson.signingBytes(unsigned))
                .isEqualTo(CanonicalJson.signingBytes(otherSig));
        assertThat(new String(CanonicalJson.signingBytes(signed), StandardCharsets.UTF_8)).doesNotContain("sig")
                .doesNotContain("AAEC");
    }

    @Test
    void envelopeBytesIncludeTheSignatureInItsSortedPlace() throws Exception {
        Event e = EventJson.parse(EventJsonTest.EXAMPLE);
        assertThat(new String(CanonicalJson.envelopeBytes(e), StandardCharsets.UTF_8)).isEqualTo(
                "{\"data\":{\"load1\":0.42},\"probeId\":\"web-01\",\"seq\":17,\"sig\":{\"alg\":\"Ed25519\",\"value\":\"AAEC\"},"
                        + "\"tag\":\"host.cpu\",\"ts\":\"2026-11-23T02:31:45.123Z\"}");
        assertThat(CanonicalJson.envelopeBytes(e.withSignature(null))).isEqualTo(CanonicalJson.signingBytes(e));
        assertThat(CanonicalJson.envelopeBytes(e)).isNotEqualTo(CanonicalJson.envelopeBytes(
                e.withSignature(new EventSignature("Ed25519", "AAED"))));
    }

    @Test
    void memberOrderAndWhitespaceOfTheInputDoNotChangeTheBytes() throws Exception {
        String compact = "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":17,\"ts\":\"2026-11-23T02:31:45.123Z\","
                + "\"data\":{\"load1\":0.42,\"disks\":{\"sda\":[1,2,{\"b\":true,\"a\":null}],\"nvme\":0.5},\"up\":true}}";
        String reordered = """
                {
                  "data" : { "up" : true ,
                             "disks" : { "nvme" : 5e-1, "sda" : [ 1 , 2.0 , { "a" : null , "b" : true } ] },
                             "load1" : 42E-2 },
                  "ts" : "2026-11-23T02:31:45.123Z",
                  "seq" : 17 ,
                  "sig" : { "value" : "AAEC", "alg" : "Ed25519" },
                  "tag" : "host.cpu",
                  "probeId" : "web-01"
                }
                """;
        assertThat(signing(reordered)).isEqualTo(signing(compact));
        assertThat(signing(compact)).isEqualTo("{\"data\":{\"disks\":{\"nvme\":0.5,\"sda\":[1,2,{\"a\":null,\"b\":true}]},"
                + "\"load1\":0.42,\"up\":true},\"probeId\":\"web-01\",\"seq\":17,\"tag\":\"host.cpu\","
                + "\"ts\":\"2026-11-23T02:31:45.123Z\"}");
    }

    @Test
    void arrayOrderIsKept() throws Exception {
        assertThat(canonicalData("{\"a\":[3,1,2]}")).isEqualTo("{\"a\":[3,1,2]}");
        assertThat(signing(HEAD + "{\"a\":[3,1,2]}}")).isNotEqualTo(signing(HEAD + "{\"a\":[1,2,3]}}"));
    }

    @Test
    void numbersAreCanonicalised() throws Exception {
        assertThat(canonicalData("{\"b\":1.0E2,\"a\":-0.0}")).isEqualTo("{\"a\":0,\"b\":100}");
        assertThat(canonicalData("{\"a\":1e21,\"b\":0.000001,\"c\":1e-7,\"d\":123456789012,\"e\":-0,\"f\":1E+2}"))
                .isEqualTo("{\"a\":1e+21,\"b\":0.000001,\"c\":1e-7,\"d\":123456789012,\"e\":0,\"f\":100}");
        // beyond 2^53 integers become the nearest double, as in ECMAScript
        assertThat(canonicalData("{\"a\":9007199254740993,\"b\":123456789012345678901234567890}"))
                .isEqualTo("{\"a\":9007199254740992,\"b\":1.2345678901234568e+29}");
    }

    /** RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text. */
    static Stream<Arguments> rfc8785AppendixB() {
        return Stream.of(
                Arguments.of("0000000000000000", "0"),
                Arguments.of("8000000000000000", "0"),
                Arguments.of("0000000000000001", "5e-324"),
                Arguments.of("8000000000000001", "-5e-324"),
                Arguments.of("7fefffffffffffff", "1.7976931348623157e+308"),
                Arguments.of("ffefffffffffffff", "-1.7976931348623157e+308"),
                Arguments.of("4340000000000000", "9007199254740992"),
                Arguments.of("c340000000000000", "-9007199254740992"),
                Arguments.of("4430000000000000", "295147905179352830000"),
                Arguments.of("44b52d02c7e14af5", "9.999999999999997e+22"),
                Arguments.of("44b52d02c7e14af6", "1e+23"),
                Arguments.of("44b52d02c7e14af7", "1.0000000000000001e+23"),
                Arguments.of("444b1ae4d6e2ef4e", "999999999999999700000"),
                Arguments.of("444b1ae4d6e2ef4f", "999999999999999900000"),
                Arguments.of("444b1ae4d6e2ef50", "1e+21"),
                Arguments.of("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
                Arguments.of("3eb0c6f7a0b5ed8d", "0.000001"),
                Arguments.of("41b3de4355555553", "333333333.3333332"),
                Arguments.of("41b3de4355555554", "333333333.33333325"),
                Arguments.of("41b3de4355555555", "333333333.3333333"),
                Arguments.of("41b3de4355555556", "333333333.3333334"),
                Arguments.of("41b3de4355555557", "333333333.33333343"),
                Arguments.of("becbf647612f3696", "-0.0000033333333333333333"),
                Arguments.of("43143ff3c1cb0959", "1424953923781206.2"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rfc8785AppendixB")
    void numbersMatchRfc8785AppendixB(String bits, String expected) throws Exception {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        // Java's shortest repr is valid JSON and reads back as exactly this double
        assertThat(canonicalData("{\"n\":" + value + "}")).isEqualTo("{\"n\":" + expected + "}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "1e21 | 1e+21", "1e20 | 100000000000000000000", "0.000001 | 0.000001", "1e-7 | 1e-7",
            "4.50 | 4.5", "2e-3 | 0.002", "1E30 | 1e+30", "0.000000000000000000000000001 | 1e-27",
            "333333333.33333329 | 333333333.3333333", "-1.5 | -1.5", "100 | 100", "1e-400 | 0"})
    void numberTextsFromRfc8785(String input, String expected) throws Exception {
        assertThat(canonicalData("{\"n\":" + input + "}")).isEqualTo("{\"n\":" + expected + "}");
    }

    @Test
    void theRfc8785Section322Example() throws Exception {
        String data = """
                {
                  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                  "literals": [null, true, false]
                }""";
        assertThat(canonicalData(data)).isEqualTo("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,"
                + "1e+30,4.5,0.002,1e-27],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void membersSortByUtf16CodeUnitsAsInRfc8785Section323() throws Exception {
        String data = """
                {"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh",
                 "1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control",
                 "\\u00f6":"Latin Small Letter O With Diaeresis"}""";
        assertThat(canonicalData(data)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void stringsAreNotEscapedBeyondWhatJcsRequires() throws Exception {
        assertThat(canonicalData("{\"u\":\"\\u20ac\"}")).isEqualTo("{\"u\":\"\u20ac\"}");
        byte[] bytes = CanonicalJson.signingBytes(EventJson.parse(HEAD + "{\"u\":\"\\u20ac\"}}"));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\u20ac");
        // the euro sign is its three UTF-8 bytes, not an escape
        assertThat(indexOf(bytes, new byte[] {(byte) 0xE2, (byte) 0x82, (byte) 0xAC})).isPositive();
        assertThat(canonicalData("{\"s\":\"\\ud83d\\ude00 \\u00e9 \\u007f / <>&'\"}"))
                .isEqualTo("{\"s\":\"\ud83d\ude00 \u00e9 \u007f / <>&'\"}");
        // control characters: the short escapes where JSON has them, else lowercase \\u00xx
        assertThat(canonicalData("{\"c\":\"\\u0000\\u0001\\b\\t\\n\\u000B\\f\\r\\u001F\\\"\\\\\"}"))
                .isEqualTo("{\"c\":\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f\\\"\\\\\"}");
    }

    @Test
    void canonicalBytesAreAFixedPoint() throws Exception {
        byte[] once = CanonicalJson.signingBytes(EventJson.parse(HEAD + "{\"z\":1.0E2,\"a\":\"\\u20ac\\n\",\"m\":[-0.0,1e21]}}"));
        assertThat(CanonicalJson.canonicalize(new String(once, StandardCharsets.UTF_8))).isEqualTo(once);
        // and parse back to the same event
        assertThat(CanonicalJson.signingBytes(EventJson.parse(once))).isEqualTo(once);
    }

    @Test
    void toBytesThenParseKeepsTheSigningBytes() throws Exception {
        for (String data : new String[] {"{}", "{\"b\":1.0E2,\"a\":-0.0}", "{\"x\":[1e21,1e-7,0.000001]}",
                "{\"s\":\"\\u20ac\\ud83d\\ude00\\u0001\"}", "{\"deep\":{\"deeper\":{\"deepest\":[[],{}]}}}"}) {
            Event e = EventJson.parse(HEAD + data + ",\"sig\":{\"alg\":\"Ed25519\",\"value\":\"AAEC\"}}");
            Event back = EventJson.parse(EventJson.toBytes(e));
            assertThat(CanonicalJson.signingBytes(back)).as(data).isEqualTo(CanonicalJson.signingBytes(e));
            assertThat(CanonicalJson.envelopeBytes(back)).as(data).isEqualTo(CanonicalJson.envelopeBytes(e));
        }
    }

    @Test
    void differentEventsGiveDifferentBytes() throws Exception {
        String a = signing(HEAD + "{\"x\":\"?\"}}");
        assertThat(a).isNotEqualTo(signing(HEAD + "{\"x\":\"!\"}}"));
        assertThat(a).isNotEqualTo(signing(HEAD + "{\"x\":\"? \"}}"));
        assertThat(signing(HEAD + "{\"x\":1}}")).isNotEqualTo(signing(HEAD + "{\"x\":\"1\"}}"));
        assertThat(signing(HEAD + "{\"x\":1}}")).isNotEqualTo(signing(HEAD.replace("\"seq\":1", "\"seq\":2") + "{\"x\":1}}"));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
