package io.storehub.hub.recipes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.storehub.hub.deliver.DestinationHealth;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recipe failure-alert across a restart: the incident is kept in the database, so a hub restarted while
 * the destination still fails sends no second open message, and one recovery message when it delivers again.
 */
class RecipeFailureAlertRestartTest {

    private static final String ALERTS_PATH = "/services/T0/B0/ALERTS";

    @TempDir
    Path dataDir;

    WireMockServer slack;
    WireMockServer crm;

    @BeforeEach
    void start() {
        slack = new WireMockServer(options().dynamicPort());
        slack.start();
        slack.stubFor(post(urlPathEqualTo(ALERTS_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        crm = new WireMockServer(options().dynamicPort());
        crm.start();
        crm.stubFor(post(urlPathEqualTo("/hooks")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad site\"}")));
    }

    @AfterEach
    void stop() {
        slack.stop();
        crm.stop();
    }

    private ConfigurableApplicationContext hub() {
        return HubProcess.start(dataDir,
                "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops-alerts",
                "storeganise.recipes.failure-alert.interval=PT1H",
                "storeganise.recipes.failure-alert.check-every=1h",
                "storeganise.destinations.ops-alerts.type=slack",
                "storeganise.destinations.ops-alerts.webhook-url=" + slack.baseUrl() + ALERTS_PATH,
                "storeganise.destinations.crm.type=http",
                "storeganise.destinations.crm.url=" + crm.baseUrl() + "/hooks",
                "storeganise.subscriptions[0].events[0]=site.*",
                "storeganise.subscriptions[0].to[0]=crm");
    }

    private static void postSite(ConfigurableApplicationContext hub) {
        String body = Webhooks.event(Webhooks.newId(), "site.updated", Instant.now(), "{\"siteId\":\"" + Webhooks.newId() + "\"}");
        assertThat(Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body)).statusCode()).isEqualTo(200);
    }

    private static DestinationHealth health(ConfigurableApplicationContext hub) {
        return HubProcess.camel(hub).getRegistry().lookupByNameAndType("destinationHealth", DestinationHealth.class);
    }

    private static void check(ConfigurableApplicationContext hub) {
        HubProcess.camel(hub).createProducerTemplate().requestBody("direct:recipe-failure-alert", (Object) null);
    }

    private List<String> alertsAboutCrm() {
        return slack.findAll(postRequestedFor(urlPathEqualTo(ALERTS_PATH))).stream()
                .map(r -> r.getBodyAsString()).filter(t -> t.contains("`crm`")).toList();
    }

    @Test
    void aRestartedHubKeepsTheIncident() {
        try (ConfigurableApplicationContext hub = hub()) {
            postSite(hub);
            await().atMost(Duration.ofSeconds(30)).until(() -> health(hub).describe("crm").containsKey("lastFailureAt"));
            check(hub);
            assertThat(alertsAboutCrm()).as("the open message").hasSize(1);
        }

        try (ConfigurableApplicationContext hub = hub()) {
            postSite(hub);
            await().atMost(Duration.ofSeconds(30)).until(() -> health(hub).describe("crm").containsKey("lastFailureAt"));
            check(hub);
            assertThat(alertsAboutCrm()).as("still failing after the restart: no second open message").hasSize(1);

            crm.stubFor(post(urlPathEqualTo("/hooks")).willReturn(aResponse().withStatus(200)));
            postSite(hub);
            await().atMost(Duration.ofSeconds(30)).until(() -> "ok".equals(health(hub).describe("crm").get("state")));
            check(hub);
            List<String> alerts = alertsAboutCrm();
            assertThat(alerts).as("one recovery message").hasSize(2);
            assertThat(alerts.get(1)).contains("*`crm` recovered*", "Failed during the incident: 2 deliveries; still parked: 2");
        }
    }
}
