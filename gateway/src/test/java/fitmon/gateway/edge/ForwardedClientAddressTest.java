package fitmon.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import fitmon.gateway.GatewayApplication;
import fitmon.testkit.FreePorts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Behind a load balancer every client arrives from the balancer's address. With Tomcat's remote-IP
 * handling on and the balancer listed as an internal proxy, the per-address limit counts each
 * client under the address the balancer forwarded; a header from anyone else is ignored
 * ({@code GatewayAdmissionTest} shows the header does nothing without this configuration).
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ForwardedClientAddressTest {

    private static final int CLOSED = FreePorts.single();
    private static final int BURST = 5;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        NoReplicas.settings(registry, "http://127.0.0.1:" + CLOSED, CLOSED);
        registry.add("fitmon.gateway.admission.client-burst", () -> String.valueOf(BURST));
        registry.add("fitmon.gateway.admission.client-permits-per-second", () -> "0.001");
        registry.add("server.forward-headers-strategy", () -> "native");
        registry.add("server.tomcat.remoteip.internal-proxies", () -> "127\\.0\\.0\\.1");
    }

    @LocalServerPort
    int port;

    private int unsignedFrom(String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/channels"))
                .timeout(Duration.ofSeconds(10)).GET();
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void eachForwardedClientHasItsOwnLimit() throws Exception {
        int refused = 0;
        for (int i = 0; i <= BURST && refused == 0; i++) {
            refused += unsignedFrom("198.51.100.7") == 429 ? 1 : 0;
        }
        assertThat(refused).as("the forwarded client is limited").isEqualTo(1);

        assertThat(unsignedFrom("198.51.100.8")).as("another forwarded client").isEqualTo(401);
        assertThat(unsignedFrom(null)).as("the balancer's own requests").isEqualTo(401);
        assertThat(unsignedFrom("198.51.100.7")).as("still limited").isEqualTo(429);
    }
}
