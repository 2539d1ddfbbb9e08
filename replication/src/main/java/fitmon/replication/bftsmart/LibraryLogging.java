package fitmon.replication.bftsmart;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** Routes the library's java.util.logging output through SLF4J, once per process. */
final class LibraryLogging {

    private static boolean installed;

    private LibraryLogging() {
    }

    static synchronized void install() {
        if (!installed) {
            if (!SLF4JBridgeHandler.isInstalled()) {
                SLF4JBridgeHandler.removeHandlersForRootLogger();
                SLF4JBridgeHandler.install();
            }
            installed = true;
        }
    }
}
