package fitmon.console.it;

import java.util.List;
import java.util.stream.Collectors;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The dashboard's steps as a user takes them, for tests whose subject is elsewhere. */
final class ConsolePage {

    private final Browser browser;
    private final String url;

    ConsolePage(Browser browser, String url) {
        this.browser = browser;
        this.url = url;
    }

    void signIn(String keyId, String secret) {
        browser.open(url + "/");
        browser.awaitVisible("#signin-form");
        browser.type("#signin-key-id", keyId);
        browser.type("#signin-secret", secret);
        browser.find("#signin-submit").click();
        browser.awaitPresent("#channels[data-loaded='true']");
        browser.awaitPresent("#token-status[data-token='ok']");
    }

    void createChannel(String tag, String channelClass) {
        browser.type("#create-tag", tag);
        new Select(browser.find("#create-class")).selectByValue(channelClass);
        browser.find("#create-submit").click();
        browser.awaitVisible("tr[data-tag='" + tag + "']");
    }

    void openLive(String tag, int replicas) {
        browser.find("tr[data-tag='" + tag + "'] a[data-action='open']").click();
        browser.awaitPresent("#live-view[data-live='true'][data-tag='" + tag + "']");
        browser.await("all " + replicas + " replicas subscribed",
                d -> browser.findAll("#replicas li[data-state='subscribed']").size() == replicas);
    }

    /** Shown events, newest first. */
    List<WebElement> eventRows() {
        return browser.findAll("#event-rows tr");
    }

    static String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector("td[data-col='" + column + "']")).getText();
    }

    /** The banner's entries as "replica:problem". */
    List<String> bannerProblems() {
        // The page re-renders the banner as copies arrive: read it again if it changed under us.
        for (int attempt = 0; ; attempt++) {
            try {
                return browser.findAll("#banner-list li").stream()
                        .map(li -> li.getAttribute("data-replica") + ":" + li.getAttribute("data-problem"))
                        .collect(Collectors.toList());
            } catch (org.openqa.selenium.StaleElementReferenceException rerendered) {
                if (attempt == 10) {
                    throw rerendered;
                }
            }
        }
    }
}
