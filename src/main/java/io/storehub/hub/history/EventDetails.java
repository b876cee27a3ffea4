package io.storehub.hub.history;

import static io.storehub.hub.history.HistoryRows.EVENT_COLUMNS;
import static io.storehub.hub.history.HistoryRows.eventRow;
import static io.storehub.hub.history.HistoryRows.integer;
import static io.storehub.hub.history.HistoryRows.iso;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Sql;

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
            Map<String, Object> event = Sql.first(c, "SELECT " + EVENT_COLUMNS + " FROM hub_event e WHERE e.id = ?", rs -> eventRow(rs, true), id);
            if (event == null) {
                return null;
            }
            event.put("traceId", Sql.first(c, "SELECT trace_id FROM hub_event WHERE id = ?", rs -> rs.getString(1), id));
            event.put("entities", Sql.list(c, "SELECT entity_id, kind FROM hub_event_entity WHERE event_id = ? ORDER BY kind, entity_id", rs -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("kind", rs.getString("kind"));
                x.put("id", rs.getString("entity_id"));
                return x;
            }, id));
            // the attempt that delivered each destination: its success record, the same row
            List<Map<String, Object>> successes = new ArrayList<>();
            List<Map<String, Object>> deliveries = Sql.list(c, "SELECT destination, status, attempts, last_http_status, last_error,"
                    + " next_retry_at, delivered_at, updated_at, success_at, success_attempt, success_http_status, success_ms"
                    + " FROM hub_delivery WHERE event_id = ? ORDER BY destination", rs -> {
                        if (rs.getObject("success_at") != null) {
                            successes.add(step(iso(rs, "success_at"), "attempt", rs.getString("destination"), integer(rs, "success_attempt"),
                                    "delivered", integer(rs, "success_http_status"), null, null, rs.getObject("success_ms", Long.class), null,
                                    null, null));
                        }
                        return delivery(rs.getString("destination"), rs.getString("status"), rs.getInt("attempts"),
                                integer(rs, "last_http_status"), rs.getString("last_error"), iso(rs, "next_retry_at"), iso(rs, "delivered_at"),
                                iso(rs, "updated_at"));
                    }, id);
            List<Map<String, Object>> timeline = timeline(c, id, event, successes);
            queuedWithoutRow(timeline, deliveries);
            event.put("deliveries", deliveries);
            event.put("timeline", timeline);
            Bodies b = Objects.requireNonNullElse(bodies(c, id), new Bodies(null, false, null, false, 0));
            event.put("webhook", parsed(b.webhook(), b.webhookTruncated()));
            event.put("body", parsed(b.enriched(), b.enrichedTruncated()));
            event.put("bodyKept", b.enriched() != null);
            event.put("bodyTruncated", b.enrichedTruncated());
            event.put("bodyBytes", b.enrichedBytes());
            if (b.enrichedTruncated()) {
                event.put("bodyText", b.enriched());
            }
            return event;
        }
    }

    /** What the history kept of an event's bodies (for a redelivery). */
    public record Bodies(String webhook, boolean webhookTruncated, String enriched, boolean enrichedTruncated, int enrichedBytes) {
    }

    /** The stored bodies of an event, or null when the event is not known. */
    public Bodies bodies(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return bodies(c, id);
        }
    }

    private static Bodies bodies(Connection c, String id) throws SQLException {
        return Sql.first(c, "SELECT webhook, webhook_truncated, enriched, enriched_truncated, enriched_bytes FROM hub_event_body"
                + " WHERE event_id = ?", rs -> new Bodies(rs.getString("webhook"), rs.getBoolean("webhook_truncated"),
                rs.getString("enriched"), rs.getBoolean("enriched_truncated"), rs.getInt("enriched_bytes")), id);
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

    /** One entry of the timeline, its fields in the order the API shows them. */
    private static Map<String, Object> step(Object at, String kind, String destination, Integer attempt, String outcome, Integer httpStatus,
                                            String errorClass, String error, Long durationMs, String nextRetryAt, Object actor, String detail) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("at", at);
        s.put("kind", kind);
        s.put("destination", destination);
        s.put("attempt", attempt);
        s.put("outcome", outcome);
        s.put("httpStatus", httpStatus);
        s.put("errorClass", errorClass);
        s.put("error", error);
        s.put("durationMs", durationMs);
        s.put("nextRetryAt", nextRetryAt);
        s.put("actor", actor);
        s.put("detail", detail);
        return s;
    }

    private static Map<String, Object> delivery(String destination, String status, int attempts, Integer lastHttpStatus, String lastError,
                                                String nextRetryAt, String deliveredAt, Object updatedAt) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("destination", destination);
        d.put("status", status);
        d.put("attempts", attempts);
        d.put("lastHttpStatus", lastHttpStatus);
        d.put("lastError", lastError);
        d.put("nextRetryAt", nextRetryAt);
        d.put("deliveredAt", deliveredAt);
        d.put("updatedAt", updatedAt);
        return d;
    }

    /** A destination the fan-out queued whose attempt has no outcome yet (no row): listed as queued. */
    private static void queuedWithoutRow(List<Map<String, Object>> timeline, List<Map<String, Object>> deliveries) {
        Map<String, Map<String, Object>> queued = new LinkedHashMap<>();
        timeline.stream().filter(s -> "queued".equals(s.get("kind"))).forEach(s -> queued.put((String) s.get("destination"), s));
        deliveries.forEach(d -> queued.remove(d.get("destination")));
        if (queued.isEmpty()) {
            return;
        }
        queued.forEach((destination, step) -> deliveries.add(delivery(destination, "queued", 0, null, null, null, null, step.get("at"))));
        deliveries.sort(Comparator.comparing(d -> (String) d.get("destination")));
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
        Sql.list(c, "SELECT occurred_at, kind, destination, attempt, outcome, http_status, error_class, error, duration_ms, next_retry_at,"
                + " actor, detail, destinations FROM hub_event_step WHERE event_id = ? ORDER BY occurred_at, step_id", rs -> {
                    Map<String, Object> s = step(iso(rs, "occurred_at"), rs.getString("kind"), rs.getString("destination"),
                            integer(rs, "attempt"), rs.getString("outcome"), integer(rs, "http_status"), rs.getString("error_class"),
                            rs.getString("error"), rs.getObject("duration_ms", Long.class), iso(rs, "next_retry_at"), rs.getString("actor"),
                            rs.getString("detail"));
                    timeline.add(s);
                    // the destinations an enriched step queued: one queued entry each
                    String queued = rs.getString("destinations");
                    if (queued != null) {
                        for (String destination : queued.split(",")) {
                            timeline.add(step(s.get("at"), "queued", destination, null, "queued", null, null, null, null, null,
                                    s.get("actor"), null));
                        }
                    }
                    return s;
                }, id);
        timeline.addAll(successes);
        // a duplicate is told where it happened in time (the rows above are in order otherwise)
        timeline.sort(Comparator.comparing(s -> s.get("at") == null ? Instant.MAX : Instant.parse((String) s.get("at"))));
        return timeline;
    }
}
