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
 */
@ConfigurationProperties("fitmon.gateway.registry")
public record RegistryProperties(
        @DefaultValue("http://127.0.0.1:8070") String url,
        String serviceToken,
        @DefaultValue("./data/registry/service-token") String serviceTokenFile,
        @DefaultValue("5s") Duration cacheTtl,
        @DefaultValue("5s") Duration timeout) {
}
