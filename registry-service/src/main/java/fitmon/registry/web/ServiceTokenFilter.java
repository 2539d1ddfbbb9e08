package fitmon.registry.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Only fitmon services talk to the registry: every request but health, metrics scraping, the CA
 * certificate and the token JWKS must carry {@value #HEADER}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ServiceTokenFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Fitmon-Service-Token";

    private final ServiceToken serviceToken;

    public ServiceTokenFilter(ServiceToken serviceToken) {
        this.serviceToken = serviceToken;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isPublic(request) || serviceToken.matches(request.getHeader(HEADER))) {
            chain.doFilter(request, response);
            return;
        }
        String detail = request.getHeader(HEADER) == null
                ? "the registry answers fitmon services only: header " + HEADER + " is missing"
                : "the registry answers fitmon services only: header " + HEADER + " does not match";
        response.setStatus(401);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Problems.json(401, "Unauthorized", "SERVICE_UNAUTHENTICATED", detail));
    }

    static boolean isPublic(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/actuator/prometheus")) {
            return true;
        }
        return "GET".equals(request.getMethod())
                && (path.equals("/api/v1/ca") || path.equals("/api/v1/tokens/jwks.json"));
    }
}
