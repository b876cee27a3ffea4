package io.storehub.hub.deliver;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.Counter;
import io.storehub.hub.support.Webhooks;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.apache.camel.builder.Builder.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Subscriptions decide where an enriched event goes: globs, filters, many destinations, or none. */
class DeliveryFanOutTest extends DeliverTestSupport {

    @BeforeEach
    void services() {
        servicesAnswerOk();
    }

    @Test
    void anInvoiceWithATotalGoesToAccountsByEmailAndToZapier() throws Exception {
        String id = Webhooks.newId();
        String invoiceId = Webhooks.newId();
        Map<String, Object> event = enriched(id, "invoice.state.updated", Map.of("invoiceId", invoiceId, "siteId", "641029803e7c1d9a420a1101"),
                invoice(invoiceId, "INV-1042", 120.5, "paid", "Jane & John Doe"));

        deliver(event);

        MimeMessage mail = await().atMost(Duration.ofSeconds(15)).until(() -> mailAbout("INV-1042"), m -> m != null);
        assertThat(mail.getSubject()).isEqualTo("Invoice state changed #INV-1042 – EUR 120.50 (paid) – Jane & John Doe");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("accounts@example.com");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("hub@example.com");
        Multipart parts = (Multipart) mail.getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        String text = partOfType(parts, "text/plain");
        String html = partOfType(parts, "text/html");
        assertThat(text).contains("Invoice state changed", "State: paid", "Customer: Jane & John Doe", "Amount: EUR 120.50",
                "Open in Storeganise: https://demo.storeganise.com/admin/invoices/" + invoiceId);
        assertThat(html).contains("<h2", "Jane &amp; John Doe", "href=\"https://demo.storeganise.com/admin/invoices/" + invoiceId + "\"");

        await().atMost(Duration.ofSeconds(15)).until(() -> requestsMentioning(ZAPIER, id).size() == 1);
        JsonNode zapped = JSON.readTree(requestsMentioning(ZAPIER, id).get(0).getBodyAsString());
        assertThat(zapped.at("/invoice/total").asDouble()).isEqualTo(120.5);
        assertThat(zapped.at("/summary/customerName").asText()).isEqualTo("Jane & John Doe");
    }

    @Test
    void anInvoiceWithAZeroTotalIsFilteredOutAndAnEventNoSubscriptionMatchesIsCountedNotFailed() throws Exception {
        String zero = Webhooks.newId();
        NotifyBuilder fannedOut = new NotifyBuilder(camelContext).fromRoute("deliver").filter(header("SgEventId").isEqualTo(zero))
                .whenCompleted(1).create();
        deliver(enriched(zero, "invoice.state.updated", Map.of("invoiceId", zero), invoice(zero, "INV-0", 0, "paid", "Nobody")));
        assertThat(fannedOut.matches(5, TimeUnit.SECONDS)).isTrue();
        assertThat(queued("storeganise.deliveries", "SgEventId = '" + zero + "'")).isZero();

        String type = "site.availability.updated";
        double before = unsubscribed(type);
        String eventId = postSigned(type, "{\"siteId\":\"641029803e7c1d9a420a1101\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> unsubscribed(type) == before + 1);
        assertThat(queued("storeganise.deliveries", "SgEventId = '" + eventId + "'")).isZero();
        assertThat(queued("storeganise.events.DLQ", "SgEventId = '" + eventId + "'")).isZero();
    }

    @Test
    void oneEventReachesEverySubscribedDestinationWithValuesEscapedForEach() throws Exception {
        String id = Webhooks.newId();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("customer", Map.of("id", id, "firstName", "Seán \"The Boss\"", "lastName", "O'Brien <sob>", "email", "sean@example.com"));
        extra.put("summary", Map.of("customerName", "Seán \"The Boss\" O'Brien <sob>", "customerEmail", "sean@example.com",
                "headline", "Seán \"The Boss\" O'Brien <sob> signed up"));
        extra.put("links", Map.of("admin", "https://demo.storeganise.com/admin/users/" + id));

        deliver(enriched(id, "user.created", Map.of("userId", id), extra));

        await().atMost(Duration.ofSeconds(15)).until(() -> requestsMentioning(CRM, id).size() == 1
                && requestsMentioning(SLACK, id).size() == 1);
        LoggedRequest mapped = requestsMentioning(CRM, id).get(0);
        assertThat(mapped.getUrl()).isEqualTo(CRM_MAPPED_PATH);
        JsonNode json = JSON.readTree(mapped.getBodyAsString());
        assertThat(json.at("/customer/name").asText()).isEqualTo("Seán \"The Boss\" O'Brien <sob>");
        assertThat(json.get("event").asText()).isEqualTo("user.created");
        assertThat(json.get("eventId").asText()).isEqualTo(id);

        LoggedRequest slack = requestsMentioning(SLACK, id).get(0);
        assertThat(slack.getUrl()).isEqualTo("/api/chat.postMessage");
        String text = JSON.readTree(slack.getBodyAsString()).get("text").asText();
        assertThat(text).startsWith(":bust_in_silhouette: *New user* · Seán \"The Boss\" O'Brien &lt;sob&gt; · sean@example.com")
                .contains("<https://demo.storeganise.com/admin/users/" + id + "|Open in Storeganise>");
    }

    private double unsubscribed(String type) {
        Counter c = meters.find("storeganise.events.unsubscribed").tag("type", type).counter();
        return c == null ? 0 : c.count();
    }

    private static Map<String, Object> invoice(String invoiceId, String sid, double total, String state, String customer) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("invoice", Map.of("id", invoiceId, "sid", sid, "state", state, "total", total, "currency", "EUR",
                "owner", Map.of("name", customer)));
        extra.put("customer", Map.of("name", customer, "email", "billing@example.com"));
        extra.put("summary", Map.of("customerName", customer, "amount", Map.of("value", total, "currency", "EUR",
                "formatted", String.format("EUR %.2f", total)), "headline", "Invoice " + sid + " is now " + state));
        extra.put("links", Map.of("admin", "https://demo.storeganise.com/admin/invoices/" + invoiceId));
        return extra;
    }

    private static MimeMessage mailAbout(String text) throws Exception {
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            if (m.getSubject() != null && m.getSubject().contains(text)) {
                return m;
            }
        }
        return null;
    }

    private static String partOfType(Multipart parts, String type) throws Exception {
        for (int i = 0; i < parts.getCount(); i++) {
            if (parts.getBodyPart(i).getContentType().startsWith(type)) {
                return parts.getBodyPart(i).getContent().toString();
            }
        }
        throw new AssertionError("no " + type + " part");
    }
}
