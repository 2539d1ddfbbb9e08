package fitmon.broker.readapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import fitmon.broker.access.ConsoleTokens;
import fitmon.testkit.ConsoleTokenFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

/** What the read API remembers of the tokens it checked: valid ones only, and a bounded number. */
class ReadAccessTest {

    private static ConsoleTokenFixture tokens;

    @BeforeAll
    static void tokens() throws Exception {
        tokens = new ConsoleTokenFixture();
    }

    @AfterAll
    static void stop() {
        tokens.close();
    }

    @Test
    void aFloodOfValidTokensIsRememberedUpToTheBoundAndRefusedTokensNotAtAll() {
        ReadAccess access = new ReadAccess(new ConsoleTokens(tokens.jwksUrl()));
        for (int i = 0; i < ReadAccess.MAX_REMEMBERED + 50; i++) {
            access.require("Bearer " + tokens.token("reader-" + i, List.of("*"), Instant.now().plusSeconds(600)));
        }
        assertThat(access.rememberedCount()).isEqualTo(ReadAccess.MAX_REMEMBERED);

        ReadAccess fresh = new ReadAccess(new ConsoleTokens(tokens.jwksUrl()));
        for (int i = 0; i < 100; i++) {
            try {
                fresh.require("Bearer " + tokens.token("late-" + i, List.of("*"), Instant.now().minusSeconds(600)));
            } catch (ErrorResponseException refused) {
                assertThat(refused.getStatusCode().value()).isEqualTo(401);
            }
        }
        assertThat(fresh.rememberedCount()).isZero();
    }
}
