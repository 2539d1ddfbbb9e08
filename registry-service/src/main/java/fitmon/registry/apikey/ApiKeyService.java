package fitmon.registry.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import fitmon.core.auth.RequestSigning;
import fitmon.registry.config.Times;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * API keys: a public id ({@code fk_} and 20 base32 characters) and a 32-byte secret shown once.
 * Stored are the secret's SHA-256 and the request-signing key derived from it, encrypted under the
 * master key; the secret itself is never stored.
 */
@Service
public class ApiKeyService {

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final String COLUMNS = "key_id, principal_id, created_at, revoked_at, signing_key_iv, signing_key_enc";

    private final JdbcClient jdbc;
    private final MasterKey masterKey;
    private final SecureRandom random = new SecureRandom();

    public ApiKeyService(JdbcClient jdbc, MasterKey masterKey) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
    }

    public IssuedApiKey create(long principalId) {
        StringBuilder id = new StringBuilder("fk_");
        for (int i = 0; i < 20; i++) {
            id.append(BASE32[random.nextInt(BASE32.length)]);
        }
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String keyId = id.toString();
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        MasterKey.Sealed sealed = masterKey.encrypt(RequestSigning.signingKey(secret), keyId);
        jdbc.sql("INSERT INTO api_keys (key_id, principal_id, secret_sha256, signing_key_iv, signing_key_enc, created_at) "
                        + "VALUES (:keyId, :principalId, :hash, :iv, :enc, :createdAt)")
                .param("keyId", keyId).param("principalId", principalId).param("hash", sha256Hex(secret))
                .param("iv", sealed.iv()).param("enc", sealed.ciphertext()).param("createdAt", Times.sql(Times.now()))
                .update();
        return new IssuedApiKey(keyId, secret);
    }

    public Optional<ApiKey> find(String keyId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys WHERE key_id = :keyId").param("keyId", keyId)
                .query(ApiKeyService::map).optional();
    }

    public List<ApiKey> ofPrincipal(long principalId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys WHERE principal_id = :id ORDER BY created_at, key_id")
                .param("id", principalId).query(ApiKeyService::map).list();
    }

    /** Marks the key revoked (keeping the first revocation time); false when the principal has no such key. */
    public boolean revoke(long principalId, String keyId) {
        int found = jdbc.sql("SELECT COUNT(*) FROM api_keys WHERE key_id = :keyId AND principal_id = :principalId")
                .param("keyId", keyId).param("principalId", principalId).query(Integer.class).single();
        if (found == 0) {
            return false;
        }
        jdbc.sql("UPDATE api_keys SET revoked_at = :now WHERE key_id = :keyId AND revoked_at IS NULL")
                .param("now", Times.sql(Times.now())).param("keyId", keyId).update();
        return true;
    }

    /** The HMAC request-signing key of a stored API key, decrypted. */
    public byte[] signingKey(ApiKey key) {
        return masterKey.decrypt(key.sealedSigningKey(), key.keyId());
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static ApiKey map(ResultSet rs, int row) throws SQLException {
        return new ApiKey(rs.getString("key_id"), rs.getLong("principal_id"), Times.read(rs, "created_at"),
                Times.read(rs, "revoked_at"),
                new MasterKey.Sealed(rs.getString("signing_key_iv"), rs.getString("signing_key_enc")));
    }
}
