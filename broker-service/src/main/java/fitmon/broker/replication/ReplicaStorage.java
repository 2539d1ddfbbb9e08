package fitmon.broker.replication;

import java.io.IOException;
import java.nio.file.Path;

import fitmon.replication.durability.ReplicaJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * This replica's data directory ({@code fitmon.broker.data-dir}), opened and locked at start and
 * closed after the replica stopped; or nothing, when the state is kept in memory only.
 */
public final class ReplicaStorage implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStorage.class);

    private final ReplicaJournal journal;

    private ReplicaStorage(ReplicaJournal journal) {
        this.journal = journal;
    }

    static ReplicaStorage open(BrokerReplicaProperties properties) throws IOException {
        if (properties.dataDir() == null || properties.dataDir().isBlank()) {
            return new ReplicaStorage(null);
        }
        Path directory = Path.of(properties.dataDir());
        ReplicaJournal journal = ReplicaJournal.open(directory, properties.snapshotAfter().toBytes(),
                properties.forceWrites());
        LOG.info("replica {} keeps its ordered state in {}", properties.replicaId(), journal.directory());
        if (!properties.forceWrites()) {
            LOG.warn("replica {} does not force its journal to disk before replying (fitmon.broker.force-writes=false): "
                    + "what it acknowledged survives its process crashing, not its machine losing power",
                    properties.replicaId());
        }
        return new ReplicaStorage(journal);
    }

    /** The journal, or null when the state is kept in memory only. */
    public ReplicaJournal journal() {
        return journal;
    }

    @Override
    public void destroy() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }
}
