package io.storehub.hub.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.storehub.hub.support.Sql;

/**
 * Deletes the events received before the retention cutoff, then the oldest beyond {@code keep}, with their rows
 * (but the success records younger than the dedupe window), {@value #CHUNK} events per short transaction so a
 * purge after a burst never holds long locks.
 */
final class HistoryPurge {

    private static final int CHUNK = 1000;
    private static final List<String> CHILDREN = List.of("hub_event_step", "hub_event_entity", "hub_event_body");

    private final DataSource dataSource;
    private final LocalDateTime keepSuccessesSince;

    /**
     * {@code keepSuccessesSince}: the start of the dedupe window; a delivery row that is the success record
     * of a delivery since then is kept (DeliveryRecord: "already delivered?" holds for the whole window),
     * its event's other rows are purged.
     */
    HistoryPurge(DataSource dataSource, Instant keepSuccessesSince) {
        this.dataSource = dataSource;
        this.keepSuccessesSince = Texts.utc(keepSuccessesSince);
    }

    int purge(Instant olderThan, long keep) throws SQLException {
        int purged = deleteReceived(Texts.utc(olderThan), false);
        LocalDateTime bound = sizeBound(keep);
        if (bound != null) {
            purged += deleteReceived(bound, true);
        }
        return purged;
    }

    /** received_at of the newest event beyond the newest {@code keep}, or null when there are no more than that. */
    private LocalDateTime sizeBound(long keep) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (Sql.count(c, "SELECT COUNT(*) FROM hub_event") <= keep) {
                return null;
            }
            return Sql.first(c, "SELECT received_at FROM hub_event ORDER BY received_at DESC, id DESC OFFSET " + keep
                    + " ROWS FETCH NEXT 1 ROWS ONLY", rs -> rs.getObject(1, LocalDateTime.class));
        }
    }

    private int deleteReceived(LocalDateTime cutoff, boolean inclusive) throws SQLException {
        String select = "SELECT id FROM hub_event WHERE received_at " + (inclusive ? "<=" : "<") + " ? ORDER BY received_at"
                + " FETCH FIRST " + CHUNK + " ROWS ONLY";
        int purged = 0;
        while (true) {
            int deleted = Sql.inTransaction(dataSource, c -> {
                List<String> ids = Sql.list(c, select, rs -> rs.getString(1), cutoff);
                if (!ids.isEmpty()) {
                    for (String table : CHILDREN) {
                        delete(c, "DELETE FROM " + table + " WHERE event_id IN (%s)", ids);
                    }
                    delete(c, "DELETE FROM hub_delivery WHERE event_id IN (%s) AND (success_at IS NULL OR success_at < ?)", ids,
                            keepSuccessesSince);
                    delete(c, "DELETE FROM hub_event WHERE id IN (%s)", ids);
                }
                return ids.size();
            });
            purged += deleted;
            if (deleted < CHUNK) {
                return purged;
            }
        }
    }

    private static void delete(Connection c, String sql, List<String> ids, Object... more) throws SQLException {
        List<Object> args = new ArrayList<>(ids);
        args.addAll(List.of(more));
        Sql.update(c, String.format(sql, Texts.marks(ids.size())), args.toArray());
    }
}
