package fitmon.replication.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes both ways between two connected sockets until either side ends, then closes both.
 * Bytes towards the library may pass a {@link PeerStreamCheck} first: a violation ends the link
 * before the offending bytes reach it.
 */
final class Splice {

    private static final Logger LOG = LoggerFactory.getLogger(Splice.class);
    private static final int BUFFER = 64 * 1024;

    private Splice() {
    }

    /**
     * Runs {@code from → to} on the calling thread and {@code to → from} on a new one; returns when
     * the link has ended.
     */
    static void run(String name, Socket remote, Socket library, PeerStreamCheck towardsLibrary) {
        Thread back = new Thread(() -> copyThenClose(name, library, remote, null), name + "-out");
        back.setDaemon(true);
        back.start();
        copyThenClose(name, remote, library, towardsLibrary);
    }

    private static void copyThenClose(String name, Socket from, Socket to, PeerStreamCheck check) {
        try {
            copy(from.getInputStream(), to.getOutputStream(), check);
        } catch (PeerStreamCheck.Violation e) {
            LOG.warn("{} closed: {}", name, e.getMessage());
        } catch (IOException e) {
            // one side ended or broke the protocol: the link ends for both
        } finally {
            RelayListener.quietlyClose(from);
            RelayListener.quietlyClose(to);
        }
    }

    static void copy(InputStream in, OutputStream out, PeerStreamCheck check) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            if (check != null) {
                check.accept(buffer, 0, read);
            }
            out.write(buffer, 0, read);
            out.flush();
        }
    }
}
