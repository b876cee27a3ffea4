package io.storehub.hub.recipes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
 * Recipe payment: a new invoice with a balance is charged through the gateway (a card-gateway stand-in
 * that, like the real ones, answers a repeated Idempotency-Key with the original charge), the payment is
 * recorded on the invoice in Storeganise; a decline creates a staff task; an invoice is never charged twice.
 */
class RecipePaymentTest extends RecipeTestSupport {

    private static final String INVOICE_FIXTURE = "6b017fe73e7c1d9a421c04a0";

    /** An invoice of this test only (balance 120, like the fixture), with the payments endpoint answering. */
    private static String newInvoice(String... replacements) {
        String invoice = newId();
        stubResource("invoices", INVOICE_FIXTURE, invoice, replacements);
        stubStoreganise(post(urlPathEqualTo("/api/v1/admin/invoices/" + invoice + "/payments")), 200,
                "{\"id\":\"" + newId() + "\",\"amount\":120}");
        stubStoreganise(post(urlPathEqualTo("/api/v1/admin/jobs")), 200, "{\"id\":\"" + newId() + "\",\"type\":\"task\"}");
        return invoice;
    }

    private static void gatewayApproves(String invoice, String chargeId) {
        GATEWAY.stubFor(post(urlPathEqualTo("/v1/charges")).withHeader("Idempotency-Key", equalTo(invoice))
                .willReturn(okJson("{\"id\":\"" + chargeId + "\",\"object\":\"charge\",\"amount\":12000,\"status\":\"succeeded\"}")));
    }

    private static List<LoggedRequest> charges(String invoice) {
        return GATEWAY.findAll(postRequestedFor(urlPathEqualTo("/v1/charges")).withHeader("Idempotency-Key", equalTo(invoice)));
    }

    @Test
    void aNewInvoiceIsChargedOnceAndThePaymentRecordedOnTheInvoice() {
        String invoice = newInvoice();
        gatewayApproves(invoice, "ch_3PZ9" + invoice);

        postSigned("unitRental.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments").size() == 1);
        LoggedRequest charge = charges(invoice).get(0);
        assertThat(charge.getHeader("Authorization")).isEqualTo("Bearer sk_test_gateway");
        JsonNode body = json(charge.getBodyAsString());
        assertThat(body.get("amount").asInt()).isEqualTo(12000);
        assertThat(body.get("currency").asText()).isEqualTo("gbp");
        assertThat(body.get("metadata").get("invoiceId").asText()).isEqualTo(invoice);
        JsonNode payment = json(storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments").get(0).getBodyAsString());
        assertThat(payment.get("amount").decimalValue()).isEqualByComparingTo("120");
        assertThat(payment.get("ref").asText()).isEqualTo("ch_3PZ9" + invoice);
        assertThat(charges(invoice)).hasSize(1);
        assertThat(storeganiseRequests("POST", "/v1/admin/jobs")).noneMatch(r -> r.getBodyAsString().contains(invoice));
    }

    @Test
    void aSecondEventForAnInvoiceAlreadyChargedNeverChargesAgain() {
        // Storeganise still shows the balance (the payment not yet visible), and a second event arrives
        String invoice = newInvoice();
        gatewayApproves(invoice, "ch_first");
        postSigned("unitRental.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");
        await().atMost(20, TimeUnit.SECONDS).until(() -> storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments").size() == 1);

        String second = newId();
        var handled = whenDeliveryHandled(second, "recipe-payment", 1);
        postSigned(second, "unitRental.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");

        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(charges(invoice)).hasSize(1);
        assertThat(storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments")).hasSize(1);
    }

    @Test
    void aRedeliveredEventIsNotChargedAgain() throws Exception {
        String invoice = newInvoice();
        gatewayApproves(invoice, "ch_redelivered");
        String eventId = postSigned("unitRental.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");
        await().atMost(20, TimeUnit.SECONDS).until(() -> storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments").size() == 1);

        // the same delivery message again, as after a crash or a replay
        var handled = whenDeliveryHandled(eventId, "recipe-payment", 1);
        Map<String, Object> enriched = Map.of("event", Map.of("id", eventId, "type", "unitRental.invoice.created",
                "data", Map.of("invoiceId", invoice)), "type", "unitRental.invoice.created", "family", "unit-rental",
                "invoice", Map.of("id", invoice, "balance", 120));
        producer.sendBodyAndHeaders("jms:queue:storeganise.deliveries?exchangePattern=InOnly", JSON.writeValueAsString(enriched),
                Map.of("SgEventId", eventId, "SgEventType", "unitRental.invoice.created", "SgFamily", "unit-rental",
                        "SgReceivedAt", System.currentTimeMillis(), "SgDestination", "recipe-payment"));

        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(charges(invoice)).hasSize(1);
        assertThat(storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments")).hasSize(1);
    }

    @Test
    void aDeclinedChargeCreatesATaskForTheStaffAndRecordsNoPayment() {
        String invoice = newInvoice();
        GATEWAY.stubFor(post(urlPathEqualTo("/v1/charges")).withHeader("Idempotency-Key", equalTo(invoice))
                .willReturn(aResponse().withStatus(402).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\",\"decline_code\":\"insufficient_funds\","
                                + "\"message\":\"Your card has insufficient funds.\"}}")));

        postSigned("valet.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> storeganiseRequests("POST", "/v1/admin/jobs").stream()
                .anyMatch(r -> r.getBodyAsString().contains(invoice)));
        JsonNode task = json(storeganiseRequests("POST", "/v1/admin/jobs").stream()
                .filter(r -> r.getBodyAsString().contains(invoice)).findFirst().orElseThrow().getBodyAsString());
        assertThat(task.get("type").asText()).isEqualTo("task");
        assertThat(task.get("ownerId").asText()).isEqualTo("6b0167333e7c1d9a421c0401");
        assertThat(task.get("data").get("desc").asText()).contains("Your card has insufficient funds.");
        assertThat(storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments")).isEmpty();
        assertThat(charges(invoice)).hasSize(1);
    }

    @Test
    void aGatewayOutageIsRetriedWithTheSameIdempotencyKeyAndChargesOnce() {
        String invoice = newInvoice();
        GATEWAY.stubFor(post(urlPathEqualTo("/v1/charges")).withHeader("Idempotency-Key", equalTo(invoice))
                .inScenario(invoice).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("upstream connect error")).willSetStateTo("up"));
        GATEWAY.stubFor(post(urlPathEqualTo("/v1/charges")).withHeader("Idempotency-Key", equalTo(invoice))
                .inScenario(invoice).whenScenarioStateIs("up")
                .willReturn(okJson("{\"id\":\"ch_after_outage\",\"status\":\"succeeded\"}")));

        postSigned("unitRental.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments").size() == 1);
        assertThat(charges(invoice)).hasSize(2).allMatch(r -> r.getHeader("Idempotency-Key").equals(invoice));
        assertThat(storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments").get(0).getBodyAsString()).contains("ch_after_outage");
    }

    @Test
    void anInvoicePaidBeforeTheChargeIsNotCharged() {
        // enrichment saw a balance; by the time the recipe reads the invoice afresh it has been paid
        String invoice = newInvoice();
        String unpaid = io.storehub.hub.support.StoreganiseStub.fixture("invoices/" + INVOICE_FIXTURE).replace(INVOICE_FIXTURE, invoice);
        String paid = unpaid.replace("\"balance\": 120", "\"balance\": 0").replace("\"state\": \"sent\"", "\"state\": \"paid\"");
        var get = com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/api/v1/admin/invoices/" + invoice));
        STOREGANISE.server().stubFor(get.atPriority(1).inScenario("paid-" + invoice).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(io.storehub.hub.support.StoreganiseStub.json(200, unpaid)).willSetStateTo("paid"));
        STOREGANISE.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/api/v1/admin/invoices/" + invoice))
                .atPriority(1).inScenario("paid-" + invoice).whenScenarioStateIs("paid")
                .willReturn(io.storehub.hub.support.StoreganiseStub.json(200, paid)));
        gatewayApproves(invoice, "ch_never");
        String eventId = newId();
        var handled = whenDeliveryHandled(eventId, "recipe-payment", 1);

        postSigned(eventId, "unitRental.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");

        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(charges(invoice)).isEmpty();
        assertThat(storeganiseRequests("POST", "/v1/admin/invoices/" + invoice + "/payments")).isEmpty();
    }
}
