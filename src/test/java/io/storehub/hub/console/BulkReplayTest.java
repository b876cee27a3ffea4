package io.storehub.hub.console;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.deliver.BulkReplay;
import io.storehub.hub.deliver.DestinationHealth;
import io.storehub.hub.deliver.DestinationRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import io.storehub.hub.support.Webhooks;
import io.storehub.hub.tenant.AccessScope;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bulk replay by filter, {@code POST /admin/deliveries/replay}, through the real path: webhooks whose
 * deliveries the CRM stand-in refuses (parked at once), matched by the filter in the event history,
 * replayed through the delivery queue to the stand-in once it accepts them.
 */
class BulkReplayTest extends ConsoleTestSupport {

    @Test
    void aDryRunMatchesExactlyTheParkedDeliveriesOfTheFilterAndChangesNothing() throws Exception {
        Instant from = Instant.now();
        List<String> created = park("job.unit_moveIn.created", 2);
        List<String> started = park("job.unit_moveIn.started", 1);
        String to = Instant.now().toString();
        int parkedBefore = parkedNow();

        JsonNode all = JSON.readTree(replay("{\"destination\":\"ops-crm\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"dryRun\":true}").body());
        JsonNode typed = JSON.readTree(replay("{\"destination\":\"ops-crm\",\"type\":\"job.unit_moveIn.cr*\",\"from\":\"" + from
                + "\",\"to\":\"" + to + "\",\"error\":\"UNKNOWN CUSTOMER\",\"dryRun\":true}").body());
        JsonNode failed = JSON.readTree(replay("{\"destination\":\"ops-crm\",\"status\":\"failed\",\"from\":\"" + from + "\",\"to\":\"" + to
                + "\",\"dryRun\":true}").body());

        assertThat(all.get("matched").asLong()).isEqualTo(3);
        assertThat(eventIds(all.get("sample"))).containsExactlyInAnyOrder(created.get(0), created.get(1), started.get(0));
        assertThat(all.has("replayed")).isFalse();
        JsonNode first = all.get("sample").get(0);
        assertThat(first.get("lastError").asText()).contains("422");
        assertThat(first.get("type").asText()).startsWith("job.unit_moveIn.");
        assertThat(Instant.parse(first.get("at").asText())).isAfterOrEqualTo(from);
        assertThat(typed.get("matched").asLong()).isEqualTo(2);
        assertThat(eventIds(typed.get("sample"))).containsExactlyInAnyOrderElementsOf(created);
        assertThat(failed.get("matched").asLong()).as("failed: parked, or waiting for a retry").isEqualTo(3);
        assertThat(parkedNow()).as("a dry run moves nothing").isEqualTo(parkedBefore);
        for (String id : created) {
            staysAt(id, 1);
        }
    }

    @Test
    void aReplayDeliversExactlyTheMatchedSetOnceAndARepeatReplaysNothing() throws Exception {
        Instant from = Instant.now();
        List<String> created = park("job.unit_moveIn.created", 3);
        List<String> started = park("job.unit_moveIn.started", 1);
        String filter = "{\"destination\":\"ops-crm\",\"type\":\"job.unit_moveIn.created\",\"from\":\"" + from + "\",\"to\":\""
                + Instant.now() + "\"}";
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).atPriority(1).willReturn(okJson("{\"received\":true}")));

        HttpResponse<String> first = replay(filter);
        HttpResponse<String> repeatedAtOnce = replay(filter);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).get("matched").asLong()).isEqualTo(3);
        assertThat(JSON.readTree(first.body()).get("replayed").asInt()).isEqualTo(3);
        assertThat(JSON.readTree(first.body()).get("notFound").asInt()).isZero();
        assertThat(JSON.readTree(repeatedAtOnce.body()).get("replayed").asInt()).as("nothing is parked any more").isZero();
        for (String id : created) {
            JsonNode event = awaitEvent(id, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText()));
            assertThat(steps(event, "replayed", "ops-crm")).hasSize(1);
            assertThat(steps(event, "replayed", "ops-crm").get(0).get("actor").asText()).isEqualTo("admin API");
        }
        JsonNode again = JSON.readTree(replay(filter).body());
        assertThat(again.get("matched").asLong()).as("delivered since: no longer matched").isZero();
        assertThat(again.get("replayed").asInt()).isZero();
        for (String id : created) {
            staysAt(id, 2); // refused once, delivered once by the replay
        }
        assertThat(delivery(adminJson("/admin/events/" + started.get(0)), "ops-crm").get("status").asText()).as("not matched by the type").isEqualTo("parked");
        staysAt(started.get(0), 1);
        BulkReplay bulk = camelContext.getRegistry().findSingleByType(BulkReplay.class);
        assertThat(bulk.latest(3, AccessScope.ALL)).anySatisfy(entry -> {
            assertThat(entry.get("actor")).isEqualTo("admin API");
            assertThat(entry.get("items")).isEqualTo(3L);
            assertThat((String) entry.get("detail")).contains("ops-crm", "job.unit_moveIn.created", "3 matched, 3 replayed");
        });
    }

    @Test
    void aReplayLongerThanTheAnswerTimeGoesOnInTheBackgroundAndIsAuditedWhenDone() throws Exception {
        Instant from = Instant.now();
        List<String> parked = park("job.unit_moveIn.completed", 3);
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).atPriority(1).willReturn(okJson("{\"received\":true}")));
        BulkReplay bulk = camelContext.getRegistry().findSingleByType(BulkReplay.class);
        HttpResponse<String> response;
        bulk.setAnswerWithin("PT0S"); // every replay outlasts it
        try {
            response = replay("{\"destination\":\"ops-crm\",\"type\":\"job.unit_moveIn.completed\",\"from\":\"" + from + "\"}");
        } finally {
            bulk.setAnswerWithin("PT20S");
        }

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("running").asBoolean()).isTrue();
        assertThat(answer.get("matched").asLong()).isEqualTo(3);
        for (String id : parked) {
            awaitEvent(id, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText()));
            staysAt(id, 2);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> bulk.latest(5, AccessScope.ALL).stream()
                .anyMatch(e -> String.valueOf(e.get("detail")).contains("job.unit_moveIn.completed, from " + from) && Long.valueOf(3).equals(e.get("items"))));
    }

    @Test
    void anUnknownDestinationIsRefused() throws Exception {
        assertRefused("{\"destination\":\"no-such-crm\",\"dryRun\":true}", "unknown_destination");
    }

    @Test
    void aMissingDestinationIsRefused() throws Exception {
        assertRefused("{\"status\":\"parked\"}", "destination_required");
    }

    @Test
    void anUnknownStatusIsRefused() throws Exception {
        assertRefused("{\"destination\":\"ops-crm\",\"status\":\"delivered\"}", "invalid_status");
    }

    @Test
    void aDateThatIsNotIso8601IsRefused() throws Exception {
        assertRefused("{\"destination\":\"ops-crm\",\"from\":\"yesterday\"}", "invalid_from");
    }

    @Test
    void fromAfterToIsRefused() throws Exception {
        assertRefused("{\"destination\":\"ops-crm\",\"from\":\"2026-12-06T06:00:00Z\",\"to\":\"2026-12-06T02:00:00Z\"}", "invalid_range");
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsRefused() throws Exception {
        assertRefused("[\"ops-crm\"]", "invalid_body");
    }

    @Test
    void anUnknownFieldIsRefused() throws Exception {
        assertRefused("{\"destination\":\"ops-crm\",\"stauts\":\"failed\"}", "unknown_field");
    }

    @Test
    void withoutTheTokenTheReplayIsUnauthorized() throws Exception {
        HttpResponse<String> response = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl("/admin/deliveries/replay")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"destination\":\"ops-crm\"}")).build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("unauthorized");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Posts n events of a type whose ops-crm deliveries the stand-in refuses (422: parked at once), one after
     * the other, each parked before the next; the destination's back-off (after 3 failures in a row) is ended
     * before each, as a success in between would, so that each is tried at once.
     */
    private List<String> park(String type, int n) {
        List<String> ids = new ArrayList<>();
        DestinationHealth health = camelContext.getRegistry().findSingleByType(DestinationHealth.class);
        for (int i = 0; i < n; i++) {
            String id = Webhooks.newId();
            DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                    .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"unknown customer\"}")));
            Exchange success = new DefaultExchange(camelContext);
            success.setProperty(DestinationRegistry.DESTINATION, "ops-crm");
            health.succeeded(success);
            postBody(Webhooks.event(id, type, Instant.now(), jobEvent(JOB)));
            awaitEvent(id, e -> "parked".equals(delivery(e, "ops-crm").path("status").asText()));
            ids.add(id);
        }
        return ids;
    }

    private HttpResponse<String> replay(String json) {
        return Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl("/admin/deliveries/replay"))).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private void assertRefused(String json, String error) throws Exception {
        HttpResponse<String> response = replay(json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("detail").asText()).isNotBlank();
    }

    private int parkedNow() throws Exception {
        return adminJson("/admin/dead-letters?destination=ops-crm&limit=1").get("count").asInt();
    }

    /** The CRM stand-in received exactly n requests for this event, and still does a moment later (no late double). */
    private static void staysAt(String eventId, long n) {
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                .until(() -> requestsMentioning(eventId).stream().filter(r -> r.getUrl().startsWith(CRM_PATH)).count() == n);
    }

    private static List<String> eventIds(JsonNode sample) {
        List<String> ids = new ArrayList<>();
        sample.forEach(s -> ids.add(s.get("eventId").asText()));
        return ids;
    }
}
