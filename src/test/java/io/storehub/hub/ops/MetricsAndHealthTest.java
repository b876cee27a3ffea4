package io.storehub.hub.ops;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsAndHealthTest extends HubTestSupport {

    @Test
    void readinessReportsTheBrokerAndTheDatabase() throws Exception {
        HttpResponse<String> response = get("/actuator/health/readiness");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = new ObjectMapper().readTree(response.body());
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/jms/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void prometheusCountsOutcomesByTypeAndReasonAndTimesTheAck() {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, "site.availability.updated");
        postSigned(body);
        postSigned(body);
        Webhooks.post(webhookUrl(), body, Webhooks.sign("wrong", body));

        String scrape = get("/actuator/prometheus").body();
        assertThat(scrape).containsPattern(
                "storeganise_webhook_received_total\\{[^}]*outcome=\"accepted\"[^}]*type=\"site.availability.updated\"[^}]*} [1-9]");
        assertThat(scrape).containsPattern(
                "storeganise_webhook_received_total\\{[^}]*outcome=\"duplicate\"[^}]*type=\"site.availability.updated\"[^}]*} [1-9]");
        assertThat(scrape).containsPattern(
                "storeganise_webhook_received_total\\{[^}]*outcome=\"rejected\",reason=\"invalid_signature\"[^}]*} [1-9]");
        assertThat(scrape).containsPattern("storeganise_webhook_ack_seconds_count\\{[^}]*} [1-9]");
        assertThat(scrape).contains("storeganise_webhook_ack_seconds_bucket");
    }

    private HttpResponse<String> get(String path) {
        return Webhooks.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build());
    }
}
