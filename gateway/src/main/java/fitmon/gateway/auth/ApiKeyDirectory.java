package fitmon.gateway.auth;

import java.util.Base64;
import java.util.Optional;

import fitmon.gateway.registry.ApiKeyRecord;
import fitmon.gateway.registry.RegistryClient;
import fitmon.gateway.registry.RegistryProperties;
import org.springframework.stereotype.Component;

/**
 * API keys as the registry knows them, reused for {@code fitmon.gateway.registry.cache-ttl} so the
 * registry is not asked on every request. Two bounded caches, each dropping its least recently
 * used entry when full: known keys ({@code max-cached-keys}), and key ids the registry does not
 * know ({@code max-unknown-keys}, remembered for {@code unknown-key-ttl}), so a flood of made-up
 * ids neither becomes a flood of registry calls for a repeated id nor pushes real keys out.
 * Failures to reach the registry are not remembered.
 */
@Component
public class ApiKeyDirectory {

    private record Entry(ApiKeyRecord key, byte[] signingKey, long fetchedAtNanos) {
    }

    /** A usable key: its record and decoded HMAC signing key. */
    public record Resolved(ApiKeyRecord record, byte[] signingKey) {
    }

    private final RegistryClient registry;
    private final long ttlNanos;
    private final long unknownTtlNanos;
    private final LruCache<String, Entry> known;
    private final LruCache<String, Long> unknown;

    public ApiKeyDirectory(RegistryClient registry, RegistryProperties properties) {
        this.registry = registry;
        this.ttlNanos = properties.cacheTtl().toNanos();
        this.unknownTtlNanos = properties.unknownKeyTtl().toNanos();
        this.known = new LruCache<>(properties.maxCachedKeys());
        this.unknown = new LruCache<>(properties.maxUnknownKeys());
    }

    /**
     * A probe whose enrolment is not approved yet is asked about every time: approval is the next
     * thing it waits for, and a cached answer would refuse its first registration for a while.
     */
    private static boolean awaitingCertificate(Entry entry) {
        return "PROBE".equals(entry.key().kind()) && entry.key().certificate() == null;
    }

    /** @throws fitmon.gateway.registry.RegistryUnavailableException when the registry cannot say */
    public Optional<Resolved> lookup(String keyId) {
        long now = System.nanoTime();
        Entry entry = known.get(keyId);
        if (entry != null && now - entry.fetchedAtNanos() <= ttlNanos && !awaitingCertificate(entry)) {
            return Optional.of(new Resolved(entry.key(), entry.signingKey()));
        }
        Long unknownSince = unknown.get(keyId);
        if (entry == null && unknownSince != null && now - unknownSince <= unknownTtlNanos) {
            return Optional.empty();
        }
        Optional<ApiKeyRecord> fetched = registry.apiKey(keyId);
        if (fetched.isEmpty()) {
            known.remove(keyId);
            unknown.put(keyId, now);
            return Optional.empty();
        }
        ApiKeyRecord key = fetched.get();
        byte[] signingKey = key.signingKey() == null ? new byte[0] : Base64.getDecoder().decode(key.signingKey());
        unknown.remove(keyId);
        known.put(keyId, new Entry(key, signingKey, now));
        return Optional.of(new Resolved(key, signingKey));
    }

    /** Known keys cached now. */
    int knownKeys() {
        return known.size();
    }

    /** Unknown key ids remembered now. */
    int unknownKeys() {
        return unknown.size();
    }
}
