package fitmon.console.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.testkit.FitmonSuite;
import fitmon.testkit.SignedHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dashboard in headless Chromium against the whole back end in real processes (registry, four
 * replicas, gateway) and the console server: sign in with an API key, create a BFT channel, see an
 * enrolled probe's events arrive from every replica, voted 4/4, signatures verified, plotted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ConsoleIT {

    private static final String TAG = "it.cpu";
    private static final int EVENTS = 6;

    private static FitmonSuite suite;
    private static ConsoleServer console;
    private static Browser browser;
    private static SignedHttp gateway;
    private static SignedHttp.ApiKey admin;
    private static final List<TestProbe> probes = new java.util.ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // a new directory per run: the registry keeps its database there
        Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "it-console-");
        suite = FitmonSuite.start(directory, 1, List.of("--fitmon.gateway.registry.cache-ttl=1s"));
        gateway = suite.gatewayClient();
        admin = suite.adminKey();
        console = ConsoleServer.start(suite.gatewayUrl(), directory);
        browser = Browser.start();
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

    @Test
    @Order(1)
    void signsInWithAnApiKeyAndObtainsAConsoleToken() {
        browser.open(console.url() + "/");
        browser.awaitPresent("#app-status[data-ready='true']");
        browser.awaitVisible("#signin-form");
        browser.type("#signin-key-id", admin.keyId());
        browser.type("#signin-secret", "not-the-secret");
        browser.find("#signin-submit").click();
        browser.await("refusal shown", d -> browser.find("#signin-error").getText().contains("BAD_SIGNATURE"));
        assertThat(browser.find("#channels-view").isDisplayed()).isFalse();

        browser.type("#signin-secret", admin.secret());
        browser.find("#signin-submit").click();
        browser.awaitVisible("#channels-view");
        browser.awaitPresent("#channels[data-loaded='true']");
        browser.awaitPresent("#token-status[data-token='ok']");
        assertThat(browser.find("#who").getText()).isEqualTo(admin.keyId());
        assertThat(browser.find("#signin-secret").getAttribute("value")).isEmpty();
    }

    @Test
    @Order(2)
    void createsABftChannelThatTheListShows() {
        browser.type("#create-tag", TAG);
        new Select(browser.find("#create-class")).selectByValue("BFT");
        browser.find("#create-submit").click();
        WebElement row = browser.awaitVisible("tr[data-tag='" + TAG + "']");
        assertThat(row.findElement(By.cssSelector("td[data-col='class']")).getText()).isEqualTo("BFT");
        assertThat(row.findElement(By.cssSelector("td[data-col='probes']")).getAttribute("data-count")).isEqualTo("0");
        assertThat(browser.find("#create-error").getText()).isEmpty();
    }

    @Test
    @Order(3)
    void aRegisteredProbeAppearsInTheChannelList() throws Exception {
        TestProbe probe = TestProbe.enroll(gateway, admin, "web-01", SignatureAlgorithm.ED25519);
        probe.register(TAG);
        browser.find("#refresh-channels").click();
        browser.await("web-01 listed on " + TAG, d -> browser
                .find("tr[data-tag='" + TAG + "'] td[data-col='probes']").getText().contains("web-01"));
        probes.add(probe);
    }

    @Test
    @Order(4)
    void liveViewShowsEveryEventVotedByAllReplicasWithAVerifiedSignatureAndPlotsIt() throws Exception {
        browser.find("tr[data-tag='" + TAG + "'] a[data-action='open']").click();
        browser.awaitPresent("#live-view[data-live='true']");
        assertThat(browser.find("#live-class").getText()).isEqualTo("BFT");
        browser.await("every replica subscribed",
                d -> browser.findAll("#replicas li[data-state='subscribed']").size() == 4);

        TestProbe probe = probes.get(0);
        for (int i = 0; i < EVENTS; i++) {
            probe.publish(TAG, n -> {
                ObjectNode data = JsonNodeFactory.instance.objectNode();
                data.put("load1", (n * 37 % 10) / 10.0);
                data.put("n", n);
                data.put("host", "web-01");
                return data;
            });
        }

        browser.await(EVENTS + " events shown", d -> browser.findAll("#event-rows tr").size() == EVENTS);
        browser.await("every event voted by all four replicas", d -> browser
                .findAll("#event-rows td[data-col='votes']").stream().allMatch(td -> "4/4".equals(td.getText())));
        List<WebElement> rows = browser.findAll("#event-rows tr");
        // newest first, in channel order, each exactly once
        assertThat(rows).extracting(r -> r.getAttribute("data-seq")).containsExactly("6", "5", "4", "3", "2", "1");
        assertThat(rows).extracting(r -> r.getAttribute("data-probe")).containsOnly("web-01");
        browser.await("every signature verified", d -> browser.findAll("#event-rows td[data-col='signature']").stream()
                .allMatch(td -> "verified".equals(td.getAttribute("data-signature"))));
        assertThat(rows.get(0).findElement(By.cssSelector("td[data-col='data']")).getText())
                .isEqualTo("{\"host\":\"web-01\",\"load1\":0.2,\"n\":6}");

        WebElement line = browser.awaitVisible("#charts figure[data-field='load1'] polyline");
        assertThat(line.getAttribute("data-points")).isEqualTo(String.valueOf(EVENTS));
        assertThat(line.getAttribute("points").split(" ")).hasSize(EVENTS);
        assertThat(browser.findAll("#charts figure[data-field='n']")).hasSize(1);
        assertThat(browser.findAll("#charts figure[data-field='host']")).isEmpty();
        assertThat(browser.find("#banner").isDisplayed()).isFalse();
        browser.screenshot("live-bft-channel");
    }

    @Test
    @Order(5)
    void anUrgentUnorderedChannelShowsEachEventOnItsFirstCopyKeyedByProbeAndSeq() {
        String tag = "it.alerts";
        browser.open(console.url() + "/#/channels");
        browser.awaitPresent("#channels[data-loaded='true']");
        browser.type("#create-tag", tag);
        new Select(browser.find("#create-class")).selectByValue("CFT_NO_U");
        browser.find("#create-submit").click();
        browser.awaitVisible("tr[data-tag='" + tag + "']");
        TestProbe probe = probes.get(0);
        probe.register(tag);
        browser.find("tr[data-tag='" + tag + "'] a[data-action='open']").click();
        browser.awaitPresent("#live-view[data-live='true'][data-tag='" + tag + "']");
        assertThat(browser.find("#live-class").getText()).isEqualTo("CFT_NO_U");
        browser.await("every replica subscribed",
                d -> browser.findAll("#replicas li[data-state='subscribed']").size() == 4);

        List<Long> seqs = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            probe.publish(tag, n -> {
                ObjectNode data = JsonNodeFactory.instance.objectNode();
                data.put("severity", n);
                return data;
            });
            seqs.add(probe.lastSeq());
        }
        browser.await("3 alerts shown and every copy compared",
                d -> browser.findAll("#event-rows tr").size() == 3 && browser.findAll("#event-rows td[data-col='votes']")
                        .stream().allMatch(td -> "4/4".equals(td.getText())));
        assertThat(browser.findAll("#event-rows tr")).extracting(r -> r.getAttribute("data-key")).containsExactly(
                tag + "|web-01|" + seqs.get(2), tag + "|web-01|" + seqs.get(1), tag + "|web-01|" + seqs.get(0));
        browser.await("signatures verified", d -> browser.findAll("#event-rows td[data-col='signature']").stream()
                .allMatch(td -> "verified".equals(td.getAttribute("data-signature"))));
        assertThat(browser.find("#banner").isDisplayed()).isFalse();
    }

    @Test
    @Order(6)
    void deletesAChannelAfterConfirmation() {
        browser.open(console.url() + "/#/channels");
        browser.awaitPresent("#channels[data-loaded='true']");
        browser.type("#create-tag", "it.scratch");
        new Select(browser.find("#create-class")).selectByValue("CFT_O");
        browser.find("#create-submit").click();
        browser.awaitVisible("tr[data-tag='it.scratch']");

        WebElement delete = browser.find("tr[data-tag='it.scratch'] button[data-action='delete']");
        delete.click();
        assertThat(delete.getAttribute("data-confirm")).isEqualTo("true");
        delete.click();
        browser.await("it.scratch gone", d -> browser.findAll("tr[data-tag='it.scratch']").isEmpty());
        assertThat(gateway.get(admin, "/api/v1/channels/it.scratch").statusCode()).isEqualTo(404);
        assertThat(browser.findAll("tr[data-tag='" + TAG + "']")).hasSize(1);
    }
}
