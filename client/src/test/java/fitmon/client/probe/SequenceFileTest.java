package fitmon.client.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import fitmon.core.event.EventJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceFileTest {

    @TempDir
    Path dir;

    @Test
    void startsAtOneAndContinuesAcrossInstancesAsAfterARestart() throws IOException {
        SequenceFile seq = new SequenceFile(dir.resolve("seq.json"));
        assertThat(seq.last()).isZero();
        assertThat(seq.reserve(1)).isEqualTo(1);
        assertThat(seq.reserve(5)).isEqualTo(2);
        assertThat(seq.last()).isEqualTo(6);

        SequenceFile restarted = new SequenceFile(dir.resolve("seq.json"));
        assertThat(restarted.reserve(1)).isEqualTo(7);
        assertThat(Files.readString(dir.resolve("seq.json"))).isEqualTo("{\"lastSeq\":7}\n");
    }

    @Test
    void aDamagedStateFileIsReportedNotReset() throws IOException {
        Files.writeString(dir.resolve("seq.json"), "{\"lastSeq\":-4}");
        assertThatThrownBy(() -> new SequenceFile(dir.resolve("seq.json")).reserve(1))
                .isInstanceOf(IOException.class).hasMessageContaining("lastSeq");
        Files.writeString(dir.resolve("seq.json"), "garbage");
        assertThatThrownBy(() -> new SequenceFile(dir.resolve("seq.json")).last())
                .isInstanceOf(IOException.class).hasMessageContaining("not JSON");
    }

    @Test
    void neverPassesTheLargestExactJsonInteger() throws IOException {
        Files.writeString(dir.resolve("seq.json"), "{\"lastSeq\":" + (EventJson.MAX_SEQ - 1) + "}");
        SequenceFile seq = new SequenceFile(dir.resolve("seq.json"));
        assertThatThrownBy(() -> seq.reserve(2)).isInstanceOf(IOException.class);
        assertThat(seq.reserve(1)).isEqualTo(EventJson.MAX_SEQ);
    }

    @Test
    void concurrentPublishersGetDisjointIncreasingRanges() throws Exception {
        List<Long> firsts = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    // each thread its own instance, as separate processes would have
                    SequenceFile seq = new SequenceFile(dir.resolve("seq.json"));
                    for (int i = 0; i < 50; i++) {
                        firsts.add(seq.exclusively(() -> seq.reserve(3)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(firsts).hasSize(200).doesNotHaveDuplicates();
        assertThat(firsts).allMatch(f -> (f - 1) % 3 == 0);
        assertThat(new SequenceFile(dir.resolve("seq.json")).last()).isEqualTo(600);
    }
}
