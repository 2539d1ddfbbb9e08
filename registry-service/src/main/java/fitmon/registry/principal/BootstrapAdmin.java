package fitmon.registry.principal;

import java.nio.file.Path;
import java.util.List;

import fitmon.registry.config.RegistryProperties;
import fitmon.registry.config.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On a registry with no ADMIN principal, creates {@code admin} with an API key and writes its key
 * id and secret to {@code fitmon.registry.bootstrap.key-file} (default {@code admin-key.json} in
 * the data directory), a file created owner-only (0600). Stdout and the log name the file, never
 * the secret, unless {@code fitmon.registry.bootstrap.print-secret=true}. Runs before the web
 * server opens, so whoever sees the registry healthy finds the key file written.
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
        Path keyFile = properties.resolvedBootstrapKeyFile().toAbsolutePath();
        SecretFiles.write(keyFile, "{\"keyId\":\"" + keyId + "\",\"secret\":\"" + secret + "\"}\n");
        log.warn("created the bootstrap admin principal 'admin' with API key {}; its key id and secret are in {} "
                + "(owner-only), shown nowhere else", keyId, keyFile);
        String shown = properties.bootstrap().printSecret()
                ? "   key id    : %s%n   secret    : %s%n".formatted(keyId, secret)
                : "   key id    : %s%n   secret    : in the file above, readable by its owner only%n".formatted(keyId);
        System.out.println("""

                ================================================================
                 fitmon registry: bootstrap admin created
                   principal : admin
                   key file  : %s
                %s Store the secret now; the registry keeps only its hash.
                ================================================================
                """.formatted(keyFile, shown));
        System.out.flush();
    }
}
