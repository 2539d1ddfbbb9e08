package fitmon.client.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A packet capture on the loopback interface with {@code tshark}, of the TCP ports a filter names,
 * into a pcap file whose raw bytes a test searches for what must not travel in clear.
 */
final class LoopbackCapture implements AutoCloseable {

    private final Process tshark;
    private final Path file;

    private LoopbackCapture(Process tshark, Path file) {
        this.tshark = tshark;
        this.file = file;
    }

    /** True where {@code tshark} is installed ({@code .ci/run} installs it). */
    static boolean available() {
        try {
            Process which = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
            which.getInputStream().readAllBytes();
            return which.waitFor(30, TimeUnit.SECONDS) && which.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Starts capturing and returns once tshark says it captures. */
    static LoopbackCapture start(String captureFilter, Path file) throws IOException, InterruptedException {
        Process tshark = new ProcessBuilder(List.of("tshark", "-i", "lo", "-f", captureFilter, "-w", file.toString()))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(tshark.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        StringBuilder said = new StringBuilder();
        while ((line = out.readLine()) != null) {
            said.append(line).append('\n');
            if (line.startsWith("Capturing on")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // tshark ended
                    }
                }, "tshark-output");
                drain.setDaemon(true);
                drain.start();
                return new LoopbackCapture(tshark, file);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        tshark.destroyForcibly();
        throw new IOException("tshark did not start capturing on lo: " + said);
    }

    /** Stops the capture (tshark writes out what it holds) and returns the file's bytes. */
    byte[] stop() throws IOException, InterruptedException {
        close();
        return Files.readAllBytes(file);
    }

    @Override
    public void close() throws InterruptedException {
        if (tshark.isAlive()) {
            tshark.destroy(); // SIGTERM: tshark finishes the file
            if (!tshark.waitFor(30, TimeUnit.SECONDS)) {
                tshark.destroyForcibly();
            }
        }
    }

    /** Whether {@code needle} occurs in {@code bytes}. */
    static boolean contains(byte[] bytes, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= bytes.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (bytes[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
