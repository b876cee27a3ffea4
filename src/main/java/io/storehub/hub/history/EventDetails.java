package io.storehub.hub.history;

import static io.storehub.hub.history.HistoryRows.EVENT_COLUMNS;
import static io.storehub.hub.history.HistoryRows.eventRow;
import static io.storehub.hub.history.HistoryRows.integer;
import static io.storehub.hub.history.HistoryRows.iso;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The read side of the event history for one event: its whole record and timeline, and its stored bodies. */
public class EventDetails {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DataSource dataSource;

    public EventDetails(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The whole record of one event, or null when the history does not know it. */
    public Map<String, Object> detail(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<String, Object> event;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM hub_event e WHERE e.id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    event = eventRow(rs, true);
                }
            }
            event.put("traceId", traceId(c, id));
            List<Map<String, Object>> entities = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT entity_id, kind FROM hub_event_entity WHERE event_id = ? ORDER BY kind, entity_id")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> x = new LinkedHashMap<>();
                        x.put("kind", rs.getString("kind"));
                        x.put("id", rs.getString("entity_id"));
                        entities.add(x);
                    }
                }
            }
            event.put("entities", entities);
            List<Map<String, Object>> deliveries = new ArrayList<>();
            // the attempt that delivered each destination: its success record, the same row
            List<Map<String, Object>> successes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT destination, status, attempts, last_http_status, last_error,"
                    + " next_retry_at, delivered_at, updated_at, success_at, success_attempt, success_http_status, success_ms"
                    + " FROM hub_delivery WHERE event_id = ? ORDER BY destination")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getObject("success_at") != null) {
                            successes.add(successAttempt(rs));
                        }
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("destination", rs.getString("destination"));
                        d.put("status", rs.getString("status"));
                        d.put("attempts", rs.getInt("attempts"));
                        d.put("lastHttpStatus", integer(rs, "last_http_status"));
                        d.put("lastError", rs.getString("last_error"));
                        d.put("nextRetryAt", iso(rs, "next_retry_at"));
                        d.put("deliveredAt", iso(rs, "delivered_at"));
                        d.put("updatedAt", iso(rs, "updated_at"));
                        deliveries.add(d);
                    }
                }
            }
            List<Map<String, Object>> timeline = timeline(c, id, event, successes);
            queuedWithoutRow(timeline, deliveries);
            event.put("deliveries", deliveries);
            event.put("timeline", timeline);
            try (PreparedStatement ps = c.prepareStatement("SELECT webhook, webhook_truncated, enriched, enriched_truncated, enriched_bytes"
                    + " FROM hub_event_body WHERE event_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    Bodies b = rs.next() ? bodies(rs) : new Bodies(null, false, null, false, 0);
                    event.put("webhook", parsed(b.webhook(), b.webhookTruncated()));
                    event.put("body", parsed(b.enriched(), b.enrichedTruncated()));
                    event.put("bodyKept", b.enriched() != null);
                    event.put("bodyTruncated", b.enrichedTruncated());
                    event.put("bodyBytes", b.enrichedBytes());
                    if (b.enrichedTruncated()) {
                        event.put("bodyText", b.enriched());
                    }
                }
            }
            return event;
        }
    }

    /** What the history kept of an event's bodies (for a redelivery). */
    public record Bodies(String webhook, boolean webhookTruncated, String enriched, boolean enrichedTruncated, int enrichedBytes) {
    }

    /** The stored bodies of an event, or null when the event is not known. */
    public Bodies bodies(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT webhook, webhook_truncated, enriched, enriched_truncated, enriched_bytes"
                     + " FROM hub_event_body WHERE event_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? bodies(rs) : null;
            }
        }
    }

    /** The id of the event's trace (tracing on when it was processed), or null. */
    private static String traceId(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT trace_id FROM hub_event WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Bodies bodies(ResultSet rs) throws SQLException {
        return new Bodies(rs.getString("webhook"), rs.getBoolean("webhook_truncated"), rs.getString("enriched"),
                rs.getBoolean("enriched_truncated"), rs.getInt("enriched_bytes"));
    }

    private static Object parsed(String json, boolean truncated) {
        if (json == null || truncated) {
            return null;
        }
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (Exception e) {
            return null;
        }
    }

    /** The timeline's entry of the attempt that delivered a destination, from its success record (a hub_delivery row). */
    private static Map<String, Object> successAttempt(ResultSet rs) throws SQLException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("at", iso(rs, "success_at"));
        s.put("kind", "attempt");
        s.put("destination", rs.getString("destination"));
        s.put("attempt", integer(rs, "success_attempt"));
        s.put("outcome", "delivered");
        s.put("httpStatus", integer(rs, "success_http_status"));
        s.put("errorClass", null);
        s.put("error", null);
        long duration = rs.getLong("success_ms");
        s.put("durationMs", rs.wasNull() ? null : duration);
        s.put("nextRetryAt", null);
        s.put("actor", null);
        s.put("detail", null);
        return s;
    }

    /** A timeline entry the fan-out implies: the destination was queued ({@code enriched} lists it). */
    private static Map<String, Object> queuedEntry(Map<String, Object> enriched, String destination) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("at", enriched.get("at"));
        s.put("kind", "queued");
        s.put("destination", destination);
        s.put("attempt", null);
        s.put("outcome", "queued");
        s.put("httpStatus", null);
        s.put("errorClass", null);
        s.put("error", null);
        s.put("durationMs", null);
        s.put("nextRetryAt", null);
        s.put("actor", enriched.get("actor"));
        s.put("detail", null);
        return s;
    }

    /** A destination the fan-out queued whose attempt has no outcome yet (no row): listed as queued. */
    private static void queuedWithoutRow(List<Map<String, Object>> timeline, List<Map<String, Object>> deliveries) {
        Map<String, Map<String, Object>> queued = new LinkedHashMap<>();
        timeline.stream().filter(s -> "queued".equals(s.get("kind"))).forEach(s -> queued.put((String) s.get("destination"), s));
        deliveries.forEach(d -> queued.remove(d.get("destination")));
        if (queued.isEmpty()) {
            return;
        }
        queued.forEach((destination, step) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("destination", destination);
            d.put("status", "queued");
            d.put("attempts", 0);
            d.put("lastHttpStatus", null);
            d.put("lastError", null);
            d.put("nextRetryAt", null);
            d.put("deliveredAt", null);
            d.put("updatedAt", step.get("at"));
            deliveries.add(d);
        });
        deliveries.sort(java.util.Comparator.comparing(d -> (String) d.get("destination")));
    }

    private static List<Map<String, Object>> timeline(Connection c, String id, Map<String, Object> event,
                                                      List<Map<String, Object>> successes) throws SQLException {
        List<Map<String, Object>> timeline = new ArrayList<>();
        Map<String, Object> received = new LinkedHashMap<>();
        received.put("at", event.get("receivedAt"));
        received.put("kind", "received");
        received.put("outcome", event.get("ack"));
        received.put("detail", "webhook answered 200 " + event.get("ack"));
        timeline.add(received);
        int duplicates = (Integer) event.get("duplicates");
        if (duplicates > 0) {
            Map<String, Object> dup = new LinkedHashMap<>();
            dup.put("at", event.get("lastDuplicateAt"));
            dup.put("kind", "duplicate");
            dup.put("outcome", "duplicate");
            dup.put("detail", "Storeganise sent it again " + duplicates + (duplicates == 1 ? " time" : " times")
                    + " (answered 200 duplicate, not processed again); the last time at this moment");
            timeline.add(dup);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT occurred_at, kind, destination, attempt, outcome, http_status, error_class,"
                + " error, duration_ms, next_retry_at, actor, detail, destinations FROM hub_event_step WHERE event_id = ?"
                + " ORDER BY occurred_at, step_id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("at", iso(rs, "occurred_at"));
                    s.put("kind", rs.getString("kind"));
                    s.put("destination", rs.getString("destination"));
                    s.put("attempt", integer(rs, "attempt"));
                    s.put("outcome", rs.getString("outcome"));
                    s.put("httpStatus", integer(rs, "http_status"));
                    s.put("errorClass", rs.getString("error_class"));
                    s.put("error", rs.getString("error"));
                    long duration = rs.getLong("duration_ms");
                    s.put("durationMs", rs.wasNull() ? null : duration);
                    s.put("nextRetryAt", iso(rs, "next_retry_at"));
                    s.put("actor", rs.getString("actor"));
                    s.put("detail", rs.getString("detail"));
                    timeline.add(s);
                    String queued = rs.getString("destinations");
                    if (queued != null) {
                        for (String destination : queued.split(",")) {
                            timeline.add(queuedEntry(s, destination));
                        }
                    }
                }
            }
        }
        timeline.addAll(successes);
        // a duplicate is told where it happened in time (the rows above are in order otherwise)
        timeline.sort(java.util.Comparator.comparing(s -> s.get("at") == null ? Instant.MAX : Instant.parse((String) s.get("at"))));
        return timeline;
    }
}
