package fitmon.console.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.testkit.BrokerCluster;
import fitmon.testkit.FitmonSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replicas that let the console down, as the people watching must see it: replica 2 alters every
 * event it delivers (the broker's test-only switch), and later replica 3 is killed. The page
 * still shows each event once, with the probe's own data and a verified signature, and its
 * banner names replica 2 for its different copies and replica 3 for its silence.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ConsoleFaultIT {

    private static final String TAG = "it.faults";
    private static final int LIAR = 2;
    private static final int CRASHED = 3;

    private static FitmonSuite suite;
    private static ConsoleServer console;
    private static Browser browser;
    private static ConsolePage page;
    private static TestProbe probe;

    @BeforeAll
    static void start() throws Exception {
        Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "it-console-faults-");
        suite = FitmonSuite.start(directory, 1, List.of("--fitmon.gateway.registry.cache-ttl=1s"), List.of(),
                Map.of(LIAR, List.of("-Dfitmon.test.allow-fault-injection=true",
                        "--fitmon.broker.delivery.fault-injection.alter-events=true")));
        console = ConsoleServer.start(suite.gatewayUrl(), directory);
        browser = Browser.start();
        page = new ConsolePage(browser, console.url());
        page.signIn(suite.adminKey().keyId(), suite.adminKey().secret());
        page.createChannel(TAG, "BFT");
        probe = TestProbe.enroll(suite.gatewayClient(), suite.adminKey(), "web-02", SignatureAlgorithm.ES256);
        probe.register(TAG);
        page.openLive(TAG, 4);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (console != null) {
            console.close();
        }
        if (suite != null) {
            suite.close();
        }
    }

    private static ObjectNode data(long n) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("temp", 20 + n);
        return data;
    }

    @Test
    @Order(1)
    void theAlteredCopiesAreOutvotedAndTheReplicaIsNamed() {
        for (int i = 0; i < 3; i++) {
            probe.publish(TAG, ConsoleFaultIT::data);
        }
        browser.await("3 events, each voted by the three honest replicas", d -> {
            List<WebElement> rows = page.eventRows();
            return rows.size() == 3 && rows.stream().allMatch(r -> "3/4".equals(ConsolePage.cell(r, "votes")));
        });
        List<WebElement> rows = page.eventRows();
        assertThat(rows).extracting(r -> ConsolePage.cell(r, "data"))
                .containsExactly("{\"temp\":23}", "{\"temp\":22}", "{\"temp\":21}");
        browser.await("signatures verified", d -> page.eventRows().stream()
                .allMatch(r -> "verified".equals(r.findElement(org.openqa.selenium.By.cssSelector(
                        "td[data-col='signature']")).getAttribute("data-signature"))));
        browser.await("replica " + LIAR + " named in the banner",
                d -> page.bannerProblems().contains(LIAR + ":different"));
        assertThat(browser.find("#banner").isDisplayed()).isTrue();
        assertThat(browser.find("#banner-list li[data-replica='" + LIAR + "']").getText())
                .contains("replica " + LIAR).contains("different from the voted one");
        assertThat(page.bannerProblems()).containsExactly(LIAR + ":different");
        assertThat(browser.find("#replicas li[data-replica='" + LIAR + "']").getAttribute("data-problem"))
                .isEqualTo("true");
    }

    @Test
    @Order(2)
    void aKilledReplicaIsNamedAsSilentWhileTheOthersStillDeliver() throws Exception {
        suite.brokers().replica(CRASHED).kill();
        for (int i = 0; i < 3; i++) {
            probe.publish(TAG, ConsoleFaultIT::data);
        }
        browser.await("6 events shown", d -> page.eventRows().size() == 6);
        List<WebElement> rows = page.eventRows();
        assertThat(rows).extracting(r -> r.getAttribute("data-seq")).containsExactly("6", "5", "4", "3", "2", "1");
        // released on the two honest copies left, the altered one does not count
        assertThat(rows.subList(0, 3)).extracting(r -> ConsolePage.cell(r, "votes")).containsOnly("2/4");
        assertThat(rows.subList(0, 3)).extracting(r -> ConsolePage.cell(r, "data"))
                .containsExactly("{\"temp\":26}", "{\"temp\":25}", "{\"temp\":24}");
        browser.await("replica " + CRASHED + " named as silent",
                d -> page.bannerProblems().contains(CRASHED + ":silent"));
        assertThat(page.bannerProblems()).contains(LIAR + ":different");
        assertThat(browser.find("#replicas li[data-replica='" + CRASHED + "']").getAttribute("data-state"))
                .isIn("closed", "connecting");
        browser.screenshot("live-bft-faulty-replicas");
    }

    /** The channel's last sequence number on one replica's read API, 0 while it does not know the channel. */
    private static long lastSeqAt(int replica) {
        tools.jackson.databind.JsonNode channel = suite.brokers().get(replica, "/api/v1/channels/" + TAG);
        return channel == null ? 0 : channel.path("lastSeq").asLong();
    }

    @Test
    @Order(3)
    void theRestartedReplicaIsResumedWhereItStoppedAndCountsAgain() throws Exception {
        suite.brokers().replica(CRASHED).start();
        BrokerCluster.await("replica " + CRASHED + " to answer again", Duration.ofMinutes(3),
                () -> suite.brokers().replicaStatus(CRASHED) != null);
        // traffic after the restart lets the replica notice it is behind and ask for the state
        long published = 6;
        while (lastSeqAt(CRASHED) < published) {
            probe.publish(TAG, ConsoleFaultIT::data);
            published++;
            Thread.sleep(500);
        }
        long total = published;
        browser.await("replica " + CRASHED + " subscribed again",
                d -> browser.findAll("#replicas li[data-replica='" + CRASHED + "'][data-state='subscribed']").size() == 1);
        browser.await("every event from #4 on voted by the three honest replicas", d -> {
            List<WebElement> rows = page.eventRows();
            return rows.size() == total && rows.subList(0, rows.size() - 3).stream()
                    .allMatch(r -> "3/4".equals(ConsolePage.cell(r, "votes")));
        });
        // resumed with from-seq after its last copy: each event still shown exactly once, in order
        List<String> seqs = page.eventRows().stream().map(r -> r.getAttribute("data-seq")).toList();
        assertThat(seqs).hasSize((int) total).doesNotHaveDuplicates().first().isEqualTo(String.valueOf(total));
        browser.await("replica " + CRASHED + " no longer silent",
                d -> !page.bannerProblems().contains(CRASHED + ":silent"));
        assertThat(page.bannerProblems()).containsExactly(LIAR + ":different");
    }
}
