package fitmon.registry.enrollment;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import fitmon.registry.apikey.ApiKeyService;
import fitmon.registry.config.RegistryProperties;
import fitmon.registry.config.Times;
import fitmon.registry.web.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One-time tokens with which a new probe authenticates its enrollment request. Stored as SHA-256
 * only; a new token replaces the probe's unused ones; using one consumes it.
 */
@Component
public class BootstrapTokens {

    private final JdbcClient jdbc;
    private final RegistryProperties properties;
    private final SecureRandom random = new SecureRandom();

    public BootstrapTokens(JdbcClient jdbc, RegistryProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    public String issue(long principalId) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = "fbt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = Times.now();
        jdbc.sql("DELETE FROM bootstrap_tokens WHERE principal_id = :id AND used_at IS NULL").param("id", principalId)
                .update();
        jdbc.sql("INSERT INTO bootstrap_tokens (token_sha256, principal_id, created_at, expires_at) "
                        + "VALUES (:hash, :id, :now, :expires)")
                .param("hash", ApiKeyService.sha256Hex(token)).param("id", principalId).param("now", Times.sql(now))
                .param("expires", Times.sql(now.plus(properties.enrollment().tokenValidity()))).update();
        return token;
    }

    private record Row(long principalId, Instant expiresAt, Instant usedAt) {
    }

    /** The principal the token was issued to, if it is known, unused and not expired. */
    public long check(String token, Instant now) {
        if (token == null || token.isBlank()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "TOKEN_INVALID", "bootstrapToken is required");
        }
        Row row = jdbc.sql("SELECT principal_id, expires_at, used_at FROM bootstrap_tokens WHERE token_sha256 = :hash")
                .param("hash", ApiKeyService.sha256Hex(token))
                .query((rs, i) -> new Row(rs.getLong(1), Times.read(rs, "expires_at"), Times.read(rs, "used_at")))
                .optional()
                .orElseThrow(() -> new ApiProblem(HttpStatus.UNAUTHORIZED, "TOKEN_INVALID",
                        "the bootstrap token is not known (mistyped, or replaced by a newer one)"));
        if (row.usedAt() != null) {
            throw new ApiProblem(HttpStatus.CONFLICT, "TOKEN_USED", "the bootstrap token was already used at "
                    + row.usedAt() + "; ask an administrator for a new one");
        }
        if (!now.isBefore(row.expiresAt())) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "TOKEN_EXPIRED", "the bootstrap token expired at "
                    + row.expiresAt() + "; ask an administrator for a new one");
        }
        return row.principalId();
    }

    /** Consumes the token; false when another request consumed it first. */
    public boolean consume(String token, Instant now) {
        return jdbc.sql("UPDATE bootstrap_tokens SET used_at = :now WHERE token_sha256 = :hash AND used_at IS NULL")
                .param("now", Times.sql(now)).param("hash", ApiKeyService.sha256Hex(token)).update() == 1;
    }
}
