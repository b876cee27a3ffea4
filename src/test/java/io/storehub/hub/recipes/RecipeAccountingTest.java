package io.storehub.hub.recipes;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recipe accounting: invoices created in Storeganise become invoices of a Xero-shaped accounting API
 * (POST /Invoices creates or updates by InvoiceNumber, the Storeganise invoice id), state changes and
 * deletions update the same invoice, and a refused invoice is parked.
 */
class RecipeAccountingTest extends RecipeTestSupport {

    private static final String INVOICE_FIXTURE = "6b017fe73e7c1d9a421c04a0";

    private static List<LoggedRequest> posted(String invoice) {
        return ACCOUNTING.findAll(postRequestedFor(urlPathEqualTo(XERO_INVOICES)).withRequestBody(containing("\"" + invoice + "\"")));
    }

    private static JsonNode invoiceOf(LoggedRequest request) {
        return json(request.getBodyAsString()).get("Invoices").get(0);
    }

    @Test
    void aCreatedInvoiceIsPostedOnceThenKeptInSyncOnPaymentAndDeletion() {
        String invoice = newId();
        stubResource("invoices", INVOICE_FIXTURE, invoice);

        String created = postSigned("unitRental.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");
        await().atMost(20, TimeUnit.SECONDS).until(() -> posted(invoice).size() == 1);
        LoggedRequest request = posted(invoice).get(0);
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer xero-access-token");
        assertThat(request.getHeader("Xero-tenant-id")).isEqualTo(XERO_TENANT);
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo(created + ":recipe-accounting");
        JsonNode body = invoiceOf(request);
        assertThat(body.get("Type").asText()).isEqualTo("ACCREC");
        assertThat(body.get("InvoiceNumber").asText()).isEqualTo(invoice);
        assertThat(body.get("Reference").asText()).isEqualTo("Storeganise invoice 1042");
        assertThat(body.get("Status").asText()).isEqualTo("AUTHORISED");
        assertThat(body.get("Contact").get("Name").asText()).isNotBlank();
        assertThat(body.get("Date").asText()).isEqualTo("2026-12-01");
        assertThat(body.get("CurrencyCode").asText()).isEqualTo("GBP");
        JsonNode line = body.get("LineItems").get(0);
        assertThat(line.get("Description").asText()).isEqualTo("Unit A12 (Dec 2026)");
        assertThat(line.get("Quantity").decimalValue()).isEqualByComparingTo("1");
        assertThat(line.get("UnitAmount").decimalValue()).isEqualByComparingTo("100");
        assertThat(line.get("TaxAmount").decimalValue()).isEqualByComparingTo("20");

        // paid in Storeganise: the same invoice number, status PAID
        stubResource("invoices", INVOICE_FIXTURE, invoice, "\"state\": \"sent\"", "\"state\": \"paid\"", "\"balance\": 120", "\"balance\": 0");
        postSigned("invoice.state.updated", "{\"invoiceId\":\"" + invoice + "\",\"siteId\":\"641029803e7c1d9a420a1101\"}");
        await().atMost(20, TimeUnit.SECONDS).until(() -> posted(invoice).size() == 2);
        JsonNode paid = invoiceOf(posted(invoice).get(1));
        assertThat(paid.get("InvoiceNumber").asText()).isEqualTo(invoice);
        assertThat(paid.get("Status").asText()).isEqualTo("PAID");

        // deleted: nothing to fetch, the id is enough to void the same invoice
        postSigned("invoice.deleted", "{\"invoiceId\":\"" + invoice + "\",\"siteId\":\"641029803e7c1d9a420a1101\"}");
        await().atMost(20, TimeUnit.SECONDS).until(() -> posted(invoice).size() == 3);
        JsonNode voided = invoiceOf(posted(invoice).get(2));
        assertThat(voided.get("InvoiceNumber").asText()).isEqualTo(invoice);
        assertThat(voided.get("Status").asText()).isEqualTo("VOIDED");
        assertThat(voided.has("LineItems")).isFalse();

        assertThat(posted(invoice)).as("each event sent once").hasSize(3);
    }

    @Test
    void anInvoiceTheAccountingApiRefusesIsParked() {
        String invoice = newId();
        stubResource("invoices", INVOICE_FIXTURE, invoice);
        ACCOUNTING.stubFor(post(urlPathEqualTo(XERO_INVOICES)).withRequestBody(containing(invoice)).atPriority(1)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"Type\":\"ValidationException\",\"Message\":\"A validation exception occurred\"}")));

        String event = newId();
        var handled = whenDeliveryHandled(event, "recipe-accounting", 1);
        postSigned(event, "valet.invoice.created", "{\"invoiceId\":\"" + invoice + "\"}");
        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();

        await().atMost(10, TimeUnit.SECONDS).until(() -> parked(event, "recipe-accounting") != null);
        JsonNode parked = parked(event, "recipe-accounting");
        assertThat(parked.get("lastStatus").asInt()).isEqualTo(400);
        assertThat(parked.get("reason").asText()).contains("HTTP 400", "ValidationException");
        assertThat(posted(invoice)).as("a 400 is not retried").hasSize(1);
    }
}
