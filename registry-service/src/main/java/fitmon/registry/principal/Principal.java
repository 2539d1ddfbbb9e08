package fitmon.registry.principal;

import java.time.Instant;

/** A row of the principals table. */
public record Principal(long id, String name, PrincipalKind kind, boolean enabled, Instant createdAt) {
}
