package fitmon.benchmarks.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import fitmon.client.channel.ChannelAdmin;
import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.http.GatewayProblemException;
import fitmon.core.channel.ChannelClass;

/**
 * What many channels cost the replicas: creates N channels (default settings, {@code CFT_O}) through
 * the gateway of a running suite, then reports each replica's heap after a full collection and its
 * resident set, before and after, and deletes the channels again. Usage:
 * {@code bin/channels [--gateway URL] [--admin-key FILE] [--count N] [--threads T] [--keep]}.
 */
public final class ChannelCapacity {

    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private ChannelCapacity() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--gateway", "http://localhost:8081",
                "--admin-key", ".fitmon-local/admin-key.json", "--count", "10000", "--threads", "8"));
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--keep")) {
                keep = true;
            } else if (options.containsKey(args[i]) && i + 1 < args.length) {
                options.put(args[i], args[++i]);
            } else {
                System.err.println("channels: unknown or incomplete option '" + args[i]
                        + "'; usage: bin/channels [--gateway URL] [--admin-key FILE] [--count N] [--threads T] [--keep]");
                System.exit(2);
            }
        }
        int count = Integer.parseInt(options.get("--count"));
        int threads = Integer.parseInt(options.get("--threads"));
        GatewayClient admin = GatewayClient.builder(options.get("--gateway"))
                .apiKey(ApiKey.read(Path.of(options.get("--admin-key")))).requestTimeout(Duration.ofSeconds(60)).build();
        Map<String, Long> replicas = new LinkedHashMap<>();
        SuiteProcesses.scan().fitmon(options.get("--gateway")).forEach((name, line) -> {
            if (name.startsWith("replica-")) {
                replicas.put(name, line.pid());
            }
        });
        if (replicas.isEmpty()) {
            System.err.println("channels: no replica processes found behind " + options.get("--gateway"));
            System.exit(2);
        }
        Map<String, long[]> before = memory(replicas);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        ChannelAdmin channels = new ChannelAdmin(admin);
        List<String> created = everyChannel(count, threads, "created", i -> {
            String tag = "cap." + run + "." + i;
            channels.create(ChannelAdmin.ChannelSpec.of(tag, ChannelClass.CFT_O));
            return tag;
        });
        Map<String, long[]> after = memory(replicas);
        System.out.printf(Locale.ROOT, "%n| replica | heap after GC, before → with %,d channels | RSS before → after |%n"
                + "|---|---|---|%n", created.size());
        for (String name : replicas.keySet()) {
            System.out.printf(Locale.ROOT, "| %s | %,d → %,d MB | %,d → %,d MB |%n", name, before.get(name)[0] / 1024,
                    after.get(name)[0] / 1024, before.get(name)[1] / 1024, after.get(name)[1] / 1024);
        }
        if (!keep) {
            everyChannel(created.size(), threads, "deleted", i -> {
                channels.delete(created.get(i));
                return created.get(i);
            });
        }
    }

    private interface ChannelTask {
        String run(int index) throws Exception;
    }

    /** Runs the task for 0..count-1 on {@code threads} threads with progress; stops at the first refusal. */
    private static List<String> everyChannel(int count, int threads, String verb, ChannelTask task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<String> tags = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try {
                        tags.add(task.run(i));
                    } catch (GatewayProblemException e) {
                        System.err.println("channels: stopped at " + i + ": " + e.getMessage());
                        next.set(count);
                        return null;
                    }
                    int n = done.incrementAndGet();
                    if (n % 1000 == 0) {
                        System.out.printf(Locale.ROOT, "channels: %s %,d in %.1f s%n", verb, n,
                                (System.nanoTime() - start) / 1e9);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        System.out.printf(Locale.ROOT, "channels: %s %,d in %.1f s%n", verb, done.get(), (System.nanoTime() - start) / 1e9);
        return new ArrayList<>(tags);
    }

    /** Per replica: heap used after a full collection (KB, from jcmd) and RSS (KB). */
    private static Map<String, long[]> memory(Map<String, Long> replicas) throws IOException, InterruptedException {
        Map<String, long[]> memory = new LinkedHashMap<>();
        for (Map.Entry<String, Long> replica : replicas.entrySet()) {
            jcmd(replica.getValue(), "GC.run");
            long used = 0;
            Matcher m = HEAP_USED.matcher(jcmd(replica.getValue(), "GC.heap_info"));
            while (m.find()) {
                used += Long.parseLong(m.group(1));
            }
            memory.put(replica.getKey(), new long[] {used, ProcessStats.rssKb(replica.getValue())});
        }
        return memory;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor();
        return out;
    }
}
