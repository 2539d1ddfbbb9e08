package fitmon.replication.link;

import java.math.BigInteger;
import java.security.cert.X509Certificate;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who holds a link certificate of the fitmon CA, from its subject: OU {@code fitmon-replica} with
 * CN {@code replica-N}, or OU {@code fitmon-gateway} with the gateway's name as CN. Anything else
 * is {@link Role#OTHER} (a probe's certificate, for instance) and opens no link.
 */
public record LinkIdentity(Role role, String name, BigInteger serial) {

    public enum Role { REPLICA, GATEWAY, OTHER }

    static final String REPLICA_UNIT = "fitmon-replica";
    static final String GATEWAY_UNIT = "fitmon-gateway";

    public static LinkIdentity of(X509Certificate certificate) {
        String unit = null;
        String common = null;
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("OU")) {
                    unit = unit == null ? String.valueOf(rdn.getValue()) : "";
                } else if (rdn.getType().equalsIgnoreCase("CN")) {
                    common = common == null ? String.valueOf(rdn.getValue()) : "";
                }
            }
        } catch (InvalidNameException e) {
            return new LinkIdentity(Role.OTHER, "?", certificate.getSerialNumber());
        }
        Role role = Role.OTHER;
        if (REPLICA_UNIT.equals(unit) && common != null && common.matches("replica-(0|[1-9][0-9]{0,3})")) {
            role = Role.REPLICA;
        } else if (GATEWAY_UNIT.equals(unit) && common != null && !common.isEmpty()) {
            role = Role.GATEWAY;
        }
        return new LinkIdentity(role, common == null ? "?" : common, certificate.getSerialNumber());
    }

    /** The replica id of a replica's certificate, -1 for any other. */
    public int replicaId() {
        return role == Role.REPLICA ? Integer.parseInt(name.substring("replica-".length())) : -1;
    }

    public boolean isReplica(int id) {
        return role == Role.REPLICA && replicaId() == id;
    }

    @Override
    public String toString() {
        return role == Role.OTHER ? "a certificate that is neither a replica's nor a gateway's (" + name + ")" : name;
    }
}
