package io.storehub.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

/**
 * The webhook endpoint's refusals on Spring Boot, case by case from src/test/resources/webhook-answers.json,
 * the table the Camel Quarkus proof (k8s/camel-k/quarkus, HubOnCamelQuarkusTest) runs too: both runtimes
 * answer each case with the same status and the same JSON error code.
 */
class WebhookAnswersTest extends HubTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCaseOfTheSharedTableGetsItsStatusAndJsonErrorCode() throws IOException {
        JsonNode cases = JSON.readTree(Files.readString(Path.of("src/test/resources/webhook-answers.json"))).get("cases");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(4);
        for (JsonNode c : cases) {
            String body = body(c);
            String signature = switch (c.get("signature").asText()) {
                case "valid" -> Webhooks.sign(SECRET, body);
                case "other-body" -> Webhooks.sign(SECRET, body + " ");
                default -> null;
            };

            HttpResponse<String> response = Webhooks.post(webhookUrl(), body, signature);

            String name = c.get("name").asText();
            assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(c.get("status").asInt());
            assertThat(response.headers().firstValue("Content-Type")).as(name).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(JSON.readTree(response.body()).path("error").asText()).as(name).isEqualTo(c.get("error").asText());
        }
    }

    static String body(JsonNode c) {
        if (c.has("json")) {
            return c.get("json").asText();
        }
        if (c.has("padding")) {
            return "{\"pad\":\"" + "x".repeat(c.get("padding").asInt()) + "\"}";
        }
        return Webhooks.event(Webhooks.newId(), "unit.occupied", Instant.now(), "{\"unitId\":\"64103a603e7c1d9a420a1f21\"}");
    }
}
