package fitmon.gateway.tls;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.ProtocolHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * How the gateway's port speaks: HTTPS when an SSL bundle is configured ({@code server.ssl.bundle},
 * see gateway/README.md, "HTTPS"), plain HTTP otherwise, which it says loudly at every start. With HTTPS on, a
 * second, plain port may be opened for development ({@link PlainHttpProperties}); it gets every
 * setting of the main connector (timeouts, sizes), so it is no softer a target, only unencrypted.
 *
 * <p>Runs after Spring Boot's own customizers, which set the main connector's SSL and limits.
 */
@Component
@EnableConfigurationProperties(PlainHttpProperties.class)
public class GatewayTransport implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayTransport.class);

    private final PlainHttpProperties plain;

    public GatewayTransport(PlainHttpProperties plain) {
        this.plain = plain;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        boolean https = Ssl.isEnabled(factory.getSsl());
        if (!https) {
            if (plain.enabled()) {
                throw new IllegalStateException("fitmon.gateway.plain-http.port adds a plain port beside HTTPS, but the "
                        + "gateway has no TLS configured (server.ssl.bundle): its main port " + factory.getPort()
                        + " is plain HTTP already");
            }
            LOG.warn("the gateway serves PLAIN HTTP on port {}: anyone on the network can read every event, API key id "
                    + "and request; configure server.ssl.bundle for HTTPS (gateway/README.md, section HTTPS); for development only",
                    factory.getPort());
            return;
        }
        LOG.info("the gateway serves HTTPS on port {} (SSL bundle {})", factory.getPort(), factory.getSsl().getBundle());
        if (!plain.enabled()) {
            return;
        }
        Connector connector = new Connector(factory.getProtocol());
        connector.setPort(plain.port());
        connector.setProperty("address", plain.address());
        factory.getConnectorCustomizers().forEach(customizer -> customizer.customize(connector));
        ProtocolHandler handler = connector.getProtocolHandler();
        for (TomcatProtocolHandlerCustomizer<?> customizer : factory.getProtocolHandlerCustomizers()) {
            customizeProtocol(customizer, handler);
        }
        factory.addAdditionalConnectors(connector);
        LOG.warn("the gateway also serves PLAIN HTTP on {}:{} (fitmon.gateway.plain-http.port): unencrypted, for "
                + "development only", plain.address(), plain.port());
    }

    /** A customizer typed for another protocol handler does not apply (what Spring Boot does too). */
    @SuppressWarnings("unchecked")
    private static void customizeProtocol(TomcatProtocolHandlerCustomizer<?> customizer, ProtocolHandler handler) {
        try {
            ((TomcatProtocolHandlerCustomizer<ProtocolHandler>) customizer).customize(handler);
        } catch (ClassCastException notForThisHandler) {
            // skipped
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
