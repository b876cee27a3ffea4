package io.storehub.hub.recipes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.storehub.hub.deliver.DestinationHealth;
import io.storehub.hub.support.StoreganiseStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recipe failure-alert, one alert per incident: a destination that starts failing (an http stand-in answering
 * 400, its deliveries parked) gives one Slack message when the incident opens, nothing more within the
 * interval, one reminder after it (more failed), one message when it delivers again, with the counts (not
 * while deliveries still fail between successes); the
 * incident is also one Storeganise task (not again on recovery); the alert destination's own failures are
 * never alerted through it.
 */
class RecipeFailureAlertTest extends RecipeTestSupport {

    @BeforeEach
    void stubs() {
        // the ops Slack stand-in takes the incident messages; anything else posted to it (the events of the
        // destination ops-alerts itself) is refused for good, so that destination fails too
        SLACK.stubFor(post(urlPathEqualTo(ALERTS_PATH)).atPriority(5).willReturn(aResponse().withStatus(404).withBody("no_service")));
        SLACK.stubFor(post(urlPathEqualTo(ALERTS_PATH)).atPriority(1).withRequestBody(matching("(?s).*(failing|recovered).*"))
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        stubStoreganise(post(urlPathEqualTo(StoreganiseStub.API + "/v1/admin/jobs")), 200, "{\"id\":\"" + newId() + "\",\"type\":\"task\"}");
    }

    /** The texts of the incident messages about this destination posted to the ops Slack stand-in. */
    private static List<String> alertsAbout(String destination) {
        return SLACK.findAll(postRequestedFor(urlPathEqualTo(ALERTS_PATH))).stream()
                .map(r -> json(r.getBodyAsString()).get("text").asText())
                .filter(t -> t.contains("`" + destination + "`")).toList();
    }

    /** The Storeganise tasks opened about this destination. */
    private static List<JsonNode> tasksAbout(String destination) {
        return storeganiseRequests("POST", "/v1/admin/jobs").stream().map(r -> json(r.getBodyAsString()))
                .filter(t -> t.path("data").path("title").asText().contains(destination)).toList();
    }

    private static void failing(WireMockServer server, String path) {
        server.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"unknown field siteCode\"}")));
    }

    private String parkOne(String type, String destination) {
        // a different site each time: deliveries about one site are kept in order, and a second one would be
        // parked behind the first (held, not refused by the destination)
        String event = postSigned(type, "{\"siteId\":\"" + newId() + "\"}");
        await().atMost(20, TimeUnit.SECONDS).until(() -> parked(event, destination) != null);
        return event;
    }

    private void deliverOne(WireMockServer server, String path, String type, String destination) {
        server.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)));
        DestinationHealth health = camelContext.getRegistry().lookupByNameAndType("destinationHealth", DestinationHealth.class);
        postSigned(type, "{\"siteId\":\"" + newId() + "\"}");
        // delivered, possibly from the queue when the destination was backing off
        await().atMost(30, TimeUnit.SECONDS).until(() -> "ok".equals(health.describe(destination).get("state")));
    }

    private Object check(Instant now) {
        return producer.requestBodyAndHeader("direct:recipe-failure-alert", null, "SgAlertNow", now);
    }

    @Test
    void aFailingDestinationGivesOneOpenAlertAtMostOneReminderPerIntervalAndOneRecovery() {
        failing(LEGACY_CRM, "/hooks/storage");
        parkOne("site.updated", "legacy-crm");
        parkOne("site.updated", "legacy-crm");
        Instant now = Instant.now();

        check(now);
        List<String> alerts = alertsAbout("legacy-crm");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0)).contains("*`legacy-crm` is failing*", "unknown field siteCode", "(HTTP 400)",
                "Failed so far: 2 deliveries, 2 parked", "https://hub.example.com/console/events?destination=legacy-crm");

        check(now.plusSeconds(60));
        parkOne("site.updated", "legacy-crm");
        check(now.plus(Duration.ofMinutes(30)));
        assertThat(alertsAbout("legacy-crm")).as("nothing more within the interval").hasSize(1);

        check(now.plus(Duration.ofMinutes(61)));
        alerts = alertsAbout("legacy-crm");
        assertThat(alerts).as("one reminder after the interval").hasSize(2);
        assertThat(alerts.get(1)).contains("*`legacy-crm` is still failing*", "Failed so far: 3 deliveries, 3 parked");
        check(now.plus(Duration.ofMinutes(62)));
        assertThat(alertsAbout("legacy-crm")).as("no second reminder within the interval").hasSize(2);

        deliverOne(LEGACY_CRM, "/hooks/storage", "site.updated", "legacy-crm");
        check(now.plus(Duration.ofMinutes(63)));
        alerts = alertsAbout("legacy-crm");
        assertThat(alerts).as("one recovery message").hasSize(3);
        assertThat(alerts.get(2)).contains("*`legacy-crm` recovered* after 1h 3m", "Failed during the incident: 3 deliveries; still parked: 3",
                "https://hub.example.com/console/dead-letters?destination=legacy-crm");

        check(now.plus(Duration.ofHours(3)));
        assertThat(alertsAbout("legacy-crm")).as("nothing after the recovery").hasSize(3);
    }

    @Test
    void anIncidentIsOneStoreganiseTaskOpenedOnceNotAgainOnRecovery() {
        failing(LEGACY_ERP, "/hooks/erp");
        parkOne("site.created", "legacy-erp");

        check(Instant.now());
        List<JsonNode> tasks = tasksAbout("legacy-erp");
        assertThat(tasks).hasSize(1);
        JsonNode task = tasks.get(0);
        assertThat(task.get("type").asText()).isEqualTo("task");
        assertThat(task.get("ownerId").isNull()).isTrue();
        assertThat(task.at("/data/title").asText()).startsWith("Integration legacy-erp failing: ").contains("400");
        assertThat(task.at("/data/desc").asText()).contains("unknown field siteCode", "(HTTP 400)", "1 deliveries failed so far, 1 parked",
                "https://hub.example.com/console/events?destination=legacy-erp",
                "https://hub.example.com/console/dead-letters?destination=legacy-erp");
        assertThat(alertsAbout("legacy-erp")).as("and one Slack message").hasSize(1);

        deliverOne(LEGACY_ERP, "/hooks/erp", "site.created", "legacy-erp");
        check(Instant.now().plusSeconds(1));
        assertThat(alertsAbout("legacy-erp")).as("the recovery message").hasSize(2);
        assertThat(tasksAbout("legacy-erp")).as("no second task on recovery").hasSize(1);
    }

    @Test
    void aDestinationStillFailingBetweenSuccessesStaysInOneIncident() {
        failing(LEGACY_WMS, "/hooks/wms");
        parkOne("site.archived", "legacy-wms");
        check(Instant.now());
        assertThat(alertsAbout("legacy-wms")).as("opened").hasSize(1);

        deliverOne(LEGACY_WMS, "/hooks/wms", "site.archived", "legacy-wms");
        failing(LEGACY_WMS, "/hooks/wms");
        parkOne("site.archived", "legacy-wms");
        deliverOne(LEGACY_WMS, "/hooks/wms", "site.archived", "legacy-wms");
        check(Instant.now().plusSeconds(1));
        assertThat(alertsAbout("legacy-wms")).as("a failure since the last check: not recovered yet").hasSize(1);

        deliverOne(LEGACY_WMS, "/hooks/wms", "site.archived", "legacy-wms");
        check(Instant.now().plusSeconds(2));
        List<String> alerts = alertsAbout("legacy-wms");
        assertThat(alerts).as("recovered once nothing failed since the last check").hasSize(2);
        assertThat(alerts.get(1)).contains("*`legacy-wms` recovered*", "Failed during the incident: 2 deliveries; still parked: 2");
    }

    @Test
    void theAlertDestinationFailingIsNeverAlertedThroughItself() {
        parkOne("site.deleted", "ops-alerts");

        check(Instant.now());
        assertThat(tasksAbout("ops-alerts")).as("told as a Storeganise task").hasSize(1);
        assertThat(alertsAbout("ops-alerts")).as("never through the failing alert destination itself").isEmpty();
    }
}
