package fitmon.console.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven through chromedriver, both from the system (Debian packages
 * {@code chromium} and {@code chromium-driver}; {@code fitmon.chromium} and
 * {@code fitmon.chromedriver} name other paths). Nothing is downloaded.
 */
final class Browser implements AutoCloseable {

    /** Long enough for a loaded machine; waits end as soon as their condition holds. */
    static final Duration PATIENCE = Duration.ofSeconds(90);

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Browser start() {
        File chromium = new File(System.getProperty("fitmon.chromium", "/usr/bin/chromium"));
        File chromedriver = new File(System.getProperty("fitmon.chromedriver", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !chromedriver.canExecute()) {
            throw new IllegalStateException("the browser tests need " + chromium + " and " + chromedriver
                    + ": apt-get install -y chromium chromium-driver (.ci/run does)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1200", "--no-first-run", "--no-default-browser-check");
        // the page's console (script errors, failed module loads) for the message of a wait that timed out
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits until the condition gives a non-null, non-false value, and returns it. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, PATIENCE).withMessage(what).pollingEvery(Duration.ofMillis(200))
                    // the page re-renders while we look
                    .ignoring(StaleElementReferenceException.class).until(condition);
        } catch (TimeoutException e) {
            throw new TimeoutException(e.getMessage() + "\n" + pageState(), e);
        }
    }

    /** Where the page stands, and what its console said: for a wait that timed out. */
    private String pageState() {
        StringBuilder state = new StringBuilder();
        try {
            state.append("page ").append(driver.getCurrentUrl()).append(", readyState ")
                    .append(script("return document.readyState")).append(", app ready ")
                    .append(script("const s = document.getElementById('app-status'); return s ? s.dataset.ready : 'no app-status'"))
                    .append("; browser console:");
            for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER).getAll()) {
                state.append("\n  ").append(entry.getLevel()).append(' ').append(entry.getMessage());
            }
        } catch (RuntimeException e) {
            state.append(" (could not read the page's state: ").append(e.getMessage()).append(')');
        }
        return state.toString();
    }

    WebElement awaitVisible(String css) {
        return await(css + " visible", d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
        });
    }

    /** Waits until an element matches, shown or not (state kept in data attributes). */
    WebElement awaitPresent(String css) {
        return await(css + " present", d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : found.get(0);
        });
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    void type(String css, String text) {
        WebElement input = find(css);
        input.clear();
        input.sendKeys(text);
    }

    Path screenshot(String name) throws IOException {
        Path directory = Path.of(System.getProperty("fitmon.screenshots", "target/screenshots"));
        Files.createDirectories(directory);
        Path target = directory.resolve(name + ".png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
