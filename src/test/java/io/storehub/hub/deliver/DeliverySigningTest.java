package io.storehub.hub.deliver;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.support.StandardWebhooksReceiver;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An http destination with two signing secrets sends Standard Webhooks headers whose signatures
 * a receiver recomputes, here with nothing but the JDK from the spec's formula
 * (base64(HMAC-SHA256(key, "id.timestamp.body"))), over the exact bytes the destination received;
 * the {@code webhook-id} stays the same across a retry and a replay.
 */
class DeliverySigningTest extends DeliverTestSupport {

    @BeforeEach
    void services() {
        servicesAnswerOk();
    }

    @Test
    void aSignedDeliveryCarriesOneSignaturePerSecretOverTheBytesReceived() throws Exception {
        String id = Webhooks.newId();
        long before = Instant.now().getEpochSecond();

        queueDelivery(id, "job.unit_moveIn.completed", "crm-signed", enriched(id, "job.unit_moveIn.completed", Map.of("jobId", id), Map.of()));

        LoggedRequest received = await().atMost(Duration.ofSeconds(20)).until(() -> receivedBy(id), r -> r.size() == 1).get(0);
        long after = Instant.now().getEpochSecond();
        String webhookId = received.getHeader("webhook-id");
        String timestamp = received.getHeader("webhook-timestamp");
        assertThat(webhookId).matches("msg_[A-Za-z0-9_-]{32}");
        assertThat(Long.parseLong(timestamp)).as("seconds, taken at the send").isBetween(before, after);
        assertThat(received.getHeader("webhook-signature")).isEqualTo("v1," + sign(whsecKey(SIGNING_SECRET), webhookId, timestamp, received.getBody())
                + " v1," + sign(OLD_SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), webhookId, timestamp, received.getBody()));
        assertThat(JSON.readTree(received.getBody()).get("event").get("id").asText()).as("the body is the enriched event").isEqualTo(id);
        assertThat(received.getHeader("Idempotency-Key")).isEqualTo(id + ":crm-signed");
    }

    @Test
    void aRetriedDeliveryKeepsItsWebhookIdAndIsSignedAgainAtEachAttempt() throws Exception {
        String id = Webhooks.newId();
        CRM.stubFor(post(urlPathEqualTo(CRM_SIGNED_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .inScenario(id).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":\"busy\"}")));
        CRM.stubFor(post(urlPathEqualTo(CRM_SIGNED_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .inScenario(id).whenScenarioStateIs("recovered").willReturn(okJson("{\"received\":true}")));
        double delivered = deliveries("crm-signed", "delivered");

        queueDelivery(id, "invoice.state.updated", "crm-signed", enriched(id, "invoice.state.updated", Map.of("invoiceId", id), Map.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("crm-signed", "delivered") == delivered + 1);
        List<LoggedRequest> attempts = receivedBy(id);
        assertThat(attempts).hasSize(2);
        assertThat(attempts).extracting(r -> r.getHeader("webhook-id")).containsOnly(attempts.get(0).getHeader("webhook-id"));
        for (LoggedRequest attempt : attempts) {
            assertThat(attempt.getHeader("webhook-signature")).as("each attempt verifies with its own timestamp")
                    .startsWith("v1," + sign(whsecKey(SIGNING_SECRET), attempt.getHeader("webhook-id"),
                            attempt.getHeader("webhook-timestamp"), attempt.getBody()) + " ");
        }
    }

    @Test
    void aReplayedDeliveryKeepsItsWebhookIdSoTheReceiverCanDropARepeat() throws Exception {
        String id = Webhooks.newId();
        CRM.stubFor(post(urlPathEqualTo(CRM_SIGNED_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"unknown customer\"}")));

        queueDelivery(id, "user.created", "crm-signed", enriched(id, "user.created", Map.of("userId", id), Map.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> parkedDelivery("crm-signed", id), p -> p != null);
        CRM.stubFor(post(urlPathEqualTo(CRM_SIGNED_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .willReturn(okJson("{\"received\":true}")));
        HttpResponse<String> replay = admin("POST", "/admin/replay", "{\"destination\":\"crm-signed\",\"eventId\":\"" + id + "\"}");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);

        List<LoggedRequest> attempts = await().atMost(Duration.ofSeconds(20)).until(() -> receivedBy(id), r -> r.size() == 2);
        assertThat(attempts.get(1).getHeader("webhook-id")).isEqualTo(attempts.get(0).getHeader("webhook-id"));
    }

    @Test
    void aDestinationWithoutASigningSecretSendsNoSignatureHeaders() throws Exception {
        String id = Webhooks.newId();
        double delivered = deliveries("crm", "delivered");

        queueDelivery(id, "job.unit_moveIn.completed", "crm", enriched(id, "job.unit_moveIn.completed", Map.of("jobId", id), Map.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("crm", "delivered") == delivered + 1);
        LoggedRequest received = requestsMentioning(CRM, id).get(0);
        assertThat(received.containsHeader("webhook-signature")).isFalse();
        assertThat(received.containsHeader("webhook-id")).isFalse();
    }

    private static List<LoggedRequest> receivedBy(String eventId) {
        return CRM.findAll(postRequestedFor(urlPathEqualTo(CRM_SIGNED_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(eventId)));
    }

    private static String sign(byte[] key, String id, String timestamp, byte[] body) {
        return StandardWebhooksReceiver.sign(key, id, timestamp, body);
    }

    private static byte[] whsecKey(String secret) {
        return StandardWebhooksReceiver.key(secret);
    }
}
