package fitmon.registry.apikey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import fitmon.registry.config.RegistryProperties;
import fitmon.registry.config.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The AES-256 key that encrypts API keys' signing keys at rest (AES-GCM, a random 12-byte IV per
 * value, the row's key id as associated data, so a ciphertext moved to another row fails).
 *
 * <p>From {@code fitmon.registry.master-key} (base64 of 32 bytes), else from the master key file,
 * generated (0600) on the first start. A check value in {@code registry_settings} catches a
 * registry started with another master key than the one its database was written with: it refuses
 * to start instead of failing every lookup later.
 */
@Component
public class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String CHECK_SETTING = "master-key-check";
    private static final String CHECK_AAD = "fitmon-master-key-check";
    private static final byte[] CHECK_PLAINTEXT = "fitmon registry master key".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public MasterKey(RegistryProperties properties, JdbcClient jdbc) {
        this.key = new SecretKeySpec(load(properties), "AES");
        verifyAgainstDatabase(jdbc);
    }

    /** IV and ciphertext (with tag) of a value, both base64. */
    public record Sealed(String iv, String ciphertext) {
    }

    public Sealed encrypt(byte[] plaintext, String associatedData) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return new Sealed(Base64.getEncoder().encodeToString(iv), Base64.getEncoder().encodeToString(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** @throws MasterKeyMismatchException when the value was not sealed under this key (or was altered) */
    public byte[] decrypt(Sealed sealed, String associatedData) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Base64.getDecoder().decode(sealed.iv())));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(Base64.getDecoder().decode(sealed.ciphertext()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new MasterKeyMismatchException("cannot decrypt a value sealed for '" + associatedData
                    + "': the master key is not the one it was encrypted with, or the stored value was altered");
        }
    }

    private static byte[] load(RegistryProperties properties) {
        String configured = properties.masterKey();
        String origin = "fitmon.registry.master-key";
        if (configured == null || configured.isBlank()) {
            var file = properties.resolvedMasterKeyFile();
            origin = file.toAbsolutePath().toString();
            configured = SecretFiles.readIfExists(file);
            if (configured == null || configured.isEmpty()) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                SecretFiles.write(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                log.warn("generated a new master key in {}; back it up: without it the stored API keys cannot be used",
                        file.toAbsolutePath());
                return fresh;
            }
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(configured.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the master key from " + origin + " is not base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException("the master key from " + origin + " must be 32 bytes (AES-256), not "
                    + raw.length);
        }
        return raw;
    }

    private void verifyAgainstDatabase(JdbcClient jdbc) {
        var stored = jdbc.sql("SELECT setting_value FROM registry_settings WHERE setting_name = :name")
                .param("name", CHECK_SETTING).query(String.class).optional();
        if (stored.isEmpty()) {
            Sealed check = encrypt(CHECK_PLAINTEXT, CHECK_AAD);
            jdbc.sql("INSERT INTO registry_settings (setting_name, setting_value) VALUES (:name, :value)")
                    .param("name", CHECK_SETTING).param("value", check.iv() + ":" + check.ciphertext()).update();
            return;
        }
        String[] parts = stored.get().split(":", 2);
        try {
            decrypt(new Sealed(parts[0], parts.length > 1 ? parts[1] : ""), CHECK_AAD);
        } catch (MasterKeyMismatchException e) {
            throw new MasterKeyMismatchException("the configured master key is not the one this registry database was "
                    + "created with; start with the original fitmon.registry.master-key (or master-key-file)");
        }
    }
}
