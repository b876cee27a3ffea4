package io.storehub.hub.ops;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MetricsAndHealthTest extends HubTestSupport {

    @Test
    void readinessReportsTheBrokerAndTheDatabase() throws Exception {
        HttpResponse<String> response = get("/actuator/health/readiness");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = new ObjectMapper().readTree(response.body());
        assertThat(health.get("status").asText()).isEqualTo("UP");
        // readiness: UP while either store is (StoreOutageTest); each store's own check in /actuator/health
        assertThat(health.at("/components/stores/status").asText()).isEqualTo("UP");
        JsonNode all = new ObjectMapper().readTree(get("/actuator/health").body());
        assertThat(all.at("/components/jms/status").asText()).isEqualTo("UP");
        assertThat(all.at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void prometheusCountsOutcomesByTypeAndReasonAndTimesTheAck() {
        // the hub is shared with other test classes: what this test's own posts add, not the totals
        Map<String, String> accepted = Map.of("outcome", "accepted", "type", "site.availability.updated");
        Map<String, String> duplicate = Map.of("outcome", "duplicate", "type", "site.availability.updated");
        Map<String, String> badSignature = Map.of("outcome", "rejected", "reason", "invalid_signature");
        String before = scrape();
        double acceptedBefore = sample(before, "storeganise_webhook_received_total", accepted);
        double duplicateBefore = sample(before, "storeganise_webhook_received_total", duplicate);
        double rejectedBefore = sample(before, "storeganise_webhook_received_total", badSignature);
        Map<String, Double> timedBefore = new HashMap<>();
        for (String outcome : List.of("accepted", "duplicate", "rejected")) {
            timedBefore.put(outcome, sample(before, "storeganise_webhook_ack_seconds_count", Map.of("outcome", outcome)));
        }

        String id = Webhooks.newId();
        String body = Webhooks.event(id, "site.availability.updated");
        assertThat(postSigned(body).statusCode()).isEqualTo(200);
        assertThat(postSigned(body).statusCode()).isEqualTo(200);
        assertThat(Webhooks.post(webhookUrl(), body, Webhooks.sign("wrong", body)).statusCode()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String after = scrape();
            assertThat(sample(after, "storeganise_webhook_received_total", accepted)).isEqualTo(acceptedBefore + 1);
            assertThat(sample(after, "storeganise_webhook_received_total", duplicate)).isEqualTo(duplicateBefore + 1);
            assertThat(sample(after, "storeganise_webhook_received_total", badSignature)).isEqualTo(rejectedBefore + 1);
            // every answer is timed by its outcome, the refused one too
            timedBefore.forEach((outcome, count) -> assertThat(
                    sample(after, "storeganise_webhook_ack_seconds_count", Map.of("outcome", outcome))).as(outcome).isEqualTo(count + 1));
            assertThat(after).contains("storeganise_webhook_ack_seconds_bucket");
        });
    }

    private String scrape() {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The sum of a metric's samples whose labels include all of {@code labels} (0 when there is none yet). */
    static double sample(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name)) {
                Map<String, String> found = new HashMap<>();
                Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
                while (l.find()) {
                    found.put(l.group(1), l.group(2));
                }
                if (found.entrySet().containsAll(labels.entrySet())) {
                    sum += Double.parseDouble(m.group(3));
                }
            }
        }
        return sum;
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)(?: \\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private HttpResponse<String> get(String path) {
        return Webhooks.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build());
    }
}
