package fitmon.replication.durability;

import java.nio.file.Path;

/**
 * A replica's files on disk cannot be read back as written. The replica refuses to start rather
 * than join its group with a state it cannot vouch for; moving the data directory away lets it
 * start empty and fetch its peers' state.
 */
public final class DamagedJournalException extends RuntimeException {

    public DamagedJournalException(Path file, String problem) {
        super(file + " is damaged: " + problem + ". Move " + file.getParent()
                + " away to have this replica start empty and fetch its peers' state");
    }
}
