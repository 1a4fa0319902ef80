package dev.dynsecret.buildsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages, driven
 * through {@code /usr/bin/chromedriver}. Both paths are given, so Selenium Manager never looks for
 * (or downloads) a browser or a driver. Missing packages skip the test with a message saying how
 * to install them; {@code .ci/run} installs them.
 *
 * <p>For the console's browser tests (in {@code dynsecret-console} and the Spring Boot starter).
 * Selenium and JUnit are {@code provided} here: a module that uses this class brings them in its
 * own test scope, and no other module's tests see Selenium.
 */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** The browser, for the test to drive. */
  public final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Starts a headless browser, or skips the calling test when Chromium is not installed.
   *
   * @return the browser; close it when done
   */
  public static Browser start() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " is missing; install"
            + " them with: apt-get install -y chromium chromium-driver (.ci/run does)");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--window-size=1280,860", "--force-device-scale-factor=1", "--disable-gpu",
        "--no-first-run", "--disable-extensions", "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new Browser(new ChromeDriver(service, options));
  }

  /**
   * A wait for conditions on the page.
   *
   * @param timeout how long before the wait fails
   * @return the wait
   */
  public WebDriverWait waiting(Duration timeout) {
    return new WebDriverWait(driver, timeout);
  }

  /**
   * Saves a screenshot as {@code console-<name>.png} in the folder the system property {@code
   * dynsecret.screenshotDir} names, else in target/screenshots (docs/console.md says how to
   * refresh the docs' copies).
   *
   * @param name the view shown
   */
  public void screenshot(String name) {
    Path dir = Path.of(System.getProperty("dynsecret.screenshotDir", "target/screenshots"));
    try {
      Files.createDirectories(dir);
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, dir.resolve("console-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
