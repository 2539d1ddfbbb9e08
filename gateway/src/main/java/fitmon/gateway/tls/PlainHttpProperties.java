package fitmon.gateway.tls;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A second port that speaks plain HTTP beside the gateway's HTTPS port, for development only
 * (the local suite keeps its tools and the console on it). Off unless a port is given.
 *
 * @param port    its port; -1 for none
 * @param address where it listens; loopback unless told otherwise
 */
@ConfigurationProperties("fitmon.gateway.plain-http")
public record PlainHttpProperties(@DefaultValue("-1") int port, @DefaultValue("127.0.0.1") String address) {

    public PlainHttpProperties {
        if (port != -1 && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("fitmon.gateway.plain-http.port must be a TCP port or -1 (none), got " + port);
        }
    }

    boolean enabled() {
        return port != -1;
    }
}
