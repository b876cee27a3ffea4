package io.storehub.hub.deliver;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Destinations fail the way real ones do; deliveries are retried, honour Retry-After, or are parked and replayed. */
class DeliveryRetryTest extends DeliverTestSupport {

    @BeforeEach
    void services() {
        servicesAnswerOk();
    }

    @Test
    void aCrmAnswering500ThreeTimesThen200IsDeliveredOnTheFourthAttemptAndOnlyOnce() throws Exception {
        String id = Webhooks.newId();
        String[] states = {Scenario.STARTED, "failed-1", "failed-2", "recovered"};
        for (int i = 0; i < 3; i++) {
            CRM.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                    .inScenario(id).whenScenarioStateIs(states[i]).willSetStateTo(states[i + 1])
                    .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"Internal Server Error\"}")));
        }
        CRM.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .inScenario(id).whenScenarioStateIs("recovered").willReturn(okJson("{\"received\":true}")));
        double delivered = deliveries("crm", "delivered");

        queueDelivery(id, "job.unit_moveIn.completed", "crm", enriched(id, "job.unit_moveIn.completed", Map.of("jobId", id), Map.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("crm", "delivered") == delivered + 1);
        assertThat(requestsMentioning(CRM, id)).hasSize(4);
        assertThat(queued("storeganise.deliveries.DLQ", "SgEventId = '" + id + "'")).isZero();
    }

    @Test
    void aSlack429IsRetriedNoEarlierThanItsRetryAfter() throws Exception {
        String id = Webhooks.newId();
        String jobId = Webhooks.newId();
        SLACK.stubFor(post(urlPathEqualTo(SLACK_WEBHOOK_PATH)).withRequestBody(containing(jobId))
                .inScenario(id).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("after-429")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2").withBody("rate_limited")));
        SLACK.stubFor(post(urlPathEqualTo(SLACK_WEBHOOK_PATH)).withRequestBody(containing(jobId))
                .inScenario(id).whenScenarioStateIs("after-429").willReturn(aResponse().withStatus(200).withBody("ok")));
        double delivered = deliveries("site-team", "delivered");

        queueDelivery(id, "job.unit_moveOut.created", "site-team", enriched(id, "job.unit_moveOut.created", Map.of("jobId", jobId), Map.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("site-team", "delivered") == delivered + 1);
        List<LoggedRequest> attempts = requestsMentioning(SLACK, jobId);
        assertThat(attempts).hasSize(2);
        long waited = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
        assertThat(waited).as("backoff alone is at most 0.5 s here; Retry-After asked for 2 s").isGreaterThanOrEqualTo(1900);
    }

    @Test
    void aPermanent400IsParkedAtOnceWithItsStatusAndReasonThenReplayedSuccessfully() throws Exception {
        String id = Webhooks.newId();
        String jobId = Webhooks.newId();
        SLACK.stubFor(post(urlPathEqualTo(SLACK_WEBHOOK_PATH)).withRequestBody(containing(jobId))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/html").withBody("invalid_payload")));

        queueDelivery(id, "job.unit_moveIn.cancelled", "site-team", enriched(id, "job.unit_moveIn.cancelled", Map.of("jobId", jobId), Map.of()));

        JsonNode parked = await().atMost(Duration.ofSeconds(20)).until(() -> parkedDelivery("site-team", id), p -> p != null);
        assertThat(requestsMentioning(SLACK, jobId)).as("not retried").hasSize(1);
        assertThat(parked.get("attempts").asInt()).isEqualTo(1);
        assertThat(parked.get("lastStatus").asInt()).isEqualTo(400);
        assertThat(parked.get("reason").asText()).isEqualTo("Permanent failure: HTTP 400 from site-team: invalid_payload");
        assertThat(parked.get("eventType").asText()).isEqualTo("job.unit_moveIn.cancelled");
        assertThat(parked.get("failedAt").asText()).isNotBlank();

        // the operator fixes the cause, then replays the parked delivery
        SLACK.stubFor(post(urlPathEqualTo(SLACK_WEBHOOK_PATH)).withRequestBody(containing(jobId))
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        double delivered = deliveries("site-team", "delivered");
        HttpResponse<String> replay = admin("POST", "/admin/replay", "{\"destination\":\"site-team\",\"eventId\":\"" + id + "\"}");
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(replay.body()).get("replayed").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("site-team", "delivered") == delivered + 1);
        assertThat(requestsMentioning(SLACK, jobId)).hasSize(2);
        assertThat(parkedDelivery("site-team", id)).isNull();
    }

    @Test
    void aSlackApiErrorLikeChannelNotFoundIsPermanentButInternalErrorIsRetried() throws Exception {
        String lost = Webhooks.newId();
        String flaky = Webhooks.newId();
        SLACK.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).withRequestBody(containing(lost))
                .willReturn(okJson("{\"ok\":false,\"error\":\"channel_not_found\"}")));
        SLACK.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).withRequestBody(containing(flaky))
                .inScenario(flaky).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("fine")
                .willReturn(okJson("{\"ok\":false,\"error\":\"internal_error\"}")));
        SLACK.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).withRequestBody(containing(flaky))
                .inScenario(flaky).whenScenarioStateIs("fine").willReturn(okJson("{\"ok\":true,\"ts\":\"1503435956.000247\"}")));
        double delivered = deliveries("slack-bot", "delivered");

        queueDelivery(lost, "user.created", "slack-bot", enriched(lost, "user.created", Map.of("userId", lost), Map.of()));
        queueDelivery(flaky, "user.created", "slack-bot", enriched(flaky, "user.created", Map.of("userId", flaky), Map.of()));

        JsonNode parked = await().atMost(Duration.ofSeconds(20)).until(() -> parkedDelivery("slack-bot", lost), p -> p != null);
        assertThat(parked.get("reason").asText()).contains("channel_not_found");
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("slack-bot", "delivered") == delivered + 1);
        LoggedRequest sent = requestsMentioning(SLACK, flaky).get(1);
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer xoxb-test-token");
        assertThat(JSON.readTree(sent.getBodyAsString()).get("channel").asText()).isEqualTo("#front-desk");
    }
}
