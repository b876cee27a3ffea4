package io.storehub.hub.tenant;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.storehub.hub.support.HeadlessChromium;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console by tenant in a real browser (headless Chromium and the Debian chromedriver, as ConsoleBrowserTest): a tenant's
 * user sees only its tenant; the global admin picks a tenant on the events and dead-letters pages and sees the refused
 * tenant file on the destinations page. Screenshots under target/console-screenshots/.
 */
class TenantConsoleBrowserTest extends TenantAccessSupport {

    private static HeadlessChromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = HeadlessChromium.start("tenant-console-browser-");
        browser = chromium.driver();
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void aTenantsUserSignsInAndSeesOnlyItsTenantsEventsAndDestinations() throws Exception {
        String id = sameIdAtBothTenantsAndTheHub();
        String hubOnly = Webhooks.newId();
        assertThat(webhook(null, hubOnly)).isEqualTo(200);
        awaitEvent(hubOnly, e -> true);
        signIn(null, "alice", "alice-password");
        assertThat(browser.findElement(By.cssSelector("header .user")).getText()).isEqualTo("alice (acme)");

        browser.get(url("/console/events?q=" + id));
        wait(20).until(d -> !rows().isEmpty());
        assertThat(rows()).containsExactly("acme~" + id);
        assertThat(browser.findElements(By.id("tenant-picker"))).as("no picker for a tenant's user").isEmpty();
        assertThat(browser.findElement(By.id("scope-tenant")).getText()).contains("acme");
        screenshot("tenant-user-events");

        browser.findElement(By.cssSelector("tr[data-event-id='acme~" + id + "'] a.event-link")).click();
        wait(20).until(d -> d.getCurrentUrl().endsWith("/console/events/acme~" + id));
        // globex's event, or the hub's own, is not found, as an unknown one (a short id is acme's own: acme~<id>)
        for (String other : List.of("globex~" + id, hubOnly, "acme~" + Webhooks.newId())) {
            browser.get(url("/console/events/" + other));
            assertThat(browser.findElement(By.tagName("h1")).getText()).as(other).isEqualTo("Error 404");
        }

        browser.get(url("/console/destinations"));
        assertThat(browser.findElements(By.cssSelector("table.destinations tr[data-destination]")).stream()
                .map(r -> r.getAttribute("data-destination"))).containsExactly("acme~sink");
        assertThat(browser.findElements(By.id("tenant-refusals"))).as("refused files: the global admin's").isEmpty();
        assertThat(browser.findElements(By.id("send-test-event"))).as("test events: the hub's own webhook").isEmpty();
        screenshot("tenant-user-destinations");
    }

    @Test
    void theGlobalAdminPicksATenantOnTheEventsAndDeadLettersPagesAndSeesTheRefusedTenantFile() throws Exception {
        String id = sameIdAtBothTenantsAndTheHub();
        awaitEvent("globex~" + id, e -> "parked".equals(deliveryStatus(e, "globex~sink")));
        signIn(GLOBAL_TOKEN, null, null);

        browser.get(url("/console/events?q=" + id));
        wait(20).until(d -> rows().size() == 3);
        assertThat(rows()).containsExactlyInAnyOrder("acme~" + id, "globex~" + id, id);
        new Select(browser.findElement(By.id("tenant-picker"))).selectByValue("acme");
        browser.findElement(By.id("search")).click();
        wait(20).until(d -> d.getCurrentUrl().contains("tenant=acme"));
        assertThat(rows()).containsExactly("acme~" + id);
        assertThat(new Select(browser.findElement(By.id("tenant-picker"))).getFirstSelectedOption().getText()).isEqualTo("acme");
        screenshot("global-admin-picks-acme");

        browser.get(url("/console/dead-letters"));
        new Select(browser.findElement(By.id("tenant-picker"))).selectByValue("acme");
        browser.findElement(By.id("tenant-show")).click();
        wait(20).until(d -> d.getCurrentUrl().contains("tenant=acme"));
        assertThat(browser.findElement(By.cssSelector("table.dead-letters")).getText()).doesNotContain("globex~" + id);
        new Select(browser.findElement(By.id("tenant-picker"))).selectByValue("globex");
        browser.findElement(By.id("tenant-show")).click();
        wait(20).until(d -> d.getCurrentUrl().contains("tenant=globex"));
        assertThat(browser.findElement(By.cssSelector("table.dead-letters")).getText()).contains("globex~" + id);
        screenshot("global-admin-dead-letters-globex");

        browser.get(url("/console/destinations"));
        WebElement refusals = wait(20).until(d -> d.findElements(By.id("tenant-refusals")).stream().findFirst().orElse(null));
        assertThat(refusals.getText()).contains("broken.yaml", "storeganise.tenants.broken.destinations.sink.url");
        screenshot("global-admin-refused-tenant-file");
    }

    // ---------------------------------------------------------------- helpers


    private void signIn(String token, String user, String password) {
        browser.manage().deleteAllCookies();
        browser.get(url("/console"));
        wait(10).until(d -> d.getCurrentUrl().endsWith("/console/login"));
        if (token != null) {
            browser.findElement(By.id("token")).sendKeys(token);
        } else {
            browser.findElement(By.id("username")).sendKeys(user);
            browser.findElement(By.id("password")).sendKeys(password);
        }
        browser.findElement(By.id("sign-in")).click();
        wait(10).until(d -> d.getCurrentUrl().endsWith("/console"));
    }

    /** The event ids listed on the events page. */
    private static List<String> rows() {
        return browser.findElements(By.cssSelector("table.events tr[data-event-id]")).stream().map(r -> r.getAttribute("data-event-id")).toList();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(200));
    }

    private static void screenshot(String name) throws IOException {
        chromium.screenshot(name);
    }
}
