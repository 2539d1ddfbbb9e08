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

    @Test
    void aTokenThatCannotBeCheckedIsA503NotARefusal() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ReadAccess access = new ReadAccess(new ConsoleTokens("http://127.0.0.1:" + closed + "/api/v1/tokens/jwks.json"));
        String bearer = "Bearer " + tokens.token("reader", List.of("*"), Instant.now().plusSeconds(600));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> access.require(bearer))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(503);
                    assertThat(e.getBody().getProperties()).containsEntry("code", "TOKEN_KEYS_UNAVAILABLE");
                    assertThat(e.getHeaders().getFirst("Retry-After")).isEqualTo("5");
                });
        assertThat(access.rememberedCount()).isZero();
    }
}
