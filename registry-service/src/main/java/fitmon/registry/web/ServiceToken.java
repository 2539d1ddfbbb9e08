package fitmon.registry.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import fitmon.registry.config.RegistryProperties;
import fitmon.registry.config.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The shared secret the gateway and the other fitmon services present to the registry. From
 * {@code fitmon.registry.service-token}, else from the service token file, which is generated
 * (0600) on the first start.
 */
@Component
public class ServiceToken {

    private static final Logger log = LoggerFactory.getLogger(ServiceToken.class);

    private final byte[] token;

    public ServiceToken(RegistryProperties properties) {
        String configured = properties.serviceToken();
        if (configured == null || configured.isBlank()) {
            var file = properties.resolvedServiceTokenFile();
            configured = SecretFiles.readIfExists(file);
            if (configured == null || configured.isEmpty()) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                configured = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                SecretFiles.write(file, configured + "\n");
                log.info("generated a service token in {}; give it to the gateway (fitmon.gateway.registry.service-token-file)",
                        file.toAbsolutePath());
            } else {
                log.info("service token read from {}", file.toAbsolutePath());
            }
        }
        this.token = configured.trim().getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison with a presented token. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }
}
