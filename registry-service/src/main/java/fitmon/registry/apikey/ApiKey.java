package fitmon.registry.apikey;

import java.time.Instant;

/** A stored API key: never the secret, only what identifies and protects it. */
public record ApiKey(String keyId, long principalId, Instant createdAt, Instant revokedAt,
                     MasterKey.Sealed sealedSigningKey) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
