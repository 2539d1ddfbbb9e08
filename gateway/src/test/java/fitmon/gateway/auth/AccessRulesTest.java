package fitmon.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import fitmon.gateway.registry.ApiKeyRecord.PermissionGrant;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    @Test
    void permissionsAreCheckedPerActionAndTag() {
        AuthenticatedPrincipal probe = new AuthenticatedPrincipal("web-01", "PROBE", 20,
                List.of(new PermissionGrant("PUBLISH", "host.*"), new PermissionGrant("SUBSCRIBE", "alerts")), null, false);
        assertThat(probe.may(Action.PUBLISH, "host.cpu")).isTrue();
        assertThat(probe.may(Action.PUBLISH, "alerts")).isFalse();
        assertThat(probe.may(Action.ADMIN, "host.cpu")).isFalse();
        assertThat(probe.sees("alerts")).isTrue();
        assertThat(probe.sees("other")).isFalse();
        assertThat(probe.isProbe()).isTrue();
    }

    @Test
    void publicEndpointsAreExactlyTheDocumentedOnes() {
        assertThat(PublicEndpoints.isPublic("GET", "/api/v1/cluster")).isTrue();
        assertThat(PublicEndpoints.isPublic("POST", "/api/v1/cluster")).isFalse();
        assertThat(PublicEndpoints.isPublic("POST", "/api/v1/enrollments")).isTrue();
        assertThat(PublicEndpoints.isPublic("GET", "/api/v1/enrollments")).isFalse();
        assertThat(PublicEndpoints.isPublic("POST", "/api/v1/enrollments/1/approve")).isFalse();
        assertThat(PublicEndpoints.isPublic("GET", "/api/v1/channels")).isFalse();
        assertThat(PublicEndpoints.isPublic("GET", "/v3/api-docs")).isTrue();
        assertThat(PublicEndpoints.isPublic("GET", "/actuator/health")).isTrue();
    }
}
