package fitmon.replication.durability;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Forcing a directory's entries to disk, so a renamed or created file survives a power loss. */
final class Directories {

    private Directories() {
    }

    static void force(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems (and every Windows one) cannot open a directory: nothing more to do there.
        }
    }
}
