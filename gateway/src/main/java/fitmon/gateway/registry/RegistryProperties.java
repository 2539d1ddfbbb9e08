package fitmon.gateway.registry;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the registry is and how the gateway talks to it ({@code fitmon.gateway.registry.*}).
 *
 * @param url              base URL of the registry service
 * @param serviceToken     the registry's service token; or
 * @param serviceTokenFile a file holding it (the registry writes one on its first local start)
 * @param cacheTtl         how long an API key's principal, permissions and status are reused; a
 *                         revoked key or permission change takes effect within this time
 * @param timeout          connect and read timeout of registry calls
 * @param maxCachedKeys    known API keys kept; beyond, the least recently used is dropped
 * @param unknownKeyTtl    how long "no such key" is remembered, so a repeated made-up key id
 *                         does not call the registry again
 * @param maxUnknownKeys   unknown key ids remembered; kept apart from known keys, so a flood of
 *                         made-up ids cannot push real keys out of the cache
 */
@ConfigurationProperties("fitmon.gateway.registry")
public record RegistryProperties(
        @DefaultValue("http://127.0.0.1:8070") String url,
        String serviceToken,
        @DefaultValue("./data/registry/service-token") String serviceTokenFile,
        @DefaultValue("5s") Duration cacheTtl,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("100000") int maxCachedKeys,
        @DefaultValue("10s") Duration unknownKeyTtl,
        @DefaultValue("10000") int maxUnknownKeys) {
}
