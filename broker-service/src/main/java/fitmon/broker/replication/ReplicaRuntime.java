package fitmon.broker.replication;

import fitmon.replication.bftsmart.BftSmartReplica;
import fitmon.replication.bftsmart.ReplicaState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Starts this process's replica with the application (off the main thread: the library blocks
 * until its peers connect) and ends the process when the application stops, because the library
 * leaves network threads behind that would keep the JVM alive.
 */
public class ReplicaRuntime implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRuntime.class);

    private final BftSmartReplica replica;
    private final ApplicationContext context;
    private volatile boolean running;

    public ReplicaRuntime(BftSmartReplica replica, ApplicationContext context) {
        this.replica = replica;
        this.context = context;
    }

    @Override
    public void start() {
        replica.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        LOG.info("stopping replica {}", replica.replicaId());
        replica.close();
        Thread exit = new Thread(() -> {
            // Let Spring finish its shutdown, then end the JVM the library would keep alive.
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(SpringApplication.exit(context) == 0 ? 0 : 1);
        }, "fitmon-replica-exit");
        exit.setDaemon(true);
        exit.start();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    public String state() {
        return replica.state().name();
    }

    public boolean ready() {
        return replica.state() == ReplicaState.READY;
    }
}
