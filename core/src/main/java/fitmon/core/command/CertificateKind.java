package fitmon.core.command;

/** What a certificate of the fitmon CA certifies: a probe's event key or a gateway's command key. */
public enum CertificateKind {
    PROBE,
    GATEWAY;

    /** The kind of that name, or null. */
    public static CertificateKind fromName(String name) {
        for (CertificateKind kind : values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
