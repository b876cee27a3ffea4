package io.storehub.hub.history;

import static io.storehub.hub.history.HistoryRows.EVENT_COLUMNS;
import static io.storehub.hub.history.HistoryRows.eventRow;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.Sql;

/**
 * The event searches of {@code GET /admin/events} and the console ({@link HistoryFilter}), as JSON-shaped
 * maps (times as ISO-8601 strings); one event is read by {@link EventDetails}, the figures by {@link HistoryFigures}.
 */
public class HistoryQueries {

    private final DataSource dataSource;

    public HistoryQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Newest first, only the events of {@code onlyTenant} unless it is null (the caller's scope); {@code next}
     * is the cursor of the following page, or absent on the last one.
     */
    public Map<String, Object> search(HistoryFilter f, String onlyTenant) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(EVENT_COLUMNS).append(" FROM hub_event e WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        // both when both: another tenant's filter finds nothing
        Texts.and(sql, args, " AND e.tenant = ?", onlyTenant);
        Texts.and(sql, args, " AND e.tenant = ?", f.tenant());
        Texts.typeAndReceived(sql, args, f.type(), f.from(), f.to());
        boolean deliveryOutcome = f.outcome() != null && HistoryFilter.DELIVERY_STATUSES.contains(f.outcome());
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
                if (HistoryFilter.EVENT_STATUSES.contains(f.outcome())) {
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
        Texts.and(sql, args, " AND e.id IN (SELECT x.event_id FROM hub_event_entity x WHERE x.entity_id = ?)", f.entity());
        Texts.and(sql, args, " AND e.id IN (SELECT m.event_id FROM hub_event_entity m WHERE m.entity_id = ? AND m.kind = 'email')", f.email());
        if (f.q() != null) {
            Texts.and(sql, args, " AND LOWER(e.id) LIKE ? ESCAPE '\\'", Texts.likeContains(f.q().toLowerCase(Locale.ROOT)));
        }
        if (f.cursor() != null) {
            Object[] c = decodeCursor(f.cursor());
            sql.append(" AND (e.received_at < ? OR (e.received_at = ? AND e.id < ?))");
            args.addAll(List.of(c[0], c[0], c[1]));
        }
        sql.append(" ORDER BY e.received_at DESC, e.id DESC FETCH FIRST ").append(f.limit() + 1).append(" ROWS ONLY");

        List<Map<String, Object>> events;
        String next = null;
        try (Connection c = dataSource.getConnection()) {
            events = Sql.list(c, sql.toString(), rs -> eventRow(rs, false), args.toArray());
            if (events.size() > f.limit()) { // the one row beyond the page: there is a next page
                events.remove(f.limit());
                Map<String, Object> last = events.get(events.size() - 1);
                next = encodeCursor((String) last.get("receivedAt"), (String) last.get("id"));
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
        Sql.list(c, "SELECT event_id, destination, status, attempts FROM hub_delivery WHERE event_id IN (" + Texts.marks(byEvent.size())
                + ") ORDER BY destination", rs -> {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("destination", rs.getString("destination"));
                    d.put("status", rs.getString("status"));
                    d.put("attempts", rs.getInt("attempts"));
                    byEvent.get(rs.getString("event_id")).add(d);
                    return d;
                }, byEvent.keySet().toArray());
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
}
