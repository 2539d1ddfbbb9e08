package fitmon.client.http;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;

/** A successful (2xx) answer of the gateway. */
public record GatewayResponse(int status, byte[] body) {

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON; an empty body is an empty object. */
    public JsonNode json() {
        return body.length == 0 ? GatewayClient.JSON.createObjectNode() : GatewayClient.JSON.readTree(body);
    }
}
