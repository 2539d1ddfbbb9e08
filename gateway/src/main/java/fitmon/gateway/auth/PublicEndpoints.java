package fitmon.gateway.auth;

/**
 * What the gateway serves without a signed request: everything outside {@code /api/} (OpenAPI,
 * Swagger UI, health, metrics), the cluster map and CA certificate consoles need before they hold
 * a key, the token verification keys, and the enrollment request, which a probe authenticates
 * with its one-time bootstrap token.
 */
public final class PublicEndpoints {

    private PublicEndpoints() {
    }

    public static boolean isPublic(String method, String path) {
        if (!path.startsWith("/api/")) {
            return true;
        }
        return switch (path) {
            case "/api/v1/cluster", "/api/v1/ca", "/api/v1/tokens/jwks.json" -> "GET".equals(method);
            case "/api/v1/enrollments" -> "POST".equals(method);
            default -> false;
        };
    }
}
