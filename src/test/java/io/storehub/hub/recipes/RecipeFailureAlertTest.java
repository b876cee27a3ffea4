package io.storehub.hub.recipes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recipe failure-alert: deliveries parked for a destination (an http destination answering 400) become one
 * Slack alert with their count; a second check in the same interval sends nothing; a new interval with a
 * newly parked delivery sends one new alert; a new interval with nothing new parked sends nothing.
 */
class RecipeFailureAlertTest extends RecipeTestSupport {

    /** The texts of the alerts about legacy-crm posted to the ops Slack stand-in. */
    private static List<String> alertsAboutLegacyCrm() {
        return SLACK.findAll(postRequestedFor(urlPathEqualTo(ALERTS_PATH))).stream()
                .map(r -> json(r.getBodyAsString()).get("text").asText())
                .filter(t -> t.contains("`legacy-crm`")).toList();
    }

    private String parkOne() {
        // a different site each time: deliveries about one site are kept in order, and a second one would be
        // parked behind the first (held, not refused by the CRM)
        String event = postSigned("site.updated", "{\"siteId\":\"" + newId() + "\"}");
        await().atMost(20, TimeUnit.SECONDS).until(() -> parked(event, "legacy-crm") != null);
        return event;
    }

    private Object check(Instant now) {
        return producer.requestBodyAndHeader("direct:recipe-failure-alert", null, "SgAlertNow", now);
    }

    @Test
    void parkedDeliveriesGiveOneAlertPerDestinationPerInterval() {
        SLACK.stubFor(post(urlPathEqualTo(ALERTS_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        LEGACY_CRM.stubFor(post(urlPathEqualTo("/hooks/storage")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"unknown field siteCode\"}")));
        parkOne();
        parkOne();
        String newest = parkOne();
        Instant now = Instant.now();

        check(now);
        List<String> alerts = alertsAboutLegacyCrm();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0)).contains("*3 deliveries to `legacy-crm` are parked*", newest, "last status 400",
                "unknown field siteCode", "/admin/replay?destination=legacy-crm&amp;all=true");

        check(now.plusSeconds(60));
        assertThat(alertsAboutLegacyCrm()).as("same interval: no second alert").hasSize(1);

        String another = parkOne();
        check(now.plus(Duration.ofHours(1)));
        alerts = alertsAboutLegacyCrm();
        assertThat(alerts).as("new interval, newly parked: a new alert").hasSize(2);
        assertThat(alerts.get(1)).contains("*4 deliveries to `legacy-crm` are parked*", another);

        check(now.plus(Duration.ofHours(2)));
        assertThat(alertsAboutLegacyCrm()).as("new interval, nothing parked since the last alert").hasSize(2);
    }
}
