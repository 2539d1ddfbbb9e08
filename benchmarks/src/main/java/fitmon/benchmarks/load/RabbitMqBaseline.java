package fitmon.benchmarks.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;

/**
 * A RabbitMQ quorum queue: each worker on its own connection and channel with publisher confirms,
 * publishing persistent messages through the default exchange and waiting for each message's
 * confirm before the next. The queue is deleted at the end.
 */
final class RabbitMqBaseline implements Baseline {

    private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;

    private final String uri;
    private final Map<String, Long> serverProcesses;
    private final String queue = "fitmon-bench-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final ConnectionFactory factory = new ConnectionFactory();
    private Connection admin;

    RabbitMqBaseline(String uri, Map<String, Long> serverProcesses) {
        this.uri = uri;
        this.serverProcesses = serverProcesses;
    }

    @Override
    public BaselineKind kind() {
        return BaselineKind.RABBITMQ;
    }

    @Override
    public String setup() {
        return "RabbitMQ at " + uri.replaceAll("//[^@]*@", "//") + ", quorum queue " + queue
                + ", persistent messages, publisher confirm awaited per message, one connection and channel per worker";
    }

    @Override
    public void start() throws Exception {
        factory.setUri(uri);
        factory.setConnectionTimeout(5_000);
        factory.setAutomaticRecoveryEnabled(false);
        try {
            admin = factory.newConnection("fitmon-bench-admin");
        } catch (IOException | TimeoutException e) {
            throw new IOException("RabbitMQ is not reachable at " + uri.replaceAll("//[^@]*@", "//") + " (" + e
                    + "); start rabbitmq-server, or leave it out with --baseline", e);
        }
        try (Channel channel = admin.createChannel()) {
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
        }
    }

    @Override
    public Map<String, Long> serverProcesses() {
        return serverProcesses;
    }

    @Override
    public Clients clients(int workers, int payloadBytes) throws Exception {
        List<Connection> connections = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Connection connection = factory.newConnection("fitmon-bench-" + i);
            connections.add(connection);
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            channels.add(channel);
        }
        byte[] payload = new byte[payloadBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        return new Clients() {
            @Override
            public void send(int worker, long startNanos, boolean measured, LoadDriver.Tally tally) throws Exception {
                Channel channel = channels.get(worker);
                channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, payload);
                if (channel.waitForConfirms(CONFIRM_TIMEOUT_MILLIS)) {
                    tally.accepted(measured, 1);
                } else {
                    tally.refused(measured, "NACK", 1);
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
        try (Channel channel = admin.createChannel()) {
            channel.queueDelete(queue);
        } catch (Exception e) {
            System.err.println("could not delete RabbitMQ queue " + queue + ": " + e.getMessage());
        }
        try {
            admin.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
