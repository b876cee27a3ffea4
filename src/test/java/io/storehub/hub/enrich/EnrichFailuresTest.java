package io.storehub.hub.enrich;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.storehub.hub.support.StoreganiseStub;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.storehub.hub.support.StoreganiseStub.json;
import static org.apache.camel.builder.Builder.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the hub does when Storeganise does not simply answer 200: a missing resource is listed and
 * skipped, a refused key parks the event at once and shows in health, 429 and 5xx and timeouts are
 * retried in place (honouring Retry-After), a long Retry-After is waited out in the durable queue.
 */
class EnrichFailuresTest extends EnrichTestSupport {

    static final String RENTAL_PATH = "/api/v1/admin/unit-rentals/6b016c353e7c1d9a421c0462";
    static final String JOB_PATH = "/api/v1/admin/jobs/6b016b353e7c1d9a421c0455";

    @Test
    void aMissingResourceIsListedOnceAndTheRestIsStillEnriched() {
        storeganise.server().stubFor(get(urlPathEqualTo(RENTAL_PATH)).atPriority(1)
                .willReturn(json(404, "{\"error\":{\"status\":404,\"message\":\"UnitRental not found\"}}")));

        Map<String, Object> enriched = delivered(send("job.unit_moveIn.completed"));

        assertThat(enriched.get("missing")).isEqualTo(List.of("unitRental"));
        // without the rental, the unit and the owner named by the job stand in
        assertThat(at(enriched, "unit.name")).isEqualTo("A12");
        assertThat(at(enriched, "customer.email")).isEqualTo("jane.doe@example.com");
        assertThat(at(enriched, "summary.siteName")).isEqualTo("Downtown");
        storeganise.server().verify(1, getRequestedFor(urlPathEqualTo(RENTAL_PATH))); // a 404 is not retried
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {401, 403})
    void aRefusedKeyParksTheEventAtOnceWithTheReasonAndHealthShowsItUntilACallSucceeds(int status) throws Exception {
        storeganise.server().stubFor(any(urlPathMatching("/api/.*")).atPriority(1)
                .willReturn(json(status, "{\"error\":{\"status\":" + status + ",\"message\":\"Forbidden\"}}")));

        String id = send("job.unit_moveIn.completed");
        Exchange parked = parked(id, Duration.ofSeconds(15));

        assertThat(parked).as("parked in the dead letter queue").isNotNull();
        assertThat(parked.getMessage().getHeader("SgAttempt", Integer.class)).as("no retry").isEqualTo(1);
        assertThat(parked.getMessage().getHeader("SgFailureReason", String.class))
                .contains("Storeganise refused the API key with HTTP " + status, "STOREGANISE_API_KEY");
        assertThat(storeganise.server().getAllServeEvents()).hasSize(1);
        JsonNode health = JSON.readTree(hubGet("/actuator/health").body());
        assertThat(health.at("/components/storeganiseApi/status").asText()).isEqualTo("DOWN");
        assertThat(hubGet("/actuator/health/readiness").statusCode()).as("webhooks are still accepted").isEqualTo(200);
        assertThat(hubGet("/actuator/health/liveness").statusCode()).isEqualTo(200);

        storeganise.reset(); // the key is fixed
        delivered(send("user.updated"));
        health = JSON.readTree(hubGet("/actuator/health").body());
        assertThat(health.at("/components/storeganiseApi/status").asText()).isEqualTo("UP");
    }

    @Test
    void aRateLimitIsWaitedOutInPlaceForAsLongAsRetryAfterAsks() {
        storeganise.server().stubFor(get(urlPathEqualTo(JOB_PATH)).atPriority(1).inScenario("rate").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(429, "{\"error\":{\"status\":429,\"message\":\"Too many requests\"}}").withHeader("Retry-After", "1"))
                .willSetStateTo("calm"));

        Map<String, Object> enriched = delivered(send("job.unit_moveIn.completed"));

        assertThat(at(enriched, "job.id")).isEqualTo("6b016b353e7c1d9a421c0455");
        List<ServeEvent> jobCalls = calls(JOB_PATH);
        assertThat(jobCalls).hasSize(2);
        long waited = jobCalls.get(1).getRequest().getLoggedDate().getTime() - jobCalls.get(0).getRequest().getLoggedDate().getTime();
        assertThat(waited).as("waited the Retry-After (1 s), not the 50 ms backoff").isGreaterThanOrEqualTo(950);
    }

    @Test
    void aRetryAfterLongerThanAFewSecondsIsWaitedOutInTheQueue() {
        // test settings: in-call Retry-After up to 1.5 s; queue retries 0.2-1 s apart unless asked for more
        storeganise.server().stubFor(get(urlPathEqualTo(JOB_PATH)).atPriority(1).inScenario("slow-down").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(503, "{\"error\":{\"status\":503,\"message\":\"Maintenance\"}}").withHeader("Retry-After", "3"))
                .willSetStateTo("back"));
        String id = io.storehub.hub.support.Webhooks.newId();
        NotifyBuilder retried = whenDispatched(id, 2);

        Map<String, Object> enriched = delivered(sendBody(sample("job.unit_moveIn.completed", id), id), Duration.ofSeconds(20));

        assertThat(retried.matches(5, TimeUnit.SECONDS)).as("taken from the queue twice").isTrue();
        assertThat(at(enriched, "job.id")).isEqualTo("6b016b353e7c1d9a421c0455");
        List<ServeEvent> jobCalls = calls(JOB_PATH);
        assertThat(jobCalls).as("not retried in place").hasSize(2);
        long waited = jobCalls.get(1).getRequest().getLoggedDate().getTime() - jobCalls.get(0).getRequest().getLoggedDate().getTime();
        assertThat(waited).as("the queue retry waited the Retry-After").isGreaterThanOrEqualTo(2950);
    }

    @Test
    void aServerErrorIsRetriedInPlaceThenTheEventIsEnrichedOnce() {
        storeganise.server().stubFor(get(urlPathEqualTo(RENTAL_PATH)).atPriority(1).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(500, "{\"error\":{\"status\":500,\"message\":\"Internal error\"}}")).willSetStateTo("once"));
        storeganise.server().stubFor(get(urlPathEqualTo(RENTAL_PATH)).atPriority(1).inScenario("flaky").whenScenarioStateIs("once")
                .willReturn(json(502, "<html>Bad gateway</html>")).willSetStateTo("fine"));
        String id = io.storehub.hub.support.Webhooks.newId();
        NotifyBuilder retriedFromQueue = whenDispatched(id, 2);

        Map<String, Object> enriched = delivered(sendBody(sample("unitRental.updated", id), id));

        assertThat(at(enriched, "unitRental.state")).isEqualTo("occupied");
        assertThat(calls(RENTAL_PATH)).hasSize(3);
        assertThat(retriedFromQueue.matches(1, TimeUnit.SECONDS)).as("no queue retry was needed").isFalse();
    }

    @Test
    void aReadTimeoutIsRetried() {
        // test settings: read timeout 2 s
        storeganise.server().stubFor(get(urlPathEqualTo(RENTAL_PATH)).atPriority(1).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(200, StoreganiseStub.fixture("unit-rentals/6b016c353e7c1d9a421c0462")).withFixedDelay(5000))
                .willSetStateTo("fast"));
        long start = System.nanoTime();

        Map<String, Object> enriched = delivered(send("unitRental.markOverdue"));

        assertThat(at(enriched, "unitRental.id")).isEqualTo("6b016c353e7c1d9a421c0462");
        assertThat(calls(RENTAL_PATH)).hasSize(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("gave up on the slow answer").isLessThan(Duration.ofMillis(4900));
    }

    @Test
    void aFailureThatOutlastsTheInPlaceRetriesGoesBackToTheQueueAndIsParkedWithTheReason() {
        storeganise.server().stubFor(get(urlPathEqualTo(RENTAL_PATH)).atPriority(1)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"status\":500}}")));

        String id = send("unitRental.unmarkOverdue");
        Exchange parked = parked(id, Duration.ofSeconds(20));

        assertThat(parked).isNotNull();
        assertThat(parked.getMessage().getHeader("SgAttempt", Integer.class)).isEqualTo(3); // storeganise.dispatch.max-attempts
        // the last attempt either got the 500 again or was refused by the breaker the 500s had opened
        assertThat(parked.getMessage().getHeader("SgFailureReason", String.class)).containsAnyOf(
                "Storeganise answered HTTP 500 to GET /v1/admin/unit-rentals/6b016c353e7c1d9a421c0462",
                "calls are suspended by the circuit breaker");
        assertThat(calls(RENTAL_PATH).size()).as("3 queue attempts of at most 3 calls (the breaker may cut some short)")
                .isBetween(3, 9);
        assertThat(wasDelivered(id)).isFalse();
    }

    private List<ServeEvent> calls(String path) {
        return storeganise.server().getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().startsWith(path))
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
    }
}
