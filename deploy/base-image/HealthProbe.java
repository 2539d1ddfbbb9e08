package fitmon.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container health check of the fitmon images, which have no shell or curl: exits 0 when the
 * URL answers 2xx within four seconds, 1 otherwise.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HealthProbe URL");
            System.exit(2);
        }
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(4)).GET().build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            System.out.println(args[0] + " " + status);
            System.exit(status >= 200 && status < 300 ? 0 : 1);
        } catch (Exception e) {
            System.out.println(args[0] + " " + e);
            System.exit(1);
        }
    }
}
