package io.storehub.hub.console;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** What the history records of an event taking the real path: signed webhook in, enrichment, fan-out, every attempt. */
class EventHistoryTest extends ConsoleTestSupport {

    @Test
    void aDeliveryFailingTwiceThenSucceedingHasEveryAttemptWithItsStatusInTheTimeline() throws Exception {
        String id = Webhooks.newId();
        String[] states = {Scenario.STARTED, "failed-once", "failed-twice"};
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .inScenario(id).whenScenarioStateIs(states[0]).willSetStateTo(states[1])
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"database down\"}")));
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .inScenario(id).whenScenarioStateIs(states[1]).willSetStateTo(states[2])
                .willReturn(aResponse().withStatus(502).withBody("bad gateway")));
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .inScenario(id).whenScenarioStateIs(states[2]).willReturn(okJson("{\"received\":true}")));

        postBody(Webhooks.event(id, "job.unit_moveIn.created", java.time.Instant.now(), jobEvent(JOB)));

        JsonNode event = awaitEvent(id, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText())
                && "delivered".equals(delivery(e, "team-slack").path("status").asText()));
        assertThat(event.get("type").asText()).isEqualTo("job.unit_moveIn.created");
        assertThat(event.get("family").asText()).isEqualTo("job-move-in");
        assertThat(event.get("ack").asText()).isEqualTo("accepted");
        assertThat(event.get("status").asText()).isEqualTo("dispatched");
        assertThat(event.get("createdAt").asText()).isNotBlank();
        assertThat(delivery(event, "ops-crm").get("attempts").asInt()).as(event.toString()).isEqualTo(3);
        assertThat(delivery(event, "ops-crm").get("lastHttpStatus").asInt()).isEqualTo(200);

        List<JsonNode> attempts = steps(event, "attempt", "ops-crm");
        assertThat(attempts).extracting(a -> a.get("outcome").asText()).containsExactly("retry", "retry", "delivered");
        assertThat(attempts).extracting(a -> a.get("attempt").asInt()).containsExactly(1, 2, 3);
        assertThat(attempts).extracting(a -> a.get("httpStatus").asInt()).containsExactly(500, 502, 200);
        assertThat(attempts.get(0).get("error").asText()).contains("HTTP 500").contains("database down");
        assertThat(attempts.get(0).get("errorClass").asText()).isEqualTo("DeliveryFailure");
        assertThat(attempts.get(0).get("nextRetryAt").asText()).isNotBlank();
        assertThat(attempts.get(2).get("nextRetryAt").isNull()).isTrue();
        assertThat(attempts).allSatisfy(a -> assertThat(a.get("durationMs").asLong()).isNotNegative());
        assertThat(steps(event, "attempt", "team-slack")).extracting(a -> a.get("outcome").asText()).containsExactly("delivered");

        assertThat(event.get("timeline").get(0).get("kind").asText()).isEqualTo("received");
        JsonNode enriched = steps(event, "enriched", null).get(0);
        assertThat(enriched.get("detail").asText()).contains("job", "customer", "site");
        assertThat(event.at("/enrichment/fetched")).extracting(JsonNode::asText).contains("job", "unitRental", "customer", "site");
        assertThat(steps(event, "queued", null)).extracting(s -> s.get("destination").asText()).containsExactlyInAnyOrder("ops-crm", "team-slack");

        assertThat(event.get("customerEmail").asText()).isEqualTo(CUSTOMER_EMAIL);
        assertThat(event.get("customerName").asText()).isEqualTo("Jane Doe");
        assertThat(event.get("entities")).extracting(x -> x.get("kind").asText() + "=" + x.get("id").asText())
                .contains("jobId=" + JOB, "userId=" + CUSTOMER, "siteId=" + SITE, "unitId=" + UNIT, "unitRentalId=" + RENTAL,
                        "email=" + CUSTOMER_EMAIL);
        assertThat(event.get("bodyKept").asBoolean()).isTrue();
        assertThat(event.at("/body/customer/email").asText()).isEqualTo(CUSTOMER_EMAIL);
        assertThat(event.at("/webhook/data/jobId").asText()).isEqualTo(JOB);
    }

    @Test
    void aDuplicateWebhookIsCountedOnTheEventItRepeats() throws Exception {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, "unit.blocked", java.time.Instant.now(), "{\"unitId\":\"" + UNIT + "\"}");
        postBody(body);
        HttpResponse<String> again = postBody(body);
        assertThat(again.body()).contains("duplicate");

        JsonNode event = awaitEvent(id, e -> e.get("duplicates").asInt() == 1 && "delivered".equals(delivery(e, "audit").path("status").asText()));
        assertThat(event.get("ack").asText()).isEqualTo("accepted");
        assertThat(event.get("lastDuplicateAt").asText()).isNotBlank();
        assertThat(steps(event, "duplicate", null)).hasSize(1);
        assertThat(steps(event, "enriched", null)).as("processed once").hasSize(1);
        JsonNode search = adminJson("/admin/events?q=" + id);
        assertThat(search.get("count").asInt()).isEqualTo(1);
    }

    @Test
    void aParkedDeliveryAndItsReplayAppearInTheTimeline() throws Exception {
        String id = Webhooks.newId();
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"unknown field\"}")));
        postBody(Webhooks.event(id, "job.unit_moveIn.completed", java.time.Instant.now(), jobEvent(JOB)));

        JsonNode parked = awaitEvent(id, e -> "parked".equals(delivery(e, "ops-crm").path("status").asText()));
        JsonNode attempt = steps(parked, "attempt", "ops-crm").get(0);
        assertThat(attempt.get("outcome").asText()).isEqualTo("parked");
        assertThat(attempt.get("httpStatus").asInt()).isEqualTo(400);
        assertThat(attempt.get("errorClass").asText()).isEqualTo("PermanentFailure");
        assertThat(adminJson("/admin/events?outcome=parked&destination=ops-crm").findValuesAsText("id")).contains(id);

        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .willReturn(okJson("{\"received\":true}")));
        HttpResponse<String> replay = admin("POST", "/admin/replay?destination=ops-crm&eventId=" + id);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);

        // the success record is written at once, the replay's step by the history's writer (a flush interval later at most)
        JsonNode delivered = awaitEvent(id, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText())
                && !steps(e, "replayed", "ops-crm").isEmpty());
        List<JsonNode> replayed = steps(delivered, "replayed", "ops-crm");
        assertThat(replayed).hasSize(1);
        assertThat(replayed.get(0).get("actor").asText()).isEqualTo("admin API");
        assertThat(steps(delivered, "attempt", "ops-crm")).extracting(a -> a.get("outcome").asText()).containsExactly("parked", "delivered");
    }

    @Test
    void aDestinationLeftOutByItsSubscriptionFilterIsRecordedAsSkipped() throws Exception {
        String id = postEvent("invoice.state.updated", "{\"invoiceId\":\"" + INVOICE + "\",\"siteId\":\"" + SITE + "\"}");

        JsonNode event = awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));
        assertThat(delivery(event, "big-invoices").get("status").asText()).isEqualTo("skipped");
        assertThat(steps(event, "skipped", "big-invoices")).hasSize(1);
        assertThat(DESTINATIONS.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo(BIG_PATH)))).isEmpty();
        assertThat(event.get("entities")).extracting(x -> x.get("id").asText()).contains(INVOICE, SITE);
    }

    @Test
    void aFailedDispatchIsRecordedWithItsRetriesAndTheParking() throws Exception {
        String job = Webhooks.newId();
        StoreganiseStub.get().server().stubFor(get(urlPathEqualTo(StoreganiseStub.API + "/v1/admin/jobs/" + job)).atPriority(1)
                .willReturn(StoreganiseStub.json(500, "{\"error\":{\"status\":500,\"message\":\"Internal error\"}}")));

        String id = postEvent("job.unit_moveIn.cancelled", jobEvent(job));

        JsonNode event = awaitEvent(id, e -> "parked".equals(e.get("status").asText()));
        List<JsonNode> failures = steps(event, "dispatch", null);
        assertThat(failures).extracting(s -> s.get("outcome").asText()).containsExactly("retry", "retry", "parked");
        assertThat(failures.get(0).get("error").asText()).isNotBlank();
        assertThat(event.get("deliveries")).isEmpty();
        assertThat(adminJson("/admin/events?outcome=parked").findValuesAsText("id")).contains(id);
    }

    @Test
    void recordingAtIngestNeverWaitsWhenTheQueueIsFullItCountsTheDrop() {
        EventHistory history = new EventHistory();
        history.setQueueCapacity(1);
        history.setCamelContext(new DefaultCamelContext());
        // not started: nothing takes from the queue
        Exchange first = webhookExchange("a1");
        Exchange second = webhookExchange("a2");

        history.received(first);
        history.received(second);

        assertThat(history.pending()).isEqualTo(1);
        assertThat(history.dropped()).isEqualTo(1);
    }

    private static Exchange webhookExchange(String id) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader("SgEventId", id);
        exchange.getIn().setHeader("SgEventType", "unit.blocked");
        exchange.getIn().setHeader("SgReceivedAt", System.currentTimeMillis());
        exchange.setProperty("SgOutcome", "accepted");
        exchange.getIn().setBody(Webhooks.event(id, "unit.blocked").getBytes());
        return exchange;
    }
}
