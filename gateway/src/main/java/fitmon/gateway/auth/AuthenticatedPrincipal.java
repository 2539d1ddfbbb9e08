package fitmon.gateway.auth;

import java.util.List;

import fitmon.core.channel.TagPattern;
import fitmon.gateway.registry.ApiKeyRecord;

/**
 * The principal a request was authenticated as, with what it may do. Stored as a request
 * attribute by {@link SignedRequestAuthenticationFilter}.
 */
public record AuthenticatedPrincipal(String name, String kind, int priority, List<ApiKeyRecord.PermissionGrant> permissions,
                                     String certificatePem, boolean certificateRevoked) {

    public static final String ATTRIBUTE = AuthenticatedPrincipal.class.getName();

    public AuthenticatedPrincipal {
        permissions = List.copyOf(permissions);
    }

    static AuthenticatedPrincipal of(ApiKeyRecord key) {
        return new AuthenticatedPrincipal(key.principal(), key.kind(), key.priority(), key.permissions(),
                key.certificate(), key.certificateRevoked());
    }

    public boolean isProbe() {
        return "PROBE".equals(kind);
    }

    public boolean may(Action action, String tag) {
        for (ApiKeyRecord.PermissionGrant grant : permissions) {
            if (action.name().equals(grant.action()) && TagPattern.matches(grant.tagPattern(), tag)) {
                return true;
            }
        }
        return false;
    }

    /** True when some permission of any action covers the tag: the channel is visible to this principal. */
    public boolean sees(String tag) {
        for (Action action : Action.values()) {
            if (may(action, tag)) {
                return true;
            }
        }
        return false;
    }
}
