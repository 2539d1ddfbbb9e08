package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import org.junit.jupiter.api.Test;

/**
 * BFT-SMaRt was measured on Netty 4.1.115.Final; the parent pom pins it against Spring Boot's
 * dependency management, which would otherwise move it to 4.2. This fails if the pin slips.
 */
class NettyVersionTest {

    @Test
    void theLibraryRunsOnThePinnedNetty() {
        assertThat(Version.identify().values())
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v.artifactVersion()).isEqualTo("4.1.115.Final"));
    }
}
