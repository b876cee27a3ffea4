package io.storehub.hub.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.history.EventHistory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The purge the history-purge route runs: retention and size bound, each event with its whole record. */
class HistoryRetentionTest extends ConsoleTestSupport {

    @Test
    void thePurgeForgetsEventsOlderThanTheRetentionWithTheirWholeRecord() throws Exception {
        String old = postEvent("job.unit_moveIn.created", jobEvent(JOB));
        JsonNode oldRecord = awaitEvent(old, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText())
                && "delivered".equals(delivery(e, "team-slack").path("status").asText()));
        assertThat(rows(old)).as("steps, entities, deliveries, body").allSatisfy(n -> assertThat(n).isPositive());
        // The cutoff from the record itself: the history keeps milliseconds, and an Instant.now() taken here
        // could share its millisecond with the next event's arrival and purge it too.
        Instant cutoff = Instant.parse(oldRecord.get("receivedAt").asText()).plusMillis(1);
        String recent = postEvent("unit.blocked", "{\"unitId\":\"" + UNIT + "\"}");
        awaitEvent(recent, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));

        int purged = history().purge(cutoff, Long.MAX_VALUE);

        assertThat(purged).isPositive();
        assertThat(admin("GET", "/admin/events/" + old).statusCode()).isEqualTo(404);
        // steps, entities and body forgotten; of the deliveries only the success records, which "already
        // delivered?" reads for the dedupe window (DeliveryRecord; forgotten by forget-delivery-records after it)
        List<Integer> left = rows(old);
        assertThat(List.of(left.get(0), left.get(1), left.get(3))).containsOnly(0);
        assertThat(left.get(2)).isEqualTo(2).isEqualTo(count("SELECT COUNT(*) FROM hub_delivery WHERE event_id = ? AND success_at IS NOT NULL"
                + " AND status = 'delivered'", old));
        assertThat(adminJson("/admin/events/" + recent).get("timeline").size()).isGreaterThan(2);
        assertThat(rows(recent)).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void theSizeBoundKeepsOnlyTheNewestEvents() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = postEvent("unit.unassigned", "{\"unitId\":\"" + UNIT + "\"}");
            awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));
            ids.add(id);
        }

        history().purge(Instant.EPOCH, 2);

        assertThat(adminJson("/admin/overview").at("/events/stored").asLong()).isEqualTo(2);
        assertThat(admin("GET", "/admin/events/" + ids.get(0)).statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/admin/events/" + ids.get(1)).statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/admin/events/" + ids.get(2)).statusCode()).isEqualTo(200);
        assertThat(admin("GET", "/admin/events/" + ids.get(3)).statusCode()).isEqualTo(200);
    }

    private EventHistory history() {
        return camelContext.getRegistry().findSingleByType(EventHistory.class);
    }

    private int count(String sql, String id) throws Exception {
        try (Connection c = history().getDataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Rows of the event in hub_event_step, hub_event_entity, hub_delivery and hub_event_body. */
    private List<Integer> rows(String id) throws Exception {
        List<Integer> counts = new ArrayList<>();
        try (Connection c = history().getDataSource().getConnection()) {
            for (String table : List.of("hub_event_step", "hub_event_entity", "hub_delivery", "hub_event_body")) {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE event_id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        counts.add(rs.getInt(1));
                    }
                }
            }
        }
        return counts;
    }
}
