package fitmon.broker.replication;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of one broker replica ({@code fitmon.broker.*}). The defaults describe replica 0 of a
 * four-replica group on this machine; the other three differ only in {@code replica-id} and
 * {@code server.port}.
 *
 * @param replicaId         this replica's id, its index in {@code peers}
 * @param f                 faults tolerated; {@code peers} must hold at least 3f+1 replicas
 * @param peers             every replica's {@code host:port} in id order; clients use the port,
 *                          replicas talk to each other on port+1
 * @param orderingTimeout   how long a request may wait for ordering before replicas suspect the
 *                          leader; a dead leader stalls ordering for 1 to 2 times this
 * @param caPublicKey       the fitmon CA public key, base64 DER SubjectPublicKeyInfo or PEM;
 *                          without it every probe registration is refused
 * @param caPublicKeyFile   alternatively, a file holding that key or the CA certificate in PEM
 * @param requireSignedCommands accept only commands signed by a gateway whose certificate the
 *                          fitmon CA issued; must be equal on every replica
 * @param limits            state machine limits; must be equal on every replica
 * @param keys              this replica's RSA key pair and its peers' public keys; without them
 *                          the library's built-in pair is used and links are not authenticated
 * @param waitingReportInterval how often a replica still waiting for its group logs which peers
 *                          accept connections (and, when all do, that the keys are the likely
 *                          cause); 1 s to 1 h
 * @param dataDir           where this replica keeps its ordered state (snapshot and journal) across
 *                          restarts, one directory per replica; unset keeps it in memory only, and a
 *                          stop of every replica then loses channels and events
 * @param snapshotAfter     journal size after which the replica writes a new snapshot and starts
 *                          an empty journal (bounds restart time and disk use)
 * @param forceWrites       force the journal to disk before replying (default); false leaves the
 *                          writes to the operating system: an acknowledged event then survives
 *                          this replica's process crashing but not its machine losing power, and
 *                          the group relies on no more than f machines losing power at once
 * @param links             this replica's link certificate: with one, its client and peer ports speak
 *                          mutual TLS through relays in front of the library; without, plain TCP
 */
@ConfigurationProperties("fitmon.broker")
public record BrokerReplicaProperties(
        @DefaultValue("0") int replicaId,
        @DefaultValue("1") int f,
        @DefaultValue({"127.0.0.1:11000", "127.0.0.1:11010", "127.0.0.1:11020", "127.0.0.1:11030"}) List<String> peers,
        @DefaultValue("2s") Duration orderingTimeout,
        String caPublicKey,
        String caPublicKeyFile,
        @DefaultValue("true") boolean requireSignedCommands,
        @DefaultValue Limits limits,
        @DefaultValue Keys keys,
        @DefaultValue("30s") Duration waitingReportInterval,
        String dataDir,
        @DefaultValue("64MB") DataSize snapshotAfter,
        @DefaultValue("true") boolean forceWrites,
        @DefaultValue Links links) {

    /**
     * @param certFile         this replica's link certificate (PEM, {@code OU=fitmon-replica,
     *                         CN=replica-N}, issued by the fitmon CA); re-read when it changes
     * @param keyFile          its private key, PKCS#8 PEM
     * @param handshakeTimeout how long a connection may take to authenticate before it is closed
     * @param maxFrameSize     the largest message one replica may send another
     */
    public record Links(String certFile, String keyFile, @DefaultValue("5s") Duration handshakeTimeout,
                        @DefaultValue("256MB") DataSize maxFrameSize) {

        public boolean configured() {
            return certFile != null && !certFile.isBlank();
        }
    }

    /**
     * @param privateKeyFile  this replica's RSA private key, PKCS#8 PEM
     * @param publicKeyFiles  every replica's RSA public key, X.509 PEM, in replica id order
     */
    public record Keys(String privateKeyFile, List<String> publicKeyFiles) {
    }

    /** Mirrors {@link fitmon.broker.state.StateMachineConfig}. */
    public record Limits(
            @DefaultValue("65536") int maxEventBytes,
            @DefaultValue("1000") int maxBatchEvents,
            @DefaultValue("10000") int maxChannels,
            @DefaultValue("1000000") int maxRetainedEvents,
            @DefaultValue("1073741824") long maxRetainedBytes,
            @DefaultValue("67108864") long maxTotalRetainedBytes) {
    }
}
