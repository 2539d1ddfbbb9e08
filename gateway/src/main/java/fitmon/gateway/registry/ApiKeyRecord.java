package fitmon.gateway.registry;

import java.util.List;

/**
 * What the registry says about one API key: whose it is, whether it may still be used, its signing
 * key and the principal's effective permissions, priority and probe certificate.
 */
public record ApiKeyRecord(String keyId, String principal, String kind, boolean enabled, boolean keyRevoked,
                           String signingKey, int priority, List<PermissionGrant> permissions, String certificate,
                           String certificateSerial, boolean certificateRevoked) {

    public ApiKeyRecord {
        permissions = permissions == null ? List.of() : List.copyOf(permissions);
    }

    /** One permission: an action on the channels whose TAG matches a pattern ({@code *} matches any run). */
    public record PermissionGrant(String action, String tagPattern) {
    }
}
