package fitmon.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in registry for console tokens where no registry runs: an ES256 key, its JWKS served over
 * real HTTP for the replicas to fetch, and tokens signed with it.
 */
public final class ConsoleTokenFixture implements AutoCloseable {

    /** The issuer the replicas expect, the registry's. */
    public static final String ISSUER = "fitmon-registry";

    private final ECKey key;
    private final HttpServer server;

    /** A fixture serving its JWKS, or an unchecked failure where a checked one does not fit. */
    public static ConsoleTokenFixture start() {
        try {
            return new ConsoleTokenFixture();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public ConsoleTokenFixture() throws IOException, JOSEException {
        key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/api/v1/tokens/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
    }

    public String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/tokens/jwks.json";
    }

    public String token(String subject, List<String> subscribe, Instant expires) {
        return token(ISSUER, subject, subscribe, expires, key);
    }

    public static String token(String issuer, String subject, List<String> subscribe, Instant expires, ECKey signingKey) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).claim("kind", "CONSOLE")
                .claim("subscribe", subscribe).issueTime(new Date()).expirationTime(Date.from(expires)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(signingKey.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public ECKey key() {
        return key;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
