package fitmon.registry.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import fitmon.registry.config.Pem;
import fitmon.registry.config.RegistryProperties;
import fitmon.registry.config.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The ES256 (P-256) key pair that signs console tokens, kept in one PEM file (PKCS#8 private key
 * and SPKI public key, 0600) so tokens stay valid across restarts. Generated on the first start.
 */
@Component
public class TokenSigningKey {

    private static final Logger log = LoggerFactory.getLogger(TokenSigningKey.class);

    private final ECKey jwk;

    public TokenSigningKey(RegistryProperties properties) {
        Path file = properties.resolvedTokenSigningKeyFile();
        KeyPair keys = Files.exists(file) ? load(file) : generate(file);
        try {
            ECKey withoutId = new ECKey.Builder(Curve.P_256, (ECPublicKey) keys.getPublic())
                    .privateKey((ECPrivateKey) keys.getPrivate()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .build();
            this.jwk = new ECKey.Builder(withoutId).keyID(withoutId.computeThumbprint().toString()).build();
        } catch (JOSEException | ClassCastException e) {
            throw new IllegalStateException("the token signing key in " + file + " is not a P-256 key pair", e);
        }
    }

    ECKey jwk() {
        return jwk;
    }

    /** The public half as a JWK Set. */
    public JWKSet publicJwks() {
        return new JWKSet(jwk.toPublicJWK());
    }

    private static KeyPair generate(Path file) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            SecretFiles.write(file, Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded())
                    + Pem.encode("PUBLIC KEY", keys.getPublic().getEncoded()));
            log.info("generated the console token signing key in {}", file.toAbsolutePath());
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    private static KeyPair load(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            KeyFactory factory = KeyFactory.getInstance("EC");
            return new KeyPair(factory.generatePublic(new X509EncodedKeySpec(Pem.decode(text, "PUBLIC KEY"))),
                    factory.generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(text, "PRIVATE KEY"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(file + " must hold a PEM 'PRIVATE KEY' and 'PUBLIC KEY' of one P-256 key pair: "
                    + e.getMessage(), e);
        }
    }
}
