package io.storehub.hub.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * What operators did to many deliveries at once (table {@code hub_audit}, migration V60): one entry per
 * bulk replay, with who, what and how many, written at once (not through the history's background
 * queue: an operator's action is rare and its record must not be dropped). The console's dead-letters
 * page shows the latest. Each delivery's own timeline records its replay as well ({@link EventHistory#replayed}).
 */
public class AuditLog {

    private final DataSource dataSource;
    private final Clock clock;

    public AuditLog(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public AuditLog(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public void record(String actor, String action, String destination, long items, String detail) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO hub_audit (occurred_at, actor, action, destination, items, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, Texts.utc(clock.instant()));
            ps.setString(2, Texts.cap(actor == null ? "unknown" : actor, 100));
            ps.setString(3, Texts.cap(action, 40));
            Texts.setText(ps, 4, Texts.cap(destination, 64));
            ps.setLong(5, items);
            Texts.setText(ps, 6, Texts.cap(detail, 1000));
            ps.executeUpdate();
        }
    }

    /** The latest {@code limit} entries, newest first: at (ISO-8601), actor, action, destination, items, detail. */
    public List<Map<String, Object>> latest(int limit) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT occurred_at, actor, action, destination, items, detail FROM hub_audit ORDER BY occurred_at DESC, audit_id DESC FETCH FIRST "
                        + Math.max(1, limit) + " ROWS ONLY"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> e = new LinkedHashMap<>();
                Instant at = Texts.instant(rs, "occurred_at");
                e.put("at", at == null ? null : at.toString());
                e.put("actor", rs.getString("actor"));
                e.put("action", rs.getString("action"));
                e.put("destination", rs.getString("destination"));
                e.put("items", rs.getLong("items"));
                e.put("detail", rs.getString("detail"));
                out.add(e);
            }
        }
        return out;
    }
}
