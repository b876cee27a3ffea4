package io.storehub.hub.history;

import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.storehub.hub.support.Sql;

/**
 * What operators did to many deliveries at once (table {@code hub_audit}): one entry per bulk replay, written at
 * once, not through the history's queue, so it is never dropped. The dead-letters page shows the latest.
 */
public class AuditLog {

    private final DataSource dataSource;

    public AuditLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void record(String actor, String action, String destination, long items, String detail) throws SQLException {
        Sql.update(dataSource, "INSERT INTO hub_audit (occurred_at, actor, action, destination, items, detail) VALUES (?, ?, ?, ?, ?, ?)",
                Texts.utc(Instant.now()), Texts.cap(actor == null ? "unknown" : actor, 100), Texts.cap(action, 40),
                Texts.cap(destination, 64), items, Texts.cap(detail, 1000));
    }

    /** The latest {@code limit} entries, newest first: at (ISO-8601), actor, action, destination, items, detail. */
    public List<Map<String, Object>> latest(int limit) throws SQLException {
        return Sql.list(dataSource, "SELECT occurred_at, actor, action, destination, items, detail FROM hub_audit"
                + " ORDER BY occurred_at DESC, audit_id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", rs -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("at", HistoryRows.iso(rs, "occurred_at"));
                    e.put("actor", rs.getString("actor"));
                    e.put("action", rs.getString("action"));
                    e.put("destination", rs.getString("destination"));
                    e.put("items", rs.getLong("items"));
                    e.put("detail", rs.getString("detail"));
                    return e;
                });
    }
}
