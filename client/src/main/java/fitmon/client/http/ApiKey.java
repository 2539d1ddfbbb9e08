package fitmon.client.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An API key as the registry hands it out once: the key id sent in {@code X-Api-Key} and the
 * secret the request signature is derived from. {@link #toString()} never shows the secret.
 */
public record ApiKey(String keyId, String secret) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ApiKey {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("an API key needs a key id");
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("an API key needs its secret");
        }
    }

    /**
     * Reads {@code {"keyId":"…","secret":"…"}}, the form the registry's bootstrap key file and
     * {@code fitmon enroll} write.
     */
    public static ApiKey read(Path file) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IOException(file + " is not JSON: " + e.getOriginalMessage());
        }
        String keyId = node == null ? null : text(node, "keyId");
        String secret = node == null ? null : text(node, "secret");
        if (keyId == null || secret == null) {
            throw new IOException(file + " must hold {\"keyId\":\"…\",\"secret\":\"…\"}");
        }
        return new ApiKey(keyId, secret);
    }

    /** The JSON {@link #read} accepts. */
    public String toJson() {
        return JSON.createObjectNode().put("keyId", keyId).put("secret", secret).toString();
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isString() && !value.asString().isEmpty() ? value.asString() : null;
    }

    @Override
    public String toString() {
        return "ApiKey[" + keyId + "]";
    }
}
