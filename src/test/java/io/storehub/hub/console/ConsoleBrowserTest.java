package io.storehub.hub.console;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.storehub.hub.deliver.DestinationHealth;
import io.storehub.hub.deliver.DestinationRegistry;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.HeadlessChromium;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser: headless Chromium (Debian packages chromium and chromium-driver,
 * installed by bin/ensure-browser) driven by Selenium through the system chromedriver, so nothing is
 * downloaded. Screenshots are saved under target/console-screenshots/.
 */
class ConsoleBrowserTest extends ConsoleTestSupport {

    private static HeadlessChromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = HeadlessChromium.start("console-browser-");
        browser = chromium.driver();
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void anOperatorSendsATestEventFindsItSeesItsDeliveryParkedReplaysItAndSeesItDelivered() throws Exception {
        // the CRM refuses what it is sent (400: parked at once), the Slack channel takes it
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).atPriority(1)
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"unknown custom field\"}")));
        signIn();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");
        assertThat(browser.findElements(By.cssSelector("svg.chart rect.bar"))).hasSize(60);

        screenshot("overview");
        browser.findElement(By.linkText("Destinations")).click();
        screenshot("destinations");
        new Select(browser.findElement(By.id("test-event-type"))).selectByValue("job.unit_moveIn.created");
        browser.findElement(By.id("send-test-event")).click();

        wait(20).until(d -> d.getCurrentUrl().contains("/console/events?notice=sent"));
        String notice = browser.findElement(By.id("notice")).getText();
        assertThat(notice).contains("HTTP 200");
        String id = browser.getCurrentUrl().replaceAll(".*[?&]event=([0-9a-f]+).*", "$1");
        assertThat(id).matches("[0-9a-f]{24}");
        // the list refreshes by itself until the event is there
        WebElement row = wait(30).until(d -> d.findElements(By.cssSelector("tr[data-event-id='" + id + "']")).stream().findFirst().orElse(null));
        assertThat(row.getText()).contains("job.unit_moveIn.created");
        screenshot("events");

        clickWhenStable(By.cssSelector("tr[data-event-id='" + id + "'] a.event-link"));
        wait(20).until(d -> d.getCurrentUrl().endsWith("/console/events/" + id));
        assertThat(browser.findElement(By.id("event-id")).getText()).isEqualTo(id);
        wait(30).until(d -> "parked".equals(deliveryStatus(d, "ops-crm")));
        assertThat(browser.findElement(By.cssSelector("#live table.timeline")).getText()).contains("parked", "400");
        screenshot("event-parked");
        browser.findElement(By.linkText("Dead letters")).click();
        assertThat(browser.findElement(By.cssSelector("table.dead-letters")).getText()).contains(id);
        browser.findElement(By.cssSelector("input[data-select-all]")).click();
        assertThat(browser.findElements(By.cssSelector("table.dead-letters input[name=id]"))).isNotEmpty()
                .allSatisfy(box -> assertThat(box.isSelected()).as("checked by the select-all box (console.js)").isTrue());
        screenshot("dead-letters");
        browser.navigate().back();

        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).atPriority(1).willReturn(okJson("{\"received\":true}")));
        clickWhenStable(By.cssSelector("#live tr[data-destination='ops-crm'] button.replay"));

        wait(20).until(d -> d.getCurrentUrl().contains("notice=replayed"));
        wait(30).until(d -> "delivered".equals(deliveryStatus(d, "ops-crm")));
        // the delivery record is committed with the attempt, the history's "replayed" step up to ~0.5 s later
        // (the page refreshes its live part by itself)
        String timeline = wait(30).ignoring(StaleElementReferenceException.class).until(d -> {
            String text = d.findElement(By.cssSelector("#live table.timeline")).getText();
            return text.contains("by console: admin") ? text : null;
        });
        assertThat(timeline).contains("replayed", "by console: admin", "delivered");
        assertThat(requestsMentioning(id).stream().filter(r -> r.getUrl().startsWith(CRM_PATH))).hasSize(2);
        screenshot("event-delivered");
    }

    @Test
    void anOperatorPreviewsTheParkedDeliveriesOfAFilterThenReplaysThemAndEachIsDeliveredOnce() throws Exception {
        Instant from = Instant.now();
        List<String> ids = new ArrayList<>();
        DestinationHealth health = camelContext.getRegistry().findSingleByType(DestinationHealth.class);
        for (String type : List.of("job.unit_moveIn.created", "job.unit_moveIn.created", "job.unit_moveIn.started")) {
            String id = Webhooks.newId();
            DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                    .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"unknown customer\"}")));
            Exchange success = new DefaultExchange(camelContext); // each tried at once: no back-off after failures in a row
            success.setProperty(DestinationRegistry.DESTINATION, "ops-crm");
            health.succeeded(success);
            postBody(Webhooks.event(id, type, Instant.now(), jobEvent(JOB)));
            awaitEvent(id, e -> "parked".equals(delivery(e, "ops-crm").path("status").asText()));
            ids.add(id);
        }
        signIn();
        browser.findElement(By.linkText("Destinations")).click();
        new Select(browser.findElement(By.id("replay-destination"))).selectByValue("ops-crm");
        browser.findElement(By.id("replay-type")).sendKeys("job.unit_moveIn.created");
        browser.findElement(By.id("replay-from")).sendKeys(from.toString());
        browser.findElement(By.id("replay-preview")).click();

        wait(20).until(d -> d.getCurrentUrl().contains("/console/dead-letters?destination=ops-crm"));
        assertThat(browser.findElement(By.id("replay-matched")).getText()).startsWith("2 deliveries match");
        assertThat(browser.findElements(By.cssSelector("table.replay-sample tr[data-event-id]")).stream().map(r -> r.getAttribute("data-event-id")))
                .containsExactlyInAnyOrder(ids.get(0), ids.get(1));
        assertThat(browser.findElement(By.id("replay-filtered")).getText()).isEqualTo("Replay 2 deliveries");
        screenshot("bulk-replay-preview");
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).atPriority(1).willReturn(okJson("{\"received\":true}")));
        browser.findElement(By.id("replay-filtered")).click();
        wait(5).until(ExpectedConditions.alertIsPresent()).accept();

        wait(20).until(d -> d.getCurrentUrl().contains("notice=bulk-replayed"));
        assertThat(browser.findElement(By.id("notice")).getText()).startsWith("Replayed 2 of 2 matched deliveries");
        assertThat(browser.findElement(By.id("bulk-replays")).getText()).contains("by console: admin, 2 deliveries");
        screenshot("bulk-replay-done");
        for (String id : ids.subList(0, 2)) {
            awaitEvent(id, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText()));
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                    .until(() -> requestsMentioning(id).stream().filter(r -> r.getUrl().startsWith(CRM_PATH)).count() == 2);
        }
        assertThat(delivery(adminJson("/admin/events/" + ids.get(2)), "ops-crm").get("status").asText()).isEqualTo("parked");
    }

    @Test
    void aCustomerNamedLikeAScriptIsShownAsTextAndNothingRuns() {
        String user = Webhooks.newId();
        String script = "<script>alert(1)</script>";
        StoreganiseStub.get().server().stubFor(get(urlPathEqualTo(StoreganiseStub.API + "/v1/admin/users/" + user)).atPriority(1)
                .withHeader("Authorization", equalTo("ApiKey " + StoreganiseStub.KEY))
                .willReturn(StoreganiseStub.json(200, "{\"id\":\"" + user + "\",\"name\":\"" + script + "\",\"email\":\"xss@example.com\"}")));
        String id = postEvent("user.created", "{\"userId\":\"" + user + "\"}");
        awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));
        signIn();

        browser.get(hubUrl("/console/events?entity=" + user));
        WebElement row = wait(20).until(d -> d.findElements(By.cssSelector("tr[data-event-id='" + id + "']")).stream().findFirst().orElse(null));
        assertThat(row.getText()).contains(script);
        browser.get(hubUrl("/console/events/" + id));
        assertThat(browser.findElement(By.id("customer")).getText()).contains(script);
        assertThat(browser.findElement(By.id("enriched-body")).getText()).contains(script);
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.findElements(By.xpath("//script[not(@src)]"))).as("no inline script element in the page").isEmpty();
    }

    private void signIn() {
        browser.manage().deleteAllCookies();
        browser.get(hubUrl("/console"));
        wait(10).until(d -> d.getCurrentUrl().endsWith("/console/login"));
        browser.findElement(By.id("token")).sendKeys(ADMIN_TOKEN);
        browser.findElement(By.id("sign-in")).click();
        wait(10).until(d -> d.getCurrentUrl().endsWith("/console"));
    }

    /** The status shown for a destination in the event page's deliveries table (which refreshes itself). */
    private static String deliveryStatus(WebDriver d, String destination) {
        try {
            List<WebElement> cells = d.findElements(By.cssSelector("#live tr[data-destination='" + destination + "'] .delivery-status"));
            return cells.isEmpty() ? null : cells.get(0).getText();
        } catch (StaleElementReferenceException refreshed) {
            return null;
        }
    }

    /** Clicks an element of a part that refreshes itself: found again if it was replaced meanwhile. */
    private static void clickWhenStable(By by) {
        wait(20).until(d -> {
            try {
                d.findElement(by).click();
                return true;
            } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException replaced) {
                return false;
            }
        });
    }

    private static WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(200));
    }

    private static void screenshot(String name) throws IOException {
        chromium.screenshot(name);
    }
}
