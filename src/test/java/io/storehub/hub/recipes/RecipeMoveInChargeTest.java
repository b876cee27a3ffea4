package io.storehub.hub.recipes;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Recipe move-in-charge: a completed move-in adds the configured charge to its unit rental in Storeganise, once. */
class RecipeMoveInChargeTest extends RecipeTestSupport {

    private static final String RENTAL_FIXTURE = "6b016c353e7c1d9a421c0462";
    private static final String JOB = "6b016b353e7c1d9a421c0455";

    /**
     * The job fixture under a new id: each test is a different move-in. (Events about one job are kept in
     * order, so a move-in parked by one test would hold back the next test's events of the same job.)
     */
    private static String job() {
        String id = newId();
        stubResource("jobs", JOB, id);
        return id;
    }

    @Test
    void aCompletedMoveInAddsTheConfiguredChargeToTheRentalKeepingItsOtherCharges() {
        String rental = newId();
        stubResource("unit-rentals", RENTAL_FIXTURE, rental);
        stubStoreganise(put(urlPathEqualTo("/api/v1/admin/unit-rentals/" + rental)), 200, "{\"id\":\"" + rental + "\"}");

        String eventId = postSigned("job.unit_moveIn.completed", "{\"jobId\":\"" + job() + "\",\"unitRentalId\":\"" + rental + "\"}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> storeganiseRequests("PUT", "/v1/admin/unit-rentals/" + rental).size() == 1);
        LoggedRequest request = storeganiseRequests("PUT", "/v1/admin/unit-rentals/" + rental).get(0);
        assertThat(request.getHeader("Authorization")).isEqualTo("ApiKey " + KEY);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        JsonNode charges = json(request.getBodyAsString()).get("charges");
        assertThat(charges).hasSize(2);
        assertThat(charges.get(0).get("id").asText()).as("existing charge kept").isEqualTo("6b016c353e7c1d9a421cc001");
        assertThat(charges.get(1).get("title").get("en").asText()).isEqualTo("Padlock");
        assertThat(charges.get(1).get("amount").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(charges.get(1).get("note").asText()).contains(eventId);
    }

    @Test
    void aChargeAlreadyOnTheRentalForThisEventIsNotAddedAgain() {
        // an earlier attempt added it, then the hub stopped before recording the success
        String rental = newId();
        String eventId = newId();
        stubResource("unit-rentals", RENTAL_FIXTURE, rental, "\"amount\": 9.5\n    }",
                "\"amount\": 9.5\n    }, {\"title\": {\"en\": \"Padlock\"}, \"amount\": 12.5, \"note\": \"Added by the webhook hub for move-in event " + eventId + "\"}");
        stubStoreganise(put(urlPathEqualTo("/api/v1/admin/unit-rentals/" + rental)), 200, "{}");
        var handled = whenDeliveryHandled(eventId, "recipe-move-in-charge", 1);

        postSigned(eventId, "job.unit_moveIn.completed", "{\"jobId\":\"" + job() + "\",\"unitRentalId\":\"" + rental + "\"}");

        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(storeganiseRequests("GET", "/v1/admin/unit-rentals/" + rental)).as("read fresh before writing").hasSizeGreaterThanOrEqualTo(2);
        assertThat(storeganiseRequests("PUT", "/v1/admin/unit-rentals/" + rental)).isEmpty();
    }

    @Test
    void aRentalStoreganiseRefusesToUpdateIsParkedNotRetried() {
        String rental = newId();
        stubResource("unit-rentals", RENTAL_FIXTURE, rental);
        stubStoreganise(put(urlPathEqualTo("/api/v1/admin/unit-rentals/" + rental)), 400,
                "{\"error\":{\"status\":400,\"message\":\"charges.1.amount must be a number\"}}");
        String eventId = newId();
        var handled = whenDeliveryHandled(eventId, "recipe-move-in-charge", 1);

        postSigned(eventId, "job.unit_moveIn.completed", "{\"jobId\":\"" + job() + "\",\"unitRentalId\":\"" + rental + "\"}");

        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(10, TimeUnit.SECONDS).until(() -> parked(eventId, "recipe-move-in-charge") != null);
        assertThat(parked(eventId, "recipe-move-in-charge").get("reason").asText()).contains("HTTP 400");
        assertThat(storeganiseRequests("PUT", "/v1/admin/unit-rentals/" + rental)).hasSize(1);
    }
}
