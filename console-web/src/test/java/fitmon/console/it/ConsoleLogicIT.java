package fitmon.console.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import fitmon.core.auth.RequestSigning;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import fitmon.testkit.FreePorts;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The page's own modules, run in headless Chromium and checked against core's Java: request
 * signing, RFC 8785 bytes, probe signatures of every algorithm, the STOMP frame codec and the
 * voter. No back end: the console server forwards to a port where nothing listens, which the page
 * must report as such.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsoleLogicIT {

    private static ConsoleServer console;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "it-console-logic-");
        console = ConsoleServer.start("http://127.0.0.1:" + FreePorts.single(), directory);
        browser = Browser.start();
        browser.open(console.url() + "/");
        browser.awaitPresent("#app-status[data-ready='true']");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (console != null) {
            console.close();
        }
    }

    /** Runs an async body with the named modules in scope; its value (JSON-able) comes back. */
    private static Object run(String modules, String body) {
        String script = "const done = arguments[arguments.length - 1];"
                + "(async () => { " + modules + " " + body + " })()"
                + ".then(done, e => done('FAILED: ' + (e && e.stack || e)));";
        Object result = browser.asyncScript(script);
        assertThat(String.valueOf(result)).doesNotStartWith("FAILED");
        return result;
    }

    private static final String IMPORTS = "const jcs = await import('/js/jcs.js');"
            + "const signing = await import('/js/signing.js');"
            + "const verify = await import('/js/verify.js');"
            + "const stomp = await import('/js/stomp.js');"
            + "const voter = await import('/js/voter.js');";

    @Test
    void canonicalJsonIsByteForByteWhatCoreProduces() throws Exception {
        List<String> samples = List.of(
                "{\"z\":1,\"a\":[3,2,{\"y\":null,\"b\":true}],\"m\":\"x\"}",
                "{\"n\":[0,-0,1e21,1e-7,0.1,123456789012345,1.5e300,-2.25,100,3.0]}",
                "{\"s\":\"\\u00e9\\u2028\\\"\\\\\\n\\t\\u0001/\\ud83d\\ude00\",\"\\u20ac\":1,\"\\ud83d\\ude00\":2,\"\\ufb33\":3}",
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":17,\"ts\":\"2026-11-23T02:31:45.123Z\","
                        + "\"data\":{\"load1\":0.42,\"nested\":{\"b\":[],\"a\":{}}}}");
        for (String sample : samples) {
            String expected = new String(new JsonCanonicalizer(sample).getEncodedUTF8(), StandardCharsets.UTF_8);
            Object actual = run(IMPORTS, "return jcs.canonicalize(JSON.parse(arguments[0]));", sample);
            assertThat(actual).as(sample).isEqualTo(expected);
        }
    }

    @Test
    void requestSignatureIsTheOneTheGatewayChecks() {
        String secret = "s3cr3t-ü-" + "x".repeat(40);
        String body = "{\"tag\":\"host.cpu\",\"class\":\"BFT\"}";
        Object headers = run(IMPORTS, "const key = await signing.signingKey('" + secret + "');"
                + "return await signing.signRequest({keyId: 'fk_abc', key}, 'POST', '/api/v1/channels?x=1',"
                + " new TextEncoder().encode('" + body.replace("\"", "\\\"") + "'), 1700000000123, 'nonce-0123456789');");
        String expected = RequestSigning.sign(RequestSigning.signingKey(secret), "POST", "/api/v1/channels?x=1",
                "1700000000", "nonce-0123456789", body.getBytes(StandardCharsets.UTF_8));
        assertThat(headers).isEqualTo(Map.of("X-Api-Key", "fk_abc", "X-Timestamp", "1700000000",
                "X-Nonce", "nonce-0123456789", "X-Signature", expected));
    }

    @Test
    void probeSignaturesOfEveryAlgorithmVerifyAndTamperingIsCaught() {
        for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
            KeyPair keys = MessageSigner.generateKeyPair(algorithm);
            ObjectNode data = JsonNodeFactory.instance.objectNode();
            data.put("load1", 0.42);
            data.put("note", "é €");
            Event event = EventSigning.sign(new Event("p-1", "host.cpu", 7, "2026-11-23T02:31:45.123Z", data, null),
                    new MessageSigner(algorithm, keys.getPrivate()));
            String envelope = new String(EventJson.toBytes(event), StandardCharsets.UTF_8);
            String spki = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
            Object verdicts = run(IMPORTS, "const keys = new verify.ProbeKeys();"
                    + "keys.update([{probeId: 'p-1', algorithm: '" + algorithm.envelopeName() + "', publicKey: '" + spki + "'}]);"
                    + "const e = JSON.parse(arguments[0]);"
                    + "const tampered = JSON.parse(arguments[0]); tampered.data.load1 = 0.43;"
                    + "const other = JSON.parse(arguments[0]); other.probeId = 'p-2';"
                    + "const unsigned = JSON.parse(arguments[0]); delete unsigned.sig;"
                    + "return [await keys.verify(e), await keys.verify(tampered), await keys.verify(other),"
                    + " await keys.verify(unsigned)];",
                    envelope);
            assertThat(verdicts).as(algorithm.envelopeName())
                    .isEqualTo(List.of("verified", "invalid", "unverified", "unsigned"));
        }
    }

    @Test
    void batchSignedEventsVerifyWithOneSignatureCheckAndEachOnItsOwnPath() {
        for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
            KeyPair keys = MessageSigner.generateKeyPair(algorithm);
            List<Event> events = new java.util.ArrayList<>();
            for (int seq = 1; seq <= 5; seq++) {
                ObjectNode data = JsonNodeFactory.instance.objectNode();
                data.put("n", seq);
                data.put("note", "é €");
                events.add(new Event("p-1", "host.cpu", seq, "2026-12-07T12:00:00Z", data, null));
            }
            StringBuilder array = new StringBuilder("[");
            for (Event event : EventSigning.signBatch(events, new MessageSigner(algorithm, keys.getPrivate()))) {
                array.append(array.length() == 1 ? "" : ",").append(new String(EventJson.toBytes(event), StandardCharsets.UTF_8));
            }
            String spki = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
            Object verdicts = run(IMPORTS, "const keys = new verify.ProbeKeys();"
                    + "keys.update([{probeId: 'p-1', algorithm: '" + algorithm.envelopeName() + "', publicKey: '" + spki + "'}]);"
                    + "const events = JSON.parse(arguments[0]);"
                    + "const all = []; for (const e of events) { all.push(await keys.verify(e)); }"
                    + "const checks = keys.signatureChecks;"
                    + "const tampered = JSON.parse(JSON.stringify(events[2])); tampered.data.n = 9;"
                    + "const moved = JSON.parse(JSON.stringify(events[2])); moved.sig.batch.index = 3;"
                    + "const resized = JSON.parse(JSON.stringify(events[2])); resized.sig.batch.size = 6;"
                    + "const alone = JSON.parse(JSON.stringify(events[2])); delete alone.sig.batch;"
                    + "const badPath = JSON.parse(JSON.stringify(events[2])); badPath.sig.batch.path[0] = 'AAAA';"
                    + "return [all, checks, await keys.verify(tampered), await keys.verify(moved),"
                    + " await keys.verify(resized), await keys.verify(alone), await keys.verify(badPath)];",
                    array.append("]").toString());
            assertThat(verdicts).as(algorithm.envelopeName()).isEqualTo(List.of(
                    List.of("verified", "verified", "verified", "verified", "verified"), 1L,
                    "invalid", "invalid", "invalid", "invalid", "invalid"));
        }
    }

    private static Object run(String modules, String body, String argument) {
        String script = "const done = arguments[arguments.length - 1]; const argument0 = arguments[0];"
                + "(async () => { " + modules + " " + body.replace("arguments[0]", "argument0") + " })()"
                + ".then(done, e => done('FAILED: ' + (e && e.stack || e)));";
        Object result = browser.asyncScript(script, argument);
        assertThat(String.valueOf(result)).doesNotStartWith("FAILED");
        return result;
    }

    @Test
    void stompFramesRoundTripWithEscapesAndContentLength() {
        Object result = run(IMPORTS, "const text = stomp.encodeFrame('SUBSCRIBE', {id: 's:1', destination: '/topic/a\\nb\\\\c'}, 'x');"
                + "const frames = stomp.decodeFrames('\\n' + text + '\\r\\n'"
                + " + 'MESSAGE\\ncontent-length:5\\nfitmon-type:delivery\\nfitmon-type:second\\n\\nh\\u00e9\\u0000!\\u0000'"
                + " + 'CONNECTED\\nversion:1.2\\nserver:a\\\\cb\\n\\n\\u0000');"
                + "return {text, frames};");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) result;
        assertThat(map.get("text")).isEqualTo("SUBSCRIBE\nid:s\\c1\ndestination:/topic/a\\nb\\\\c\n\nx\0");
        assertThat(map.get("frames")).isEqualTo(List.of(
                Map.of("command", "SUBSCRIBE", "headers", Map.of("id", "s:1", "destination", "/topic/a\nb\\c"), "body", "x"),
                Map.of("command", "MESSAGE", "headers", Map.of("content-length", "5", "fitmon-type", "delivery"),
                        "body", "hé\0!"),
                // CONNECTED headers are not unescaped
                Map.of("command", "CONNECTED", "headers", Map.of("version", "1.2", "server", "a\\cb"), "body", "")));
    }

    @Test
    void voterReleasesOnFPlusOneIdenticalCopiesAndNamesTheReplicaThatDiffers() {
        Object result = run(IMPORTS, "let now = 1000; const reports = [];"
                + "const v = new voter.Voter(4, 1, {now: () => now, onDisagreement: d => reports.push(d)});"
                + "const t = voter.threshold('BFT', 1);"
                + "const out = [v.offer(3, 'k#1', 'bad', 'B', t).type, v.offer(0, 'k#1', 'good', 'G', t).type,"
                + " v.offer(1, 'k#1', 'good', 'G1', t)];"
                + "now = 2000; const before = [...v.silentReplicas(5000)];"
                + "now = 7000; const after = [...v.silentReplicas(5000)];"
                + "const late = v.offer(2, 'k#1', 'good', 'G2', t);"
                + "return {out, reports, before, after, late, silentAfterAll: [...v.silentReplicas(0)],"
                + " cft: voter.threshold('CFT_O', 1), keyBft: voter.voteKey('BFT', 'a', 9, {probeId: 'p', seq: 2}),"
                + " keyUnordered: voter.voteKey('CFT_NO_U', 'a', 9, {probeId: 'p', seq: 2})};");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) result;
        assertThat(map.get("out")).isEqualTo(List.of("pending", "pending",
                Map.of("type", "released", "value", "G", "votes", 2L, "agreeing", List.of(0L, 1L))));
        assertThat(map.get("reports")).isEqualTo(List.of(Map.of("replica", 3L, "key", "k#1", "kind", "DIFFERENT_COPY")));
        assertThat(map.get("before")).isEqualTo(List.of());
        assertThat(map.get("after")).isEqualTo(List.of(2L));
        assertThat(map.get("late")).isEqualTo(Map.of("type", "already", "agrees", true, "votes", 3L));
        assertThat(map.get("silentAfterAll")).isEqualTo(List.of());
        assertThat(map.get("cft")).isEqualTo(1L);
        assertThat(map.get("keyBft")).isEqualTo("a#9");
        assertThat(map.get("keyUnordered")).isEqualTo("a|p|2");
    }

    @Test
    void anUnreachableGatewayIsReportedOnSignIn() {
        browser.type("#signin-key-id", "fk_whatever");
        browser.type("#signin-secret", "whatever");
        browser.find("#signin-submit").click();
        browser.await("sign-in error", d -> browser.find("#signin-error").getText().contains("GATEWAY_UNREACHABLE"));
        assertThat(browser.find("#signin-error").getText()).contains("502").contains("cannot be reached");
    }
}
