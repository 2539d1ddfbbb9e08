package fitmon.registry.principal;

import java.util.List;

import fitmon.registry.config.RegistryProperties;
import fitmon.registry.config.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On a registry with no ADMIN principal, creates {@code admin} with an API key and prints the key
 * once. Runs before the web server opens, so whoever sees the registry healthy finds the key file
 * written.
 */
@Component
public class BootstrapAdmin implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final PrincipalRepository principals;
    private final PrincipalService service;
    private final RegistryProperties properties;
    private final TransactionTemplate transactions;

    public BootstrapAdmin(PrincipalRepository principals, PrincipalService service, RegistryProperties properties,
                          TransactionTemplate transactions) {
        this.principals = principals;
        this.service = service;
        this.properties = properties;
        this.transactions = transactions;
    }

    @Override
    public void afterSingletonsInstantiated() {
        PrincipalService.Created created = transactions.execute(status -> principals.anyOfKind(PrincipalKind.ADMIN)
                ? null : service.create("admin", PrincipalKind.ADMIN.name(), List.of("admin")));
        if (created == null) {
            return;
        }
        String keyId = created.apiKey().keyId();
        String secret = created.apiKey().secret();
        String keyFile = properties.bootstrap().keyFile();
        if (keyFile != null && !keyFile.isBlank()) {
            SecretFiles.write(java.nio.file.Path.of(keyFile),
                    "{\"keyId\":\"" + keyId + "\",\"secret\":\"" + secret + "\"}\n");
        }
        log.warn("created the bootstrap admin principal 'admin' with API key {}; its secret is printed once on stdout{}",
                keyId, keyFile == null || keyFile.isBlank() ? "" : " and written to " + keyFile);
        System.out.println("""

                ================================================================
                 fitmon registry: bootstrap admin created (shown only this once)
                   principal : admin
                   key id    : %s
                   secret    : %s
                 Store the secret now; the registry keeps only its hash.
                ================================================================
                """.formatted(keyId, secret));
        System.out.flush();
    }
}
