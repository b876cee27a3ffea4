package io.storehub.hub.recipes;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Recipe zapier: subscribed events reach the catch hook as flat fields, the way Zapier lists them best. */
class RecipeZapierTest extends RecipeTestSupport {

    @Test
    void theEnrichedEventReachesTheCatchHookFlattened() {
        ZAPIER.stubFor(post(urlPathEqualTo(ZAPIER_PATH)).willReturn(okJson(
                "{\"attempt\":\"018bb2b4-1d2b-4d5a-9f43-8e1b2c3d4e5f\",\"id\":\"018bb2b4-1d2b-4d5a-9f43-8e1b2c3d4e60\","
                        + "\"request_id\":\"018bb2b4-1d2b-4d5a-9f43-8e1b2c3d4e61\",\"status\":\"success\"}")));

        String eventId = postSigned("user.updated", "{\"userId\":\"6b0167333e7c1d9a421c0401\",\"changedKeys\":[\"phone\",\"email\"]}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> ZAPIER.findAll(anyRequestedFor(urlPathEqualTo(ZAPIER_PATH))).stream()
                .anyMatch(r -> r.getBodyAsString().contains(eventId)));
        JsonNode fields = json(ZAPIER.findAll(anyRequestedFor(urlPathEqualTo(ZAPIER_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains(eventId)).findFirst().orElseThrow().getBodyAsString());
        assertThat(fields.get("event__id").asText()).isEqualTo(eventId);
        assertThat(fields.get("customer__email").asText()).isEqualTo("jane.doe@example.com");
        assertThat(fields.get("customer__customFields__accessPin").asText()).isEqualTo("4821");
        assertThat(fields.get("event__data__changedKeys").asText()).isEqualTo("phone, email");
        assertThat(fields.fields()).toIterable().allMatch(f -> !f.getValue().isContainerNode(), "no nested objects or arrays");
    }
}
