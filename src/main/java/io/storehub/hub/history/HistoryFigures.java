package io.storehub.hub.history;

import static io.storehub.hub.history.HistoryRows.integer;
import static io.storehub.hub.history.HistoryRows.iso;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.storehub.hub.support.Sql;

/** The figures the console's overview and destinations pages show: events per minute, events stored, per-destination health. */
public class HistoryFigures {

    private final DataSource dataSource;

    public HistoryFigures(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Events received per minute over the last {@code minutes} minutes up to {@code now}, oldest first, zeros included. */
    public List<Map<String, Object>> perMinute(Instant now, int minutes, String tenant) throws SQLException {
        long last = now.toEpochMilli() / 60_000;
        long first = last - minutes + 1;
        Map<Long, Long> counts = new LinkedHashMap<>();
        Sql.list(dataSource, "SELECT received_minute, COUNT(*) FROM hub_event WHERE received_minute >= ?"
                + (tenant == null ? "" : " AND tenant = ?") + " GROUP BY received_minute",
                rs -> counts.put(rs.getLong(1), rs.getLong(2)), tenant == null ? new Object[] {first} : new Object[] {first, tenant});
        List<Map<String, Object>> out = new ArrayList<>();
        for (long m = first; m <= last; m++) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("minute", Instant.ofEpochSecond(m * 60).toString());
            point.put("count", counts.getOrDefault(m, 0L));
            out.add(point);
        }
        return out;
    }

    /** How many events (of {@code tenant}, or all when null) the history holds. */
    public long count(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return tenant == null ? Sql.count(c, "SELECT COUNT(*) FROM hub_event")
                    : Sql.count(c, "SELECT COUNT(*) FROM hub_event WHERE tenant = ?", tenant);
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
            Sql.list(c, "SELECT outcome, SUM(CASE WHEN occurred_at >= ? THEN 1 ELSE 0 END), COUNT(*)"
                    + " FROM hub_event_step WHERE destination = ? AND kind = 'attempt' AND occurred_at >= ?"
                    + " AND outcome IN ('delivered', 'retry', 'parked') GROUP BY outcome", rs -> {
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
                        return outcome;
                    }, hour, destination, day);
            // the delivered attempts: their success records, plus the manual redeliveries' attempt steps (above);
            // updated_at >= success_at, so its bound selects the same rows through hub_delivery_replay (V73)
            Sql.first(c, "SELECT SUM(CASE WHEN success_at >= ? THEN 1 ELSE 0 END), COUNT(*) FROM hub_delivery"
                    + " WHERE destination = ? AND status = 'delivered' AND updated_at >= ? AND success_at >= ?", rs -> {
                        lastHour.merge("delivered", rs.getLong(1), Long::sum);
                        return lastDay.merge("delivered", rs.getLong(2), Long::sum);
                    }, hour, destination, day, day);
            stats.put("lastHour", lastHour);
            stats.put("lastDay", lastDay);
            stats.put("latencyLastHour", Sql.first(c, "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ms),"
                    + " PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY ms), COUNT(*) FROM (SELECT success_ms AS ms FROM hub_delivery"
                    + " WHERE destination = ? AND status = 'delivered' AND updated_at >= ? AND success_at >= ?"
                    + " UNION ALL SELECT duration_ms FROM hub_event_step"
                    + " WHERE destination = ? AND kind = 'attempt' AND outcome = 'delivered' AND occurred_at >= ?) delivered", rs -> {
                        Map<String, Object> latency = new LinkedHashMap<>();
                        double p50 = rs.getDouble(1);
                        boolean none = rs.wasNull();
                        double p99 = rs.getDouble(2);
                        latency.put("p50Ms", none ? null : Math.round(p50));
                        latency.put("p99Ms", none ? null : Math.round(p99));
                        latency.put("samples", rs.getLong(3));
                        return latency;
                    }, destination, hour, hour, destination, hour));
            stats.put("lastError", Sql.first(c, "SELECT occurred_at, http_status, error FROM hub_event_step"
                    + " WHERE destination = ? AND kind = 'attempt' AND outcome IN ('retry', 'parked')"
                    + " ORDER BY occurred_at DESC FETCH FIRST 1 ROWS ONLY", rs -> {
                        Map<String, Object> last = new LinkedHashMap<>();
                        last.put("at", iso(rs, "occurred_at"));
                        last.put("httpStatus", integer(rs, "http_status"));
                        last.put("error", rs.getString("error"));
                        return last;
                    }, destination));
            Map<String, Object> backoff = new LinkedHashMap<>();
            backoff.put("pendingRetries", 0L);
            backoff.put("deferredByRateLimit", 0L);
            backoff.put("nextRetryAt", null);
            Sql.list(c, "SELECT status, COUNT(*), MIN(next_retry_at) FROM hub_delivery"
                    + " WHERE destination = ? AND status IN ('retrying', 'deferred') GROUP BY status", rs -> {
                        backoff.put("retrying".equals(rs.getString(1)) ? "pendingRetries" : "deferredByRateLimit", rs.getLong(2));
                        if ("retrying".equals(rs.getString(1))) {
                            LocalDateTime next = rs.getObject(3, LocalDateTime.class);
                            backoff.put("nextRetryAt", next == null ? null : next.toInstant(ZoneOffset.UTC).toString());
                        }
                        return backoff;
                    }, destination);
            stats.put("backoff", backoff);
        }
        return stats;
    }
}
