package fitmon.registry.ca;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import fitmon.registry.config.Times;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Probe certificates the CA issued, and their revocation. Serials are lowercase hex. */
@Repository
public class CertificateRepository {

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{1,64}");
    private static final String SELECT = "SELECT c.serial, c.principal_id, p.name, c.pem, c.issued_at, c.not_after, "
            + "c.revoked_at FROM certificates c JOIN principals p ON p.id = c.principal_id ";

    private final JdbcClient jdbc;

    public CertificateRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public static String serialHex(BigInteger serial) {
        return serial.toString(16);
    }

    /** The canonical form of a serial as a caller wrote it, or empty when it is no hex number. */
    public static Optional<String> normalize(String serial) {
        if (serial == null || !HEX.matcher(serial).matches()) {
            return Optional.empty();
        }
        return Optional.of(new BigInteger(serial, 16).toString(16).toLowerCase(Locale.ROOT));
    }

    public void insert(String serial, long principalId, String pem, Instant issuedAt, Instant notAfter) {
        jdbc.sql("INSERT INTO certificates (serial, principal_id, pem, issued_at, not_after) "
                        + "VALUES (:serial, :principalId, :pem, :issuedAt, :notAfter)")
                .param("serial", serial).param("principalId", principalId).param("pem", pem)
                .param("issuedAt", Times.sql(issuedAt)).param("notAfter", Times.sql(notAfter)).update();
    }

    public Optional<IssuedCertificate> find(String serial) {
        return jdbc.sql(SELECT + "WHERE c.serial = :serial").param("serial", serial)
                .query(CertificateRepository::map).optional();
    }

    public List<IssuedCertificate> ofPrincipal(long principalId) {
        return jdbc.sql(SELECT + "WHERE c.principal_id = :id ORDER BY c.issued_at DESC, c.serial")
                .param("id", principalId).query(CertificateRepository::map).list();
    }

    /** The principal's most recently issued certificate, revoked or not. */
    public Optional<IssuedCertificate> latestOf(long principalId) {
        return ofPrincipal(principalId).stream().findFirst();
    }

    public List<IssuedCertificate> revoked() {
        return jdbc.sql(SELECT + "WHERE c.revoked_at IS NOT NULL ORDER BY c.revoked_at, c.serial")
                .query(CertificateRepository::map).list();
    }

    /** Marks it revoked now unless it already is. */
    public void revoke(String serial, Instant at) {
        jdbc.sql("UPDATE certificates SET revoked_at = :at WHERE serial = :serial AND revoked_at IS NULL")
                .param("at", Times.sql(at)).param("serial", serial).update();
    }

    private static IssuedCertificate map(ResultSet rs, int row) throws SQLException {
        return new IssuedCertificate(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                Times.read(rs, "issued_at"), Times.read(rs, "not_after"), Times.read(rs, "revoked_at"));
    }
}
