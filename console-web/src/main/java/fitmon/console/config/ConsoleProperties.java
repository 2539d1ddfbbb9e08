package fitmon.console.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the console server ({@code fitmon.console.*}).
 *
 * @param gatewayUrl     where {@code /api/**} is forwarded (scheme, host, port; no path)
 * @param connectTimeout how long to wait for a connection to the gateway
 * @param requestTimeout how long to wait for the gateway's answer (ordered commands wait for f+1 replicas)
 * @param maxBodySize    largest body of a signed {@code /api/**} request (forwarded to the gateway,
 *                       whose own limit is the same by default); larger → 413 {@code BODY_TOO_LARGE}
 * @param maxPublicBodySize largest body of any other request; larger → 413 {@code BODY_TOO_LARGE}
 * @param gatewaySslBundle  the SSL bundle ({@code spring.ssl.bundle.*}) whose trust store checks an
 *                          https gateway, typically the fitmon CA's certificate; empty: the JDK's roots
 */
@ConfigurationProperties("fitmon.console")
public record ConsoleProperties(@DefaultValue("http://127.0.0.1:8081") URI gatewayUrl,
                                @DefaultValue("2s") Duration connectTimeout,
                                @DefaultValue("60s") Duration requestTimeout,
                                @DefaultValue("8MB") DataSize maxBodySize,
                                @DefaultValue("64KB") DataSize maxPublicBodySize,
                                @DefaultValue("") String gatewaySslBundle) {

    public ConsoleProperties {
        if (gatewayUrl.getScheme() == null || gatewayUrl.getHost() == null) {
            throw new IllegalArgumentException("fitmon.console.gateway-url must be an absolute http(s) URL, got " + gatewayUrl);
        }
    }

    /** The gateway URL without a trailing slash, to which a request's path is appended. */
    public String gatewayBase() {
        String url = gatewayUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
