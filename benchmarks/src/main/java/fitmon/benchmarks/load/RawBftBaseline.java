package fitmon.benchmarks.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import bftsmart.communication.client.ReplyListener;
import bftsmart.reconfiguration.views.MemoryBasedViewStorage;
import bftsmart.tom.AsynchServiceProxy;
import bftsmart.tom.RequestContext;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;

/**
 * The ordering engine alone: four {@link RawBftReplica} processes on free loopback ports, started
 * with the JVM flags of the suite's broker replicas, and one {@link AsynchServiceProxy} per worker
 * sending ordered requests and waiting for f+1 = 2 identical replies. Every process it started is
 * killed by {@link #close()} and, should the generator die first, by a shutdown hook.
 */
final class RawBftBaseline implements Baseline {

    private static final long REQUEST_TIMEOUT_MILLIS = 30_000;
    private static final long START_TIMEOUT_MILLIS = 120_000;

    private final List<String> jvmFlags;
    private final String classpath;
    private final Path logs;
    private final Consumer<String> log;
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "raw-bft-cleanup");
    private final List<Integer> ports = new ArrayList<>();
    private int nextClientId = 2000 + 100 * ThreadLocalRandom.current().nextInt(1, 10_000);

    RawBftBaseline(List<String> jvmFlags, String classpath, Path logs, Consumer<String> log) {
        this.jvmFlags = jvmFlags;
        this.classpath = classpath;
        this.logs = logs;
        this.log = log;
    }

    @Override
    public BaselineKind kind() {
        return BaselineKind.RAW_BFT;
    }

    @Override
    public String setup() {
        return "BFT-SMaRt 0.0.8 (n=4, f=1), no-op service with 16-byte replies, 4 replica JVMs with "
                + String.join(" ", jvmFlags) + "; one AsynchServiceProxy per worker, ordered requests, f+1 matching replies";
    }

    @Override
    public void start() throws Exception {
        Runtime.getRuntime().addShutdownHook(hook);
        Files.createDirectories(logs);
        for (int i = 0; i < RawBftConfig.N; i++) {
            ports.add(freePortPair(ports));
        }
        String portList = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < RawBftConfig.N; i++) {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvmFlags);
            command.addAll(List.of("-cp", classpath, RawBftReplica.class.getName(), Integer.toString(i), portList));
            Path logFile = logs.resolve("raw-replica-" + i + ".log");
            processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile()).start());
        }
        log.accept("raw BFT-SMaRt replicas starting on ports " + portList + " (logs in " + logs + ")");
        awaitOrdering();
    }

    /** The group is up once one ordered request gets its f+1 replies. */
    private void awaitOrdering() throws Exception {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        AsynchServiceProxy proxy = new AsynchServiceProxy(RawBftConfig.forProcess(nextClientId++, ports),
                new MemoryBasedViewStorage());
        try {
            while (true) {
                for (Process process : processes) {
                    if (!process.isAlive()) {
                        throw new IOException("a raw BFT-SMaRt replica exited during start; see " + logs);
                    }
                }
                try {
                    invoke(proxy, new byte[16], 5_000);
                    return;
                } catch (TimeoutException | RuntimeException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IOException("the raw BFT-SMaRt group ordered nothing within "
                                + START_TIMEOUT_MILLIS / 1000 + " s; see " + logs, e);
                    }
                    Thread.sleep(500);
                }
            }
        } finally {
            proxy.close();
        }
    }

    @Override
    public Map<String, Long> serverProcesses() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (int i = 0; i < processes.size(); i++) {
            pids.put("raw-replica-" + i, processes.get(i).pid());
        }
        return pids;
    }

    @Override
    public Clients clients(int workers, int payloadBytes) {
        List<AsynchServiceProxy> proxies = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            proxies.add(new AsynchServiceProxy(RawBftConfig.forProcess(nextClientId++, ports), new MemoryBasedViewStorage()));
        }
        byte[] payload = new byte[payloadBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        return new Clients() {
            @Override
            public void send(int worker, long startNanos, boolean measured, LoadDriver.Tally tally) throws Exception {
                try {
                    invoke(proxies.get(worker), payload, REQUEST_TIMEOUT_MILLIS);
                    tally.accepted(measured, 1);
                } catch (TimeoutException e) {
                    tally.error(measured, "no f+1 matching replies within " + REQUEST_TIMEOUT_MILLIS / 1000 + " s");
                }
            }

            @Override
            public void close() {
                proxies.forEach(AsynchServiceProxy::close);
            }
        };
    }

    /** One ordered request; returns once f+1 replicas sent the same reply. */
    private static byte[] invoke(AsynchServiceProxy proxy, byte[] request, long timeoutMillis) throws Exception {
        Replies replies = new Replies(RawBftConfig.N, RawBftConfig.F + 1);
        int id = proxy.invokeAsynchRequest(request, replies, TOMMessageType.ORDERED_REQUEST);
        try {
            return replies.result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } finally {
            proxy.cleanAsynchRequest(id);
        }
    }

    /** Counts replies until a quorum is byte-identical; called on the library's network thread. */
    private static final class Replies implements ReplyListener {
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final byte[][] received;
        private final int quorum;

        Replies(int n, int quorum) {
            this.received = new byte[n][];
            this.quorum = quorum;
        }

        @Override
        public synchronized void reset() {
            Arrays.fill(received, null);
        }

        @Override
        public synchronized void replyReceived(RequestContext context, TOMMessage reply) {
            int sender = reply.getSender();
            if (sender < 0 || sender >= received.length || result.isDone()) {
                return;
            }
            received[sender] = reply.getContent();
            int matching = 0;
            for (byte[] other : received) {
                if (other != null && Arrays.equals(other, received[sender])) {
                    matching++;
                }
            }
            if (matching >= quorum) {
                result.complete(received[sender]);
            }
        }
    }

    /** A port p with p+1 free too (clients use p, replicas p+1). */
    private static int freePortPair(List<Integer> taken) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            if (port < 65534 && !taken.contains(port) && !taken.contains(port + 1) && !taken.contains(port - 1)
                    && free(port) && free(port + 1)) {
                return port;
            }
        }
        throw new IOException("no free loopback port pair found");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already, or never started
        }
    }

    private void killAll() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
