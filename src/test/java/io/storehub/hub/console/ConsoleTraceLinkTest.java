package io.storehub.hub.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.storehub.hub.history.EventHistory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event's trace id (kept when traces are on, docs/operations.md) in GET /admin/events/{id} and on its
 * console page, a link to storeganise.console.trace-url. The id is written as the history keeps it:
 * this shared console hub runs with traces off.
 */
class ConsoleTraceLinkTest extends ConsoleTestSupport {

    @Test
    void anEventsTraceIdIsInTheAdminApiAndLinksToTheTracingUiFromItsPage() throws Exception {
        String id = postEvent("job.unit_moveIn.created", jobEvent(JOB));
        awaitEvent(id, e -> "delivered".equals(delivery(e, "team-slack").path("status").asText()));
        assertThat(awaitEvent(id, e -> true).path("traceId").isNull()).isTrue();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        try (Connection c = camelContext.getRegistry().findSingleByType(EventHistory.class).getDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE hub_event SET trace_id = ? WHERE id = ?")) {
            ps.setString(1, traceId);
            ps.setString(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        assertThat(awaitEvent(id, e -> true).path("traceId").asText()).isEqualTo(traceId);
        ConsoleClient browser = new ConsoleClient(port);
        browser.get("/console/login");
        browser.post("/console/login", Map.of("username", CONSOLE_USER, "password", CONSOLE_PASSWORD));
        Matcher link = Pattern.compile("<td id=\"trace-id\"><a href=\"([^\"]+)\"").matcher(browser.get("/console/events/" + id).body());
        assertThat(link.find()).isTrue();
        assertThat(attributeValue(link.group(1))).isEqualTo("https://grafana.example/explore?traceId=" + traceId);
    }

    /** An attribute value as the browser reads it (the console escapes = as &#61;, & as &amp;). */
    private static String attributeValue(String html) {
        Matcher entity = Pattern.compile("&#(\\d+);").matcher(html);
        StringBuilder b = new StringBuilder();
        while (entity.find()) {
            entity.appendReplacement(b, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(entity.group(1)))));
        }
        entity.appendTail(b);
        return b.toString().replace("&amp;", "&");
    }
}
