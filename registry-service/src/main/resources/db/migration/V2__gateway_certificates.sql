-- Gateway certificates the CA issued (a gateway asks for one at every start and renews at half its
-- validity), so an administrator can list and revoke them. Expired rows are pruned.
CREATE TABLE gateway_certificates (
    serial       VARCHAR(64)   NOT NULL PRIMARY KEY,
    gateway_name VARCHAR(128)  NOT NULL,
    pem          VARCHAR(8000) NOT NULL,
    issued_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after    TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX gateway_certificates_not_after ON gateway_certificates (not_after);
