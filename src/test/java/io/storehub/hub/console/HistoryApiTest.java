package io.storehub.hub.console;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** GET /admin/events (every filter, paging), GET /admin/events/{id}, redeliver, /admin/destinations and /admin/overview. */
class HistoryApiTest extends ConsoleTestSupport {

    @Test
    void everyFilterFindsItsEventsAndOnlyThem() throws Exception {
        Instant from = Instant.now().minusMillis(5);
        String moveIn = postEvent("job.unit_moveIn.created", jobEvent(JOB));
        String unit = postEvent("unit.blocked", "{\"unitId\":\"64103a693e7c1d9a420a1f52\"}");
        String user = postEvent("user.updated", "{\"userId\":\"" + CUSTOMER + "\"}");
        String invoice = postEvent("invoice.state.updated", "{\"invoiceId\":\"" + INVOICE + "\",\"siteId\":\"" + SITE + "\"}");
        String lost = Webhooks.newId();
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(lost))
                .willReturn(aResponse().withStatus(404).withBody("no such hook")));
        postBody(Webhooks.event(lost, "job.unit_moveIn.cancelled", Instant.now(), jobEvent(JOB)));
        String body = Webhooks.event(Webhooks.newId(), "unit.unblocked", Instant.now(), "{\"unitId\":\"64103a693e7c1d9a420a1f52\"}");
        postBody(body);
        postBody(body);
        String repeated = JSON.readTree(body).get("id").asText();
        List<String> mine = List.of(moveIn, unit, user, invoice, lost, repeated);
        awaitEvent(moveIn, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText()));
        awaitEvent(lost, e -> "parked".equals(delivery(e, "ops-crm").path("status").asText()));
        awaitEvent(invoice, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));
        awaitEvent(repeated, e -> e.get("duplicates").asInt() == 1);
        for (String id : List.of(unit, user)) {
            awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));
        }
        String range = "from=" + from + "&to=" + Instant.now().plusSeconds(1);

        assertThat(found("type=job.unit_moveIn.*&" + range)).containsExactlyInAnyOrder(moveIn, lost);
        assertThat(found("type=unit.blocked&" + range)).containsExactly(unit);
        assertThat(found("type=*.updated&" + range)).containsExactlyInAnyOrder(user, invoice);
        assertThat(found("outcome=parked&" + range)).containsExactly(lost);
        assertThat(found("outcome=skipped&" + range)).containsExactly(invoice);
        assertThat(found("outcome=duplicate&" + range)).containsExactly(repeated);
        // an outcome matches the event's status or any of its deliveries (lost reached team-slack)
        assertThat(found("outcome=delivered&" + range)).contains(moveIn, unit, user, invoice, lost);
        assertThat(found("outcome=dispatched&" + range)).containsAll(mine);
        assertThat(found("destination=ops-crm&" + range)).containsExactlyInAnyOrder(moveIn, lost);
        assertThat(found("destination=ops-crm&outcome=delivered&" + range)).containsExactly(moveIn);
        assertThat(found("destination=audit&" + range)).containsExactlyInAnyOrder(unit, user, invoice, repeated);
        assertThat(found("entity=" + JOB + "&" + range)).containsExactlyInAnyOrder(moveIn, lost);
        assertThat(found("entity=" + UNIT + "&" + range)).as("the unit of the move-in, from the enriched rental").contains(moveIn);
        assertThat(found("entity=64103a693e7c1d9a420a1f52&" + range)).containsExactlyInAnyOrder(unit, repeated);
        assertThat(found("entity=" + CUSTOMER + "&" + range)).contains(moveIn, user, lost);
        assertThat(found("entity=" + INVOICE + "&" + range)).containsExactly(invoice);
        assertThat(found("entity=" + SITE + "&" + range)).contains(invoice, moveIn);
        assertThat(found("entity=" + RENTAL + "&" + range)).contains(moveIn);
        assertThat(found("email=Jane.Doe@Example.com&" + range)).contains(moveIn, user).doesNotContain(unit);
        assertThat(found("q=" + user.substring(4, 16) + "&" + range)).containsExactly(user);
        assertThat(found("q=" + moveIn)).containsExactly(moveIn);
        assertThat(found(range)).containsAll(mine);
        assertThat(found("from=" + Instant.now().plusSeconds(5))).isEmpty();
        assertThat(found("to=" + from)).doesNotContainAnyElementsOf(mine);
    }

    @Test
    void pagesWalkEveryEventNewestFirstWithoutRepeats() throws Exception {
        Instant from = Instant.now().minusMillis(5);
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            posted.add(postEvent("unit.reserved", "{\"unitId\":\"64103a653e7c1d9a420a1f3c\"}"));
        }
        String range = "type=unit.reserved&from=" + from + "&to=" + Instant.now().plusSeconds(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> found(range).size() == 7);

        List<JsonNode> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = adminJson("/admin/events?limit=3&" + range + (cursor == null ? "" : "&cursor=" + cursor));
            pageSizes.add(page.get("count").asInt());
            page.get("events").forEach(seen::add);
            cursor = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (cursor != null);

        assertThat(pageSizes).containsExactly(3, 3, 1);
        Set<String> ids = new LinkedHashSet<>();
        seen.forEach(e -> ids.add(e.get("id").asText()));
        assertThat(ids).hasSize(7).containsExactlyInAnyOrderElementsOf(posted);
        for (int i = 1; i < seen.size(); i++) {
            Instant newer = Instant.parse(seen.get(i - 1).get("receivedAt").asText());
            Instant older = Instant.parse(seen.get(i).get("receivedAt").asText());
            assertThat(older).isBeforeOrEqualTo(newer);
        }
    }

    @Test
    void aBadFilterOrCursorIsRefusedWithAClearError() throws Exception {
        assertError("/admin/events?outcome=exploded", 400, "invalid_outcome");
        assertError("/admin/events?from=yesterday", 400, "invalid_from");
        assertError("/admin/events?cursor=not-a-cursor", 400, "invalid_cursor");
        assertError("/admin/events?limit=0", 400, "invalid_limit");
        assertError("/admin/events?type=" + URLEncoder.encode("x' OR '1'='1", StandardCharsets.UTF_8), 400, "invalid_type");
        assertError("/admin/events/" + Webhooks.newId(), 404, "event_not_found");
    }

    @Test
    void aRedeliverySendsTheEventAgainAndIsRecordedAsManualWithWhoAndWhen() throws Exception {
        String id = postEvent("job.unit_moveIn.started", jobEvent(JOB));
        awaitEvent(id, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText()));
        assertThat(requestsMentioning(id).stream().filter(r -> r.getUrl().startsWith(CRM_PATH))).hasSize(1);

        HttpResponse<String> response = admin("POST", "/admin/events/" + id + "/redeliver?destination=ops-crm");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("status").asText()).isEqualTo("queued");
        assertThat(answer.get("mode").asText()).contains("stored enriched body");
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsMentioning(id).stream().filter(r -> r.getUrl().startsWith(CRM_PATH)).count() == 2);
        JsonNode event = awaitEvent(id, e -> steps(e, "attempt", "ops-crm").size() == 2);
        JsonNode manual = steps(event, "manual", "ops-crm").get(0);
        assertThat(manual.get("actor").asText()).isEqualTo("admin API");
        assertThat(manual.get("at").asText()).isNotBlank();
        JsonNode again = steps(event, "attempt", "ops-crm").get(1);
        assertThat(again.get("outcome").asText()).isEqualTo("delivered");
        assertThat(again.get("actor").asText()).isEqualTo("admin API");
        assertThat(again.get("detail").asText()).isEqualTo("manual");
        assertThat(steps(event, "attempt", "team-slack")).as("only the destination asked for").hasSize(1);
    }

    @Test
    void aRedeliveryOfAnUnknownEventOrToAnUnknownDestinationIsRefused() throws Exception {
        String id = postEvent("unit.occupied", "{\"unitId\":\"" + UNIT + "\"}");
        awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));

        assertThat(admin("POST", "/admin/events/" + Webhooks.newId() + "/redeliver?destination=audit").statusCode()).isEqualTo(404);
        HttpResponse<String> unknown = admin("POST", "/admin/events/" + id + "/redeliver?destination=nowhere");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo("unknown_destination");
        HttpResponse<String> none = admin("POST", "/admin/events/" + id + "/redeliver");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("destination_required");
    }

    @Test
    void withoutAStoredBodyARedeliveryDispatchesTheWebhookAgainForThatDestinationOnly() throws Exception {
        // a job whose enriched event is larger than max-body-bytes (64 KiB): the history keeps it truncated
        String job = Webhooks.newId();
        String notes = "x".repeat(70_000);
        StoreganiseStub.get().server().stubFor(get(urlPathEqualTo(StoreganiseStub.API + "/v1/admin/jobs/" + job)).atPriority(1)
                .withHeader("Authorization", equalTo("ApiKey " + StoreganiseStub.KEY))
                .willReturn(StoreganiseStub.json(200, "{\"id\":\"" + job + "\",\"type\":\"unit_moveIn\",\"ownerId\":\"" + CUSTOMER
                        + "\",\"siteId\":\"" + SITE + "\",\"notes\":\"" + notes + "\"}")));
        String id = postEvent("job.unit_moveIn.created", jobEvent(job));
        JsonNode event = awaitEvent(id, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText())
                && "delivered".equals(delivery(e, "team-slack").path("status").asText()));
        assertThat(event.get("bodyTruncated").asBoolean()).isTrue();
        assertThat(event.get("bodyBytes").asInt()).isGreaterThan(70_000);
        assertThat(event.get("bodyText").asText().length()).isLessThanOrEqualTo(65536);

        HttpResponse<String> response = admin("POST", "/admin/events/" + id + "/redeliver?destination=team-slack");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).get("mode").asText()).contains("webhook dispatched again");
        JsonNode after = awaitEvent(id, e -> steps(e, "attempt", "team-slack").size() == 2);
        assertThat(steps(after, "enriched", null)).as("enriched afresh").hasSize(2);
        assertThat(steps(after, "attempt", "team-slack").get(1).get("actor").asText()).isEqualTo("admin API");
        assertThat(DESTINATIONS.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains("Jane Doe"))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(steps(after, "attempt", "ops-crm")).as("not sent again to the others").hasSize(1);
        assertThat(requestsMentioning(id).stream().filter(r -> r.getUrl().startsWith(CRM_PATH))).hasSize(1);
    }

    @Test
    void theDestinationsAnswerCountsLatencyLastErrorRateLimitAndBackoff() throws Exception {
        // the hub is shared with other test classes: what this test's event adds
        JsonNode before = adminJson("/admin/destinations").get("destinations");
        String id = Webhooks.newId();
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"crm overloaded\"}")));
        postBody(Webhooks.event(id, "job.unit_moveIn.started", Instant.now(), jobEvent(JOB)));
        awaitEvent(id, e -> "parked".equals(delivery(e, "ops-crm").path("status").asText())
                && "delivered".equals(delivery(e, "team-slack").path("status").asText()));

        JsonNode destinations = adminJson("/admin/destinations").get("destinations");

        JsonNode crm = named(destinations, "ops-crm");
        assertThat(crm.get("type").asText()).isEqualTo("http");
        JsonNode crmBefore = named(before, "ops-crm");
        assertThat(crm.at("/lastHour/failed").asLong()).isGreaterThanOrEqualTo(crmBefore.at("/lastHour/failed").asLong() + 4);
        assertThat(crm.at("/lastHour/parked").asLong()).isGreaterThanOrEqualTo(crmBefore.at("/lastHour/parked").asLong() + 1);
        assertThat(crm.at("/lastDay/failed").asLong()).isGreaterThanOrEqualTo(crm.at("/lastHour/failed").asLong());
        assertThat(crm.at("/lastError/error").asText()).contains("HTTP 500", "crm overloaded");
        assertThat(crm.at("/lastError/httpStatus").asInt()).isEqualTo(500);
        assertThat(crm.get("parkedNow").asInt()).isGreaterThanOrEqualTo(crmBefore.get("parkedNow").asInt() + 1);
        assertThat(crm.at("/backoff/pendingRetries").isNumber()).isTrue();
        JsonNode slack = named(destinations, "team-slack");
        assertThat(slack.get("rateLimit").asText()).isEqualTo("50/s");
        assertThat(slack.at("/lastHour/delivered").asLong()).isGreaterThanOrEqualTo(named(before, "team-slack").at("/lastHour/delivered").asLong() + 1);
        assertThat(slack.at("/latencyLastHour/p50Ms").isNumber()).isTrue();
        assertThat(slack.at("/latencyLastHour/p99Ms").asLong()).isGreaterThanOrEqualTo(slack.at("/latencyLastHour/p50Ms").asLong());
        assertThat(named(destinations, "audit").get("rateLimit").isNull()).isTrue();
    }

    @Test
    void theOverviewAnswersEventsPerMinuteQueuesParkedApiHealthAndRecipes() throws Exception {
        long lastHour = adminJson("/admin/overview").at("/events/lastHour").asLong(); // other test classes' events count too
        String id = postEvent("unit.archived", "{\"unitId\":\"64103a693e7c1d9a420a1f52\"}");
        awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));

        JsonNode overview = adminJson("/admin/overview");

        assertThat(overview.at("/events/perMinute")).hasSize(60);
        assertThat(overview.at("/events/lastHour").asLong()).isGreaterThanOrEqualTo(lastHour + 1);
        assertThat(overview.at("/events/perMinute/59/count").asLong() + overview.at("/events/perMinute/58/count").asLong()).isPositive();
        assertThat(overview.get("queues")).extracting(q -> q.get("name").asText())
                .containsExactly("storeganise.events", "storeganise.events.DLQ", "storeganise.deliveries", "storeganise.deliveries.DLQ");
        assertThat(overview.get("queues")).allSatisfy(q -> {
            assertThat(q.get("source").asText()).isEqualTo("management");
            assertThat(q.get("messages").isNumber()).isTrue();
        });
        assertThat(overview.at("/storeganiseApi/state").asText()).isEqualTo("UP");
        assertThat(overview.at("/storeganiseApi/circuitBreaker").asText()).isEqualTo("CLOSED");
        assertThat(overview.get("recipes").isArray()).isTrue();
        assertThat(overview.get("parked").isObject()).isTrue();
        assertThat(overview.at("/history/enabled").asBoolean()).isTrue();
        assertThat(overview.at("/history/retention").asText()).isEqualTo("P30D");
        String metrics = Webhooks.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hubUrl("/actuator/prometheus"))).GET().build()).body();
        assertThat(metrics).contains("storeganise_history_pending", "storeganise_history_dropped_total");
    }

    private List<String> found(String query) throws Exception {
        List<String> ids = new ArrayList<>();
        adminJson("/admin/events?limit=500&" + query).get("events").forEach(e -> ids.add(e.get("id").asText()));
        return ids;
    }

    private void assertError(String path, int status, String code) throws Exception {
        HttpResponse<String> response = admin("GET", path);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(code);
        assertThat(JSON.readTree(response.body()).get("detail").asText()).isNotBlank();
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (name.equals(n.get("name").asText())) {
                return n;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }
}
