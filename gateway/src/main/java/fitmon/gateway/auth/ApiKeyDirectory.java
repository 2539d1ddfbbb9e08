package fitmon.gateway.auth;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import fitmon.gateway.registry.ApiKeyRecord;
import fitmon.gateway.registry.RegistryClient;
import fitmon.gateway.registry.RegistryProperties;
import org.springframework.stereotype.Component;

/**
 * API keys as the registry knows them, reused for {@code fitmon.gateway.registry.cache-ttl} so the
 * registry is not asked on every request. Unknown keys are remembered too (a flood of made-up ids
 * must not become a flood of registry calls); failures to reach the registry are not.
 */
@Component
public class ApiKeyDirectory {

    private static final int MAX_ENTRIES = 100_000;

    private record Entry(Optional<ApiKeyRecord> key, byte[] signingKey, long fetchedAtNanos) {
    }

    /** A usable key: its record and decoded HMAC signing key. */
    public record Resolved(ApiKeyRecord record, byte[] signingKey) {
    }

    private final RegistryClient registry;
    private final long ttlNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public ApiKeyDirectory(RegistryClient registry, RegistryProperties properties) {
        this.registry = registry;
        this.ttlNanos = properties.cacheTtl().toNanos();
    }

    /**
     * A probe whose enrolment is not approved yet is asked about every time: approval is the next
     * thing it waits for, and a cached answer would refuse its first registration for a while.
     */
    private static boolean awaitingCertificate(Entry entry) {
        return entry.key().map(k -> "PROBE".equals(k.kind()) && k.certificate() == null).orElse(false);
    }

    /** @throws fitmon.gateway.registry.RegistryUnavailableException when the registry cannot say */
    public Optional<Resolved> lookup(String keyId) {
        long now = System.nanoTime();
        Entry entry = entries.get(keyId);
        if (entry == null || now - entry.fetchedAtNanos() > ttlNanos || awaitingCertificate(entry)) {
            Optional<ApiKeyRecord> key = registry.apiKey(keyId);
            byte[] signingKey = key.map(k -> k.signingKey() == null ? new byte[0] : Base64.getDecoder().decode(k.signingKey()))
                    .orElse(null);
            entry = new Entry(key, signingKey, now);
            if (entries.size() >= MAX_ENTRIES) {
                entries.values().removeIf(e -> now - e.fetchedAtNanos() > ttlNanos);
                if (entries.size() >= MAX_ENTRIES) {
                    entries.clear();
                }
            }
            entries.put(keyId, entry);
        }
        Entry found = entry;
        return found.key().map(k -> new Resolved(k, found.signingKey()));
    }
}
