package fitmon.gateway.auth;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import fitmon.core.auth.RequestSigning;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * The gateway's authentication step in the Spring Security filter chain: every {@code /api/}
 * request that is not public carries {@code X-Api-Key}, {@code X-Timestamp}, {@code X-Nonce} and
 * {@code X-Signature}; the {@link SignedRequestAuthenticationProvider} checks them. A refusal is
 * answered here with its precise problem; an authenticated request goes on with its principal in
 * the security context (and as a request attribute for the controllers' permission checks) and
 * its body readable again.
 */
public class SignedRequestAuthenticationFilter extends OncePerRequestFilter {

    private final AuthenticationManager authentication;
    private final long maxBody;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    public SignedRequestAuthenticationFilter(AuthenticationManager authentication, AuthProperties properties) {
        this.authentication = authentication;
        this.maxBody = properties.maxBodySize().toBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // decide on the path as the handlers will match it (decoded, ';' parameters and '//' removed),
        // so that no spelling of a protected path passes as public
        return PublicEndpoints.isPublic(request.getMethod(), UrlPathHelper.defaultInstance.getLookupPathForRequest(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        SignedRequest signed;
        Authentication authenticated;
        try {
            signed = credentials(request);
            authenticated = authentication.authenticate(SignedRequestAuthentication.unauthenticated(signed));
        } catch (ApiProblem problem) {
            ProblemWriter.write(response, problem, request.getRequestURI());
            return;
        } catch (RequestRefusedException refused) {
            ProblemWriter.write(response, refused.problem(), request.getRequestURI());
            return;
        } catch (java.io.UncheckedIOException readingBody) {
            throw readingBody.getCause(); // a client that went away: Tomcat's own handling, not an error page
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authenticated);
        contexts.setContext(context);
        HttpServletRequest withBody = signed.withBody();
        withBody.setAttribute(AuthenticatedPrincipal.ATTRIBUTE, authenticated.getPrincipal());
        chain.doFilter(withBody, response);
    }

    private SignedRequest credentials(HttpServletRequest request) {
        String keyId = request.getHeader(RequestSigning.HEADER_API_KEY);
        String timestamp = request.getHeader(RequestSigning.HEADER_TIMESTAMP);
        String nonce = request.getHeader(RequestSigning.HEADER_NONCE);
        String signature = request.getHeader(RequestSigning.HEADER_SIGNATURE);
        List<String> missing = new ArrayList<>();
        if (keyId == null) {
            missing.add(RequestSigning.HEADER_API_KEY);
        }
        if (timestamp == null) {
            missing.add(RequestSigning.HEADER_TIMESTAMP);
        }
        if (nonce == null) {
            missing.add(RequestSigning.HEADER_NONCE);
        }
        if (signature == null) {
            missing.add(RequestSigning.HEADER_SIGNATURE);
        }
        if (!missing.isEmpty()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "MISSING_CREDENTIALS",
                    "this endpoint needs a signed request; missing header(s): " + String.join(", ", missing));
        }
        return new SignedRequest(request, keyId, timestamp, nonce, signature, maxBody);
    }
}
