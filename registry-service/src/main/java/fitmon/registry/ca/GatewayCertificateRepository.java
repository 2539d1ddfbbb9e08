package fitmon.registry.ca;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import fitmon.registry.config.Times;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The gateway certificates the CA issued and has not seen expire. */
@Repository
public class GatewayCertificateRepository {

    private static final String SELECT = "SELECT serial, gateway_name, pem, issued_at, not_after, revoked_at "
            + "FROM gateway_certificates ";

    private final JdbcClient jdbc;

    public GatewayCertificateRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a new certificate and forgets the ones that expired before {@code issuedAt}. */
    public void insert(String serial, String gatewayName, String pem, Instant issuedAt, Instant notAfter) {
        jdbc.sql("DELETE FROM gateway_certificates WHERE not_after < :now").param("now", Times.sql(issuedAt)).update();
        jdbc.sql("INSERT INTO gateway_certificates (serial, gateway_name, pem, issued_at, not_after) "
                        + "VALUES (:serial, :name, :pem, :issuedAt, :notAfter)")
                .param("serial", serial).param("name", gatewayName).param("pem", pem)
                .param("issuedAt", Times.sql(issuedAt)).param("notAfter", Times.sql(notAfter)).update();
    }

    public Optional<IssuedGatewayCertificate> find(String serial) {
        return jdbc.sql(SELECT + "WHERE serial = :serial").param("serial", serial)
                .query(GatewayCertificateRepository::map).optional();
    }

    /** Unexpired certificates, newest first. */
    public List<IssuedGatewayCertificate> unexpired(Instant now) {
        return jdbc.sql(SELECT + "WHERE not_after > :now ORDER BY issued_at DESC, serial").param("now", Times.sql(now))
                .query(GatewayCertificateRepository::map).list();
    }

    public List<IssuedGatewayCertificate> revoked() {
        return jdbc.sql(SELECT + "WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial")
                .query(GatewayCertificateRepository::map).list();
    }

    /** Marks it revoked now unless it already is. */
    public void revoke(String serial, Instant at) {
        jdbc.sql("UPDATE gateway_certificates SET revoked_at = :at WHERE serial = :serial AND revoked_at IS NULL")
                .param("at", Times.sql(at)).param("serial", serial).update();
    }

    private static IssuedGatewayCertificate map(ResultSet rs, int row) throws SQLException {
        return new IssuedGatewayCertificate(rs.getString(1), rs.getString(2), rs.getString(3),
                Times.read(rs, "issued_at"), Times.read(rs, "not_after"), Times.read(rs, "revoked_at"));
    }
}
