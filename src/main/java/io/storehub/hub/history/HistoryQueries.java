package io.storehub.hub.history;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.HttpRejection;

/**
 * The read side of the event history: the searches of {@code GET /admin/events} and the console, one
 * event's timeline, events per minute and per-destination figures. Answers JSON-shaped maps (times
 * as ISO-8601 strings) that the admin API serializes and the console templates render.
 */
public class HistoryQueries {

    /** Every status an event or a delivery can have, and {@code duplicate} (Storeganise delivered it again). */
    public static final List<String> OUTCOMES = List.of("received", "dispatched", "unsubscribed", "retrying", "parked", "queued",
            "delivered", "deferred", "replayed", "skipped", "duplicate");
    private static final Set<String> EVENT_STATUSES = Set.of("received", "dispatched", "unsubscribed", "retrying", "parked");
    private static final Set<String> DELIVERY_STATUSES = Set.of("queued", "delivered", "retrying", "deferred", "parked", "replayed", "skipped");
    private static final Pattern TYPE_GLOB = Pattern.compile("[A-Za-z0-9._:*-]{1,200}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._:@+-]{1,320}");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EVENT_COLUMNS = "e.id, e.event_type, e.family, e.created_at, e.received_at, e.ack, e.duplicates,"
            + " e.last_duplicate_at, e.status, e.status_at, e.dispatches, e.fetched, e.missing, e.customer_email, e.customer_name, e.headline";

    private final DataSource dataSource;

    public HistoryQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The filters of a search, validated; {@link #parse} builds it from query parameters. */
    public record Filter(String type, String outcome, String destination, String entity, String email, Instant from, Instant to,
                         String q, String cursor, int limit) {

        public static Filter parse(Map<String, String> in) {
            String type = value(in, "type");
            if (type != null && !TYPE_GLOB.matcher(type).matches()) {
                throw new HttpRejection(400, "invalid_type", "type must be an event type or a pattern with * such as job.unit_moveIn.*");
            }
            String outcome = value(in, "outcome");
            if (outcome != null && !OUTCOMES.contains(outcome)) {
                throw new HttpRejection(400, "invalid_outcome", "outcome must be one of " + String.join(", ", OUTCOMES) + ".");
            }
            String destination = value(in, "destination");
            if (destination != null && !NAME.matcher(destination).matches()) {
                throw new HttpRejection(400, "invalid_destination", "destination must be a destination name (letters, digits, - and _).");
            }
            String entity = value(in, "entity");
            if (entity != null && !TEXT.matcher(entity).matches()) {
                throw new HttpRejection(400, "invalid_entity", "entity must be an id such as 6b016c353e7c1d9a421c0462.");
            }
            String email = value(in, "email");
            if (email != null && (!TEXT.matcher(email).matches() || !email.contains("@"))) {
                throw new HttpRejection(400, "invalid_email", "email must be an e-mail address.");
            }
            String q = value(in, "q");
            if (q != null && !TEXT.matcher(q).matches()) {
                throw new HttpRejection(400, "invalid_q", "q is matched against event ids: letters, digits and . _ : - only.");
            }
            int limit = 50;
            String l = value(in, "limit");
            if (l != null) {
                try {
                    limit = Integer.parseInt(l);
                } catch (NumberFormatException e) {
                    throw new HttpRejection(400, "invalid_limit", "limit must be a number from 1 to 500.");
                }
                if (limit < 1 || limit > 500) {
                    throw new HttpRejection(400, "invalid_limit", "limit must be a number from 1 to 500.");
                }
            }
            return new Filter(type, outcome, destination, entity, email == null ? null : email.toLowerCase(Locale.ROOT),
                    time("from", value(in, "from")), time("to", value(in, "to")), q, value(in, "cursor"), limit);
        }

        /** The filter as query parameters (without cursor): for "older" links and refreshes. */
        public Map<String, String> asParameters() {
            Map<String, String> p = new LinkedHashMap<>();
            put(p, "type", type);
            put(p, "outcome", outcome);
            put(p, "destination", destination);
            put(p, "entity", entity);
            put(p, "email", email);
            put(p, "from", from == null ? null : from.toString());
            put(p, "to", to == null ? null : to.toString());
            put(p, "q", q);
            return p;
        }

        private static void put(Map<String, String> p, String key, String value) {
            if (value != null) {
                p.put(key, value);
            }
        }

        private static String value(Map<String, String> in, String key) {
            String v = in.get(key);
            return v == null || v.isBlank() ? null : v.trim();
        }

        /** ISO-8601 instant; a date-time without zone (an HTML datetime-local field) or a date is UTC. */
        static Instant time(String name, String value) {
            if (value == null) {
                return null;
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException notInstant) {
                try {
                    return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
                    } catch (DateTimeParseException notDate) {
                        throw new HttpRejection(400, "invalid_" + name, name + " must be an ISO-8601 time such as 2026-11-21T10:00:00Z.");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ search

    /** Newest first; {@code next} is the cursor of the following page, or absent on the last one. */
    public Map<String, Object> search(Filter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(EVENT_COLUMNS).append(" FROM hub_event e WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.type() != null) {
            if (f.type().contains("*")) {
                sql.append(" AND e.event_type LIKE ? ESCAPE '\\'");
                args.add(Texts.likeGlob(f.type()));
            } else {
                sql.append(" AND e.event_type = ?");
                args.add(f.type());
            }
        }
        boolean deliveryOutcome = f.outcome() != null && DELIVERY_STATUSES.contains(f.outcome());
        if (f.destination() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM hub_delivery d WHERE d.event_id = e.id AND d.destination = ?");
            args.add(f.destination());
            if (deliveryOutcome) {
                sql.append(" AND d.status = ?");
                args.add(f.outcome());
            }
            sql.append(")");
        }
        if (f.outcome() != null && !(f.destination() != null && deliveryOutcome)) {
            if ("duplicate".equals(f.outcome())) {
                sql.append(" AND e.duplicates > 0");
            } else {
                List<String> either = new ArrayList<>();
                if (EVENT_STATUSES.contains(f.outcome())) {
                    either.add("e.status = ?");
                    args.add(f.outcome());
                }
                if (deliveryOutcome) {
                    either.add("EXISTS (SELECT 1 FROM hub_delivery d2 WHERE d2.event_id = e.id AND d2.status = ?)");
                    args.add(f.outcome());
                }
                sql.append(" AND (").append(String.join(" OR ", either)).append(")");
            }
        }
        if (f.entity() != null) {
            sql.append(" AND e.id IN (SELECT x.event_id FROM hub_event_entity x WHERE x.entity_id = ?)");
            args.add(f.entity());
        }
        if (f.email() != null) {
            sql.append(" AND e.id IN (SELECT m.event_id FROM hub_event_entity m WHERE m.entity_id = ? AND m.kind = 'email')");
            args.add(f.email());
        }
        if (f.from() != null) {
            sql.append(" AND e.received_at >= ?");
            args.add(Texts.utc(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND e.received_at < ?");
            args.add(Texts.utc(f.to()));
        }
        if (f.q() != null) {
            sql.append(" AND LOWER(e.id) LIKE ? ESCAPE '\\'");
            args.add(Texts.likeContains(f.q().toLowerCase(Locale.ROOT)));
        }
        if (f.cursor() != null) {
            Object[] c = decodeCursor(f.cursor());
            sql.append(" AND (e.received_at < ? OR (e.received_at = ? AND e.id < ?))");
            args.add(c[0]);
            args.add(c[0]);
            args.add(c[1]);
        }
        sql.append(" ORDER BY e.received_at DESC, e.id DESC FETCH FIRST ").append(f.limit() + 1).append(" ROWS ONLY");

        List<Map<String, Object>> events = new ArrayList<>();
        String next = null;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (events.size() == f.limit()) {
                        Map<String, Object> last = events.get(events.size() - 1);
                        next = encodeCursor((String) last.get("receivedAt"), (String) last.get("id"));
                        break;
                    }
                    events.add(eventRow(rs, false));
                }
            }
            attachDeliveries(c, events);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("count", events.size());
        answer.put("events", events);
        if (next != null) {
            answer.put("next", next);
        }
        return answer;
    }

    private static void attachDeliveries(Connection c, List<Map<String, Object>> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        Map<String, List<Map<String, Object>>> byEvent = new LinkedHashMap<>();
        events.forEach(e -> {
            List<Map<String, Object>> list = new ArrayList<>();
            byEvent.put((String) e.get("id"), list);
            e.put("deliveries", list);
        });
        List<String> ids = new ArrayList<>(byEvent.keySet());
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, destination, status, attempts FROM hub_delivery WHERE event_id IN ("
                + Texts.marks(ids.size()) + ") ORDER BY destination")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("destination", rs.getString("destination"));
                    d.put("status", rs.getString("status"));
                    d.put("attempts", rs.getInt("attempts"));
                    byEvent.get(rs.getString("event_id")).add(d);
                }
            }
        }
    }

    static String encodeCursor(String receivedAt, String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((receivedAt + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    private static Object[] decodeCursor(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            return new Object[] {Texts.utc(Instant.parse(raw.substring(0, bar))), raw.substring(bar + 1)};
        } catch (RuntimeException e) {
            throw new HttpRejection(400, "invalid_cursor", "cursor must be the 'next' value of a previous answer.");
        }
    }

    // ------------------------------------------------------------------ one event

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
            try (PreparedStatement ps = c.prepareStatement("SELECT destination, status, attempts, last_http_status, last_error,"
                    + " next_retry_at, delivered_at, updated_at FROM hub_delivery WHERE event_id = ? ORDER BY destination")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
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
            event.put("deliveries", deliveries);
            event.put("timeline", timeline(c, id, event));
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

    private static List<Map<String, Object>> timeline(Connection c, String id, Map<String, Object> event) throws SQLException {
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
                + " error, duration_ms, next_retry_at, actor, detail FROM hub_event_step WHERE event_id = ? ORDER BY occurred_at, step_id")) {
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
                }
            }
        }
        // a duplicate is told where it happened in time (the rows above are in order otherwise)
        timeline.sort(java.util.Comparator.comparing(s -> s.get("at") == null ? Instant.MAX : Instant.parse((String) s.get("at"))));
        return timeline;
    }

    private static Map<String, Object> eventRow(ResultSet rs, boolean full) throws SQLException {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", rs.getString("id"));
        e.put("type", rs.getString("event_type"));
        e.put("family", rs.getString("family"));
        e.put("createdAt", iso(rs, "created_at"));
        e.put("receivedAt", iso(rs, "received_at"));
        e.put("ack", rs.getString("ack"));
        e.put("duplicates", rs.getInt("duplicates"));
        e.put("status", rs.getString("status"));
        e.put("customerEmail", rs.getString("customer_email"));
        e.put("customerName", rs.getString("customer_name"));
        e.put("headline", rs.getString("headline"));
        if (full) {
            e.put("lastDuplicateAt", iso(rs, "last_duplicate_at"));
            e.put("statusAt", iso(rs, "status_at"));
            e.put("dispatches", rs.getInt("dispatches"));
            Map<String, Object> enrichment = new LinkedHashMap<>();
            enrichment.put("fetched", list(rs.getString("fetched")));
            enrichment.put("missing", list(rs.getString("missing")));
            e.put("enrichment", enrichment);
        }
        return e;
    }

    // ------------------------------------------------------------------ figures

    /** Events received per minute over the last {@code minutes} minutes up to {@code now}, oldest first, zeros included. */
    public List<Map<String, Object>> perMinute(Instant now, int minutes) throws SQLException {
        long last = now.toEpochMilli() / 60_000;
        long first = last - minutes + 1;
        Map<Long, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT received_minute, COUNT(*) FROM hub_event WHERE received_minute >= ?"
                     + " GROUP BY received_minute")) {
            ps.setLong(1, first);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (long m = first; m <= last; m++) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("minute", Instant.ofEpochSecond(m * 60).toString());
            point.put("count", counts.getOrDefault(m, 0L));
            out.add(point);
        }
        return out;
    }

    /** How many events the history holds. */
    public long count() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM hub_event");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * One destination's figures: attempts delivered / failed / parked in the last hour and day, p50/p99
     * of the attempt duration (delivered ones), the last error, deliveries waiting for a retry and the next one.
     */
    public Map<String, Object> destinationStats(String destination, Instant now) throws SQLException {
        Map<String, Object> stats = new LinkedHashMap<>();
        LocalDateTime hour = Texts.utc(now.minus(Duration.ofHours(1)));
        LocalDateTime day = Texts.utc(now.minus(Duration.ofDays(1)));
        Map<String, Long> lastHour = new LinkedHashMap<>();
        Map<String, Long> lastDay = new LinkedHashMap<>();
        for (String outcome : List.of("delivered", "failed", "parked")) {
            lastHour.put(outcome, 0L);
            lastDay.put(outcome, 0L);
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT outcome, SUM(CASE WHEN occurred_at >= ? THEN 1 ELSE 0 END), COUNT(*)"
                    + " FROM hub_event_step WHERE destination = ? AND kind = 'attempt' AND occurred_at >= ?"
                    + " AND outcome IN ('delivered', 'retry', 'parked') GROUP BY outcome")) {
                ps.setObject(1, hour);
                ps.setString(2, destination);
                ps.setObject(3, day);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String outcome = rs.getString(1);
                        long h = rs.getLong(2);
                        long d = rs.getLong(3);
                        // a parked attempt failed too
                        if (!"delivered".equals(outcome)) {
                            lastHour.merge("failed", h, Long::sum);
                            lastDay.merge("failed", d, Long::sum);
                        }
                        if (!"retry".equals(outcome)) {
                            lastHour.merge(outcome, h, Long::sum);
                            lastDay.merge(outcome, d, Long::sum);
                        }
                    }
                }
            }
            stats.put("lastHour", lastHour);
            stats.put("lastDay", lastDay);
            Map<String, Object> latency = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY duration_ms),"
                    + " PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY duration_ms), COUNT(*) FROM hub_event_step"
                    + " WHERE destination = ? AND kind = 'attempt' AND outcome = 'delivered' AND occurred_at >= ?")) {
                ps.setString(1, destination);
                ps.setObject(2, hour);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    double p50 = rs.getDouble(1);
                    boolean none = rs.wasNull();
                    double p99 = rs.getDouble(2);
                    latency.put("p50Ms", none ? null : Math.round(p50));
                    latency.put("p99Ms", none ? null : Math.round(p99));
                    latency.put("samples", rs.getLong(3));
                }
            }
            stats.put("latencyLastHour", latency);
            try (PreparedStatement ps = c.prepareStatement("SELECT occurred_at, http_status, error FROM hub_event_step"
                    + " WHERE destination = ? AND kind = 'attempt' AND outcome IN ('retry', 'parked')"
                    + " ORDER BY occurred_at DESC FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, destination);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Map<String, Object> last = new LinkedHashMap<>();
                        last.put("at", iso(rs, "occurred_at"));
                        last.put("httpStatus", integer(rs, "http_status"));
                        last.put("error", rs.getString("error"));
                        stats.put("lastError", last);
                    } else {
                        stats.put("lastError", null);
                    }
                }
            }
            Map<String, Object> backoff = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*), MIN(next_retry_at) FROM hub_delivery"
                    + " WHERE destination = ? AND status IN ('retrying', 'deferred') GROUP BY status")) {
                ps.setString(1, destination);
                backoff.put("pendingRetries", 0L);
                backoff.put("deferredByRateLimit", 0L);
                backoff.put("nextRetryAt", null);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        backoff.put("retrying".equals(rs.getString(1)) ? "pendingRetries" : "deferredByRateLimit", rs.getLong(2));
                        if ("retrying".equals(rs.getString(1))) {
                            LocalDateTime next = rs.getObject(3, LocalDateTime.class);
                            backoff.put("nextRetryAt", next == null ? null : next.toInstant(ZoneOffset.UTC).toString());
                        }
                    }
                }
            }
            stats.put("backoff", backoff);
        }
        return stats;
    }

    // ------------------------------------------------------------------ helpers

    private static String iso(ResultSet rs, String column) throws SQLException {
        Instant t = Texts.instant(rs, column);
        return t == null ? null : t.toString();
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static List<String> list(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : List.of(csv.split(","));
    }
}
