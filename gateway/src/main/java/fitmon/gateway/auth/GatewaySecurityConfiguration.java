package fitmon.gateway.auth;

import java.util.Set;

import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.problem.ProblemWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.web.util.UrlPathHelper;

/**
 * The gateway's Spring Security filter chain: stateless, no sessions, no CSRF (no cookies: every
 * call is signed), Spring Security's {@code StrictHttpFirewall} in front (paths that are not
 * normalized, encoded slashes or dots, NUL and methods outside the usual set are refused before
 * anything else), the signed-request authentication of {@link SignedRequestAuthenticationFilter},
 * and the access rules: health, info and Prometheus public, every other actuator endpoint closed,
 * the {@link PublicEndpoints} open, every other {@code /api/} path authenticated. Every refusal is
 * problem+json with the codes of the API contract.
 *
 * <p>The per-address limit and the body limits are servlet filters ahead of this chain: they bound
 * what an outsider costs before authentication starts.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class GatewaySecurityConfiguration {

    /** The methods the firewall lets through; any other is refused with 405 before anything runs. */
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    @Bean
    HttpFirewall strictFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHttpMethods(METHODS);
        return firewall;
    }

    @Bean
    SecurityFilterChain gatewaySecurity(HttpSecurity http, SignedRequestAuthenticationProvider provider,
                                        AuthProperties properties) throws Exception {
        SignedRequestAuthenticationFilter signedRequests =
                new SignedRequestAuthenticationFilter(new ProviderManager(provider), properties);
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(signedRequests, AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(access -> access
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info",
                                "/actuator/prometheus").permitAll()
                        .requestMatchers("/actuator", "/actuator/**").denyAll()
                        .requestMatchers(request -> PublicEndpoints.isPublic(request.getMethod(),
                                UrlPathHelper.defaultInstance.getLookupPathForRequest(request))).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> ProblemWriter.write(response,
                                refusal(request.getRequestURI()), request.getRequestURI()))
                        .accessDeniedHandler((request, response, e) -> ProblemWriter.write(response,
                                closed(), request.getRequestURI())));
        return http.build();
    }

    /**
     * Why an unauthenticated request is refused. A closed actuator endpoint is closed to everyone
     * (no signature opens it), so it is a 403, not a request for credentials.
     */
    private static ApiProblem refusal(String uri) {
        if (uri.equals("/actuator") || uri.startsWith("/actuator/")) {
            return closed();
        }
        return new ApiProblem(HttpStatus.UNAUTHORIZED, "MISSING_CREDENTIALS", "this endpoint needs a signed request");
    }

    private static ApiProblem closed() {
        return new ApiProblem(HttpStatus.FORBIDDEN, "FORBIDDEN",
                "this endpoint is not open on the gateway (actuator: health, info and prometheus only)");
    }

    /** What the firewall refuses, as problem+json: 405 for a method nobody serves, 400 otherwise. */
    @Bean
    RequestRejectedHandler problemForRejectedRequests() {
        return (request, response, rejected) -> {
            ApiProblem problem = !METHODS.contains(request.getMethod())
                    ? new ApiProblem(HttpStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                            "the request was refused: Method Not Allowed")
                    : new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
                            "the request was refused: its path or headers are not in a form the gateway accepts "
                                    + "(encoded slashes, dots or NUL, '//' or ';', control characters)");
            ProblemWriter.write(response, problem, null);
        };
    }
}
