package io.storehub.hub.deliver;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A signed webhook in through the real HTTP ingest, out to exactly the subscribed destinations, once each. */
class DeliverEndToEndTest extends DeliverTestSupport {

    @BeforeEach
    void services() {
        servicesAnswerOk();
    }

    @Test
    void aMoveInCompletedReachesSlackTheCrmTheLogAndACustomRouteOnceEachAndNothingElse() throws Exception {
        String jobId = Webhooks.newId();
        String rentalId = Webhooks.newId();
        double logged = deliveries("audit", "delivered");
        double zapped = deliveries("zap", "delivered");
        int mails = SMTP.getReceivedMessages().length;
        String eventId = postSigned("job.unit_moveIn.completed",
                "{\"jobId\":\"" + jobId + "\",\"unitRentalId\":\"" + rentalId + "\"}");
        NotifyBuilder slackDone = whenDeliveryHandled(eventId, "site-team", 1);
        NotifyBuilder crmDone = whenDeliveryHandled(eventId, "crm", 1);

        await().atMost(Duration.ofSeconds(20)).until(() -> requestsMentioning(SLACK, jobId).size() == 1
                && requestsMentioning(CRM, eventId).size() == 1);
        assertThat(slackDone.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(crmDone.matches(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries("audit", "delivered") == logged + 1);

        LoggedRequest slack = requestsMentioning(SLACK, jobId).get(0);
        assertThat(slack.getUrl()).isEqualTo(SLACK_WEBHOOK_PATH);
        String text = JSON.readTree(slack.getBodyAsString()).get("text").asText();
        assertThat(text).startsWith(":inbox_tray: *Move-in completed*").contains("Job " + jobId, "Rental " + rentalId);

        LoggedRequest crm = requestsMentioning(CRM, eventId).get(0);
        assertThat(crm.getUrl()).isEqualTo(CRM_PATH);
        assertThat(crm.getHeader("Authorization")).isEqualTo("Bearer crm-secret-token");
        assertThat(crm.getHeader("X-Source")).isEqualTo("storeganise-hub");
        assertThat(crm.getHeader("Idempotency-Key")).isEqualTo(eventId + ":crm");
        assertThat(crm.getHeader("Content-Type")).startsWith("application/json");
        assertThat(crm.containsHeader("SgEventId")).as("internal headers do not leak").isFalse();
        JsonNode body = JSON.readTree(crm.getBodyAsString());
        assertThat(body.at("/event/id").asText()).isEqualTo(eventId);
        assertThat(body.at("/event/data/jobId").asText()).isEqualTo(jobId);
        assertThat(body.get("type").asText()).isEqualTo("job.unit_moveIn.completed");
        assertThat(body.get("family").asText()).isEqualTo("job-move-in");

        // the custom route destination (routes/examples/add-move-in-charge.camel.yaml) added the charge once
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsMentioning(STOREGANISE, eventId).size() == 1);
        LoggedRequest charge = requestsMentioning(STOREGANISE, eventId).get(0);
        assertThat(charge.getUrl()).isEqualTo("/api/v1/admin/unit-rentals/" + rentalId + "/charges");
        assertThat(charge.getHeader("Authorization")).isEqualTo("ApiKey test-api-key");
        assertThat(JSON.readTree(charge.getBodyAsString()).get("amount").asInt()).isEqualTo(25);

        // nothing for the destinations this event is not subscribed to, and nothing twice
        List<LoggedRequest> others = requestsMentioning(ZAPIER, eventId);
        assertThat(others).isEmpty();
        assertThat(deliveries("zap", "delivered")).isEqualTo(zapped);
        assertThat(SMTP.getReceivedMessages()).hasSize(mails);
        assertThat(requestsMentioning(SLACK, jobId)).hasSize(1);
        assertThat(requestsMentioning(CRM, eventId)).hasSize(1);
    }

    @Test
    void aDestinationIsNotAskedForACompressedAnswer() {
        String jobId = Webhooks.newId();
        String eventId = postSigned("job.unit_moveIn.completed",
                "{\"jobId\":\"" + jobId + "\",\"unitRentalId\":\"" + Webhooks.newId() + "\"}");

        await().atMost(Duration.ofSeconds(20)).until(() -> requestsMentioning(CRM, eventId).size() == 1);
        // its answer is read for the status and an error's first line: no gzip inflater per answer
        assertThat(requestsMentioning(CRM, eventId).get(0).containsHeader("Accept-Encoding")).isFalse();
    }
}
