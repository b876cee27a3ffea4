package io.storehub.hub.deliver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import io.storehub.hub.dispatch.EventCatalog;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default templates render every one of the 37 documented event types sensibly for every
 * destination type, from the bare event ({@code {event, type, family}}, enrichment missing) as
 * from a fully enriched one.
 */
class DeliveryTemplatesTest extends DeliverTestSupport {

    static Stream<String> documentedTypes() {
        return EventCatalog.TYPES.stream().map(EventCatalog.EventType::type);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedTypes")
    void eachSampleEventRendersForSlackEmailLogAndAJsonTemplateWithItsTitleAndIds(String type) throws Exception {
        Map<String, Object> event = JSON.readValue(Files.readString(Path.of("samples/events", type + ".json")), new TypeReference<>() {
        });
        Map<String, Object> bare = new LinkedHashMap<>();
        bare.put("event", event);
        bare.put("type", type);
        bare.put("family", EventCatalog.familyOf(type));
        String title = (String) asMap(TemplateModel.model(bare).get("view")).get("title");
        List<String> ids = asMap(event.get("data")).values().stream().filter(String.class::isInstance).map(String.class::cast).toList();

        String slack = render("direct:render-slack", "site-team", bare).getMessage().getBody(String.class).strip();
        assertRendered(slack, title, ids);
        assertThat(slack).startsWith(":").contains("*" + title + "*");

        Exchange email = render("direct:render-email", "accounts", bare);
        assertRendered(email.getProperty("SgSubject", String.class), title, List.of());
        assertRendered(email.getProperty("SgText", String.class), title, ids);
        assertRendered(email.getMessage().getBody(String.class), title, ids);
        assertThat(email.getMessage().getBody(String.class)).contains("<html>", "</html>");

        String log = render("direct:render-log", "audit", bare).getMessage().getBody(String.class).strip();
        assertRendered(log, title, ids);
        assertThat(log).doesNotContain("\n").contains(type, (String) event.get("id"));

        String json = render("direct:render-http", "crm-mapped", bare).getMessage().getBody(String.class);
        assertThat(JSON.readTree(json).get("eventId").asText()).isEqualTo(event.get("id"));
        assertThat(JSON.readTree(json).get("title").asText()).isEqualTo(title);
    }

    @Test
    void theTitlesTellAll37TypesApart() {
        assertThat(documentedTypes().map(t -> {
            try {
                return asMap(TemplateModel.model(Map.of("type", t, "event", Map.of("type", t))).get("view")).get("title");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).distinct()).hasSize(37);
    }

    @Test
    void anEnrichedMoveInShowsNamesAndTheLinkInsteadOfIds() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("job", Map.of("id", "6b016b353e7c1d9a421c0455", "type", "unit_moveIn", "state", "completed"));
        extra.put("unit", Map.of("id", "64103a603e7c1d9a420a1f21", "name", "A-101"));
        extra.put("customer", Map.of("firstName", "Jane", "lastName", "Doe", "email", "jane@example.com"));
        extra.put("summary", Map.of("customerName", "Jane Doe", "unitName", "A-101", "siteName", "Central", "siteCode", "CEN",
                "date", "21 Nov 2026", "headline", "Jane Doe moved into A-101 at Central"));
        extra.put("links", Map.of("admin", "https://demo.storeganise.com/admin/jobs/6b016b353e7c1d9a421c0455"));
        Map<String, Object> event = enriched("6b01af335f2b8c0d1771a405", "job.unit_moveIn.completed",
                Map.of("jobId", "6b016b353e7c1d9a421c0455", "unitRentalId", "6b016c353e7c1d9a421c0462"), extra);

        String slack = render("direct:render-slack", "site-team", event).getMessage().getBody(String.class).strip();

        assertThat(slack).isEqualTo(":inbox_tray: *Move-in completed* · Jane Doe · unit A-101 at Central (CEN) · 21 Nov 2026\n"
                + "Jane Doe moved into A-101 at Central\n"
                + "<https://demo.storeganise.com/admin/jobs/6b016b353e7c1d9a421c0455|Open in Storeganise>");
    }

    private Exchange render(String endpoint, String destination, Map<String, Object> body) {
        Exchange exchange = producer.send(endpoint, e -> {
            e.setProperty("SgDestination", destination);
            e.setProperty("SgTemplated", "crm-mapped".equals(destination));
            e.setProperty("SgDestinationType", "http");
            e.getIn().setHeader("SgFamily", body.get("family"));
            e.getIn().setBody(body);
        });
        if (exchange.getException() != null) {
            throw new AssertionError(exchange.getException());
        }
        return exchange;
    }

    private static void assertRendered(String text, String title, List<String> ids) {
        assertThat(text).isNotBlank().doesNotContain("{{", "}}").contains(title);
        ids.forEach(id -> assertThat(text).contains(id));
    }
}
