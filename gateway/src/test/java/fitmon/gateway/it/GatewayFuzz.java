package fitmon.gateway.it;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import fitmon.testkit.SignedHttp;

/**
 * Bounded, seeded random requests over the public endpoints: odd methods, odd path segments,
 * broken and wrongly typed bodies, missing and garbage authentication headers. Two thirds are
 * correctly signed by an admin so they get past authentication and reach the handlers.
 */
final class GatewayFuzz {

    record Request(String method, String path, byte[] body, Map<String, String> headers) {
        String describe() {
            String text = new String(body, StandardCharsets.UTF_8);
            return method + " " + path + " body=" + (text.length() > 80 ? text.substring(0, 80) + "..." : text)
                    + " headers=" + headers.keySet();
        }
    }

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final List<String> PATHS = List.of(
            "/api/v1/channels", "/api/v1/channels/{x}", "/api/v1/channels/{x}/events", "/api/v1/channels/{x}/events?fromSeq={x}&limit={x}",
            "/api/v1/channels/{x}/registrations", "/api/v1/channels/{x}/subscriptions", "/api/v1/cluster",
            "/api/v1/principals", "/api/v1/principals/{x}", "/api/v1/principals/{x}/keys", "/api/v1/principals/{x}/keys/{x}",
            "/api/v1/enrollments", "/api/v1/enrollments/{x}", "/api/v1/enrollments/{x}/approve", "/api/v1/enrollments/{x}/reject",
            "/api/v1/certificates/{x}/revoke", "/api/v1/roles", "/api/v1/groups", "/api/v1/tokens", "/api/v1/{x}",
            "/api/v2/channels", "/api/v1/channels/host.cpu/events");
    private static final List<String> SEGMENTS = List.of("host.cpu", "", "a%20b", "%00", "..%2F..", "x".repeat(300),
            "%C3%A9t%C3%A9", "-1", "99999999999999999999", "null", "%2e%2e", "tag.with:colon", "%FF%FE", "0", "1e309");
    private static final List<String> BODIES = List.of("", "{", "[]", "null", "42", "\"text\"", "{\"tag\":5,\"class\":[]}",
            "{\"tag\":\"ok.tag\",\"class\":\"NOPE\"}", "{\"tag\":\"ok.tag\",\"class\":\"BFT\",\"maxProbes\":-5}",
            "{\"tag\":\"ok.tag\",\"class\":\"BFT\",\"idleTimeoutSeconds\":\"soon\"}", "{\"events\":[]}", "{\"events\":{}}",
            "{\"events\":[1,2,3]}", "{\"probeId\":\"p\",\"tag\":\"host.cpu\",\"seq\":1e400,\"ts\":\"x\",\"data\":{}}",
            "{\"probeId\":\"p\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"data\":{\"a\":\"\\ud800\"}}",
            "{\"name\":\"\",\"kind\":\"WIZARD\"}", "{\"name\":\"ok-name\",\"kind\":\"PROBE\",\"groups\":[\"nope\"]}",
            "{\"bootstrapToken\":\"nope\",\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----\"}",
            "{\"enabled\":\"maybe\"}", "{\"reason\":" + "[".repeat(2000) + "}", "{\"a\":1,\"a\":2}");

    private final Random random;
    private final SignedHttp.ApiKey admin;

    GatewayFuzz(long seed, SignedHttp.ApiKey admin) {
        this.random = new Random(seed);
        this.admin = admin;
    }

    Request next() {
        String method = pick(METHODS);
        String path = pick(PATHS);
        while (path.contains("{x}")) {
            path = path.replaceFirst("\\{x}", java.util.regex.Matcher.quoteReplacement(pick(SEGMENTS)));
        }
        byte[] body = random.nextInt(8) == 0 ? randomBytes() : pick(BODIES).getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers;
        int auth = random.nextInt(6);
        if (auth < 4) {
            headers = SignedHttp.headers(admin, method, path, body);
        } else if (auth == 4) {
            headers = Map.of();
        } else {
            headers = new HashMap<>(SignedHttp.headers(admin, method, path, body));
            String broken = pick(List.of("X-Timestamp", "X-Nonce", "X-Signature", "X-Api-Key"));
            headers.put(broken, pick(List.of("abc", "-1", "9".repeat(40), "%%%", "a".repeat(500), "0")));
        }
        return new Request(method, path, body, headers);
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
