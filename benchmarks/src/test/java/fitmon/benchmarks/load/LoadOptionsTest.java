package fitmon.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void defaultsAreAClosedLoopOnEveryClassWithEveryBaseline() throws Exception {
        LoadOptions options = LoadOptions.parse(new String[0]);
        assertThat(options.gateway()).isEqualTo("http://localhost:8081");
        assertThat(options.classes()).containsExactly(ChannelClass.BFT, ChannelClass.CFT_O, ChannelClass.CFT_NO_U,
                ChannelClass.CFT_NO_NU);
        assertThat(options.workers()).containsExactly(8);
        assertThat(options.batches()).containsExactly(1);
        assertThat(options.batchSignatures()).containsExactly(false);
        assertThat(options.inFlight()).isEqualTo(1);
        assertThat(options.openLoop()).isFalse();
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.baselines()).containsExactly(BaselineKind.RAW_BFT, BaselineKind.NATS, BaselineKind.RABBITMQ);
        assertThat(options.console()).isTrue();
        assertThat(options.replicaJvmFlags()).isNull();
    }

    @Test
    void readsListsDurationsAndBothOptionForms() throws Exception {
        LoadOptions options = LoadOptions.parse(new String[] {"--classes", "bft,CFT_NO_NU", "--workers=1,8,32",
                "--batch", "50", "--rate", "250.5", "--warmup", "0s", "--duration", "1.5s", "--progress", "500ms",
                "--baseline", "none", "--pids", "gateway=12,replica-0=13", "--replica-jvm-flags", "-Xmx512m -XX:+UseG1GC",
                "--no-console", "--signatures", "batch,event"});
        assertThat(options.classes()).containsExactly(ChannelClass.BFT, ChannelClass.CFT_NO_NU);
        assertThat(options.workers()).containsExactly(1, 8, 32);
        assertThat(options.batches()).containsExactly(50);
        assertThat(options.batchSignatures()).containsExactly(true, false);
        assertThat(options.rate()).isEqualTo(250.5);
        assertThat(options.openLoop()).isTrue();
        assertThat(options.warmup()).isZero();
        assertThat(options.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.progress()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.baselines()).isEmpty();
        assertThat(options.pids()).containsEntry("gateway", 12L).containsEntry("replica-0", 13L);
        assertThat(options.replicaJvmFlags()).containsExactly("-Xmx512m", "-XX:+UseG1GC");
        assertThat(options.console()).isFalse();
    }

    @Test
    void smokeIsShortLowRateAndBatched() throws Exception {
        LoadOptions options = LoadOptions.parse(new String[] {"--smoke"});
        assertThat(options.smoke()).isTrue();
        assertThat(options.openLoop()).isTrue();
        assertThat(options.duration()).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(options.batches()).containsExactly(1, 5);
        assertThat(options.batchSignatures()).containsExactly(false, true);
        assertThat(LoadOptions.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void badInputIsRefusedWithAMessageSayingWhat() {
        for (List<String> bad : List.of(
                List.of("--workers", "0"), List.of("--workers", "eight"), List.of("--batch", "1001"),
                List.of("--rate", "-1"), List.of("--duration", "30"), List.of("--duration", "0s"),
                List.of("--classes", "BFT,QUICK"), List.of("--baseline", "kafka"), List.of("--pids", "gateway"),
                List.of("--event-bytes", "100"), List.of("--signatures", "merkle"), List.of("--frobnicate"), List.of("--gateway"), List.of("stray"))) {
            assertThatThrownBy(() -> LoadOptions.parse(bad.toArray(String[]::new)))
                    .as(bad.toString()).isInstanceOf(LoadOptions.UsageException.class)
                    .message().isNotBlank();
        }
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--classes", "QUICK"}))
                .hasMessageContaining("QUICK").hasMessageContaining("CFT_NO_NU");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--frobnicate", "1"}))
                .hasMessageContaining("unknown option --frobnicate");
    }
}
