package fitmon.registry.apikey;

/** A new API key as its owner sees it, once: the id and the secret. */
public record IssuedApiKey(String keyId, String secret) {
}
