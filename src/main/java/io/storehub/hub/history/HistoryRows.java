package io.storehub.hub.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads history rows into the JSON-shaped maps the admin API and the console show (times as ISO-8601 strings). */
final class HistoryRows {

    static final String EVENT_COLUMNS = "e.id, e.event_type, e.family, e.created_at, e.received_at, e.ack, e.duplicates,"
            + " e.last_duplicate_at, e.status, e.status_at, e.dispatches, e.fetched, e.missing, e.customer_email, e.customer_name, e.headline, e.tenant";

    private HistoryRows() {
    }

    static Map<String, Object> eventRow(ResultSet rs, boolean full) throws SQLException {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", rs.getString("id"));
        e.put("tenant", rs.getString("tenant")); // null: the hub's own
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

    static String iso(ResultSet rs, String column) throws SQLException {
        Instant t = Texts.instant(rs, column);
        return t == null ? null : t.toString();
    }

    static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static List<String> list(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : List.of(csv.split(","));
    }
}
