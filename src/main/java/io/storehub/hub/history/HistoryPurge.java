package io.storehub.hub.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * Deletes old history: events received before the retention cutoff, then, if more than {@code keep}
 * remain, the oldest beyond them, with their bodies, entities, deliveries and steps (but the delivery
 * rows that are success records younger than the dedupe window). In chunks of
 * {@value #CHUNK} events, one short transaction each, so a purge after a burst never holds long locks.
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
            long count;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM hub_event"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
            if (count <= keep) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT received_at FROM hub_event ORDER BY received_at DESC, id DESC"
                    + " OFFSET " + keep + " ROWS FETCH NEXT 1 ROWS ONLY"); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, LocalDateTime.class) : null;
            }
        }
    }

    private int deleteReceived(LocalDateTime cutoff, boolean inclusive) throws SQLException {
        int purged = 0;
        String select = "SELECT id FROM hub_event WHERE received_at " + (inclusive ? "<=" : "<") + " ? ORDER BY received_at"
                + " FETCH FIRST " + CHUNK + " ROWS ONLY";
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                while (true) {
                    List<String> ids = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement(select)) {
                        ps.setObject(1, cutoff);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                ids.add(rs.getString(1));
                            }
                        }
                    }
                    if (ids.isEmpty()) {
                        break;
                    }
                    for (String table : CHILDREN) {
                        delete(c, "DELETE FROM " + table + " WHERE event_id IN (%s)", ids);
                    }
                    delete(c, "DELETE FROM hub_delivery WHERE event_id IN (%s) AND (success_at IS NULL OR success_at < ?)", ids,
                            keepSuccessesSince);
                    delete(c, "DELETE FROM hub_event WHERE id IN (%s)", ids);
                    c.commit();
                    purged += ids.size();
                    if (ids.size() < CHUNK) {
                        break;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
        return purged;
    }

    private static void delete(Connection c, String sql, List<String> ids, Object... more) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(String.format(sql, Texts.marks(ids.size())))) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            for (int i = 0; i < more.length; i++) {
                ps.setObject(ids.size() + i + 1, more[i]);
            }
            ps.executeUpdate();
        }
    }
}
