package fitmon.benchmarks.load;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

/**
 * NATS JetStream: one file-storage stream for the run, each worker on its own connection publishing
 * and waiting for the stream's PubAck before the next message. The stream is deleted at the end.
 */
final class NatsBaseline implements Baseline {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String url;
    private final Map<String, Long> serverProcesses;
    private final String stream = "fitmonbench" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final String subject = stream + ".events";
    private Connection admin;

    NatsBaseline(String url, Map<String, Long> serverProcesses) {
        this.url = url;
        this.serverProcesses = serverProcesses;
    }

    @Override
    public BaselineKind kind() {
        return BaselineKind.NATS;
    }

    @Override
    public String setup() {
        return "NATS JetStream at " + url + ", stream " + stream + " (file storage, 1 replica), synchronous publish "
                + "waiting for the PubAck, one connection per worker";
    }

    @Override
    public void start() throws Exception {
        try {
            admin = Nats.connect(options());
        } catch (IOException e) {
            throw new IOException("NATS is not reachable at " + url + " (" + e.getMessage()
                    + "); start nats-server with JetStream (-js), or leave it out with --baseline", e);
        }
        JetStreamManagement management = admin.jetStreamManagement();
        management.addStream(StreamConfiguration.builder().name(stream).subjects(subject)
                .storageType(StorageType.File).build());
    }

    private Options options() {
        return new Options.Builder().server(url).connectionTimeout(Duration.ofSeconds(5)).maxReconnects(0).build();
    }

    @Override
    public Map<String, Long> serverProcesses() {
        return serverProcesses;
    }

    @Override
    public Clients clients(int workers, int payloadBytes) throws Exception {
        List<Connection> connections = new ArrayList<>();
        List<JetStream> streams = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Connection connection = Nats.connect(options());
            connections.add(connection);
            streams.add(connection.jetStream());
        }
        byte[] payload = new byte[payloadBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        return new Clients() {
            @Override
            public void send(int worker, long startNanos, boolean measured, LoadDriver.Tally tally) throws Exception {
                PublishAck ack = streams.get(worker).publish(subject, payload);
                if (ack.hasError()) {
                    tally.error(measured, "PubAck error " + ack.getError());
                } else {
                    tally.accepted(measured, 1);
                }
            }

            @Override
            public void close() throws Exception {
                for (Connection connection : connections) {
                    connection.close();
                }
            }
        };
    }

    @Override
    public void close() {
        if (admin == null) {
            return;
        }
        try {
            admin.jetStreamManagement().deleteStream(stream);
        } catch (Exception e) {
            System.err.println("could not delete NATS stream " + stream + ": " + e.getMessage());
        }
        try {
            admin.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
