package io.storehub.hub.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import io.storehub.hub.support.Sql;

/**
 * Which deliveries of one destination a bulk replay filter matches ({@code hub_delivery} joined to {@code hub_event}):
 * counted, and read a page at a time in the order they last changed, then event id (keyset pagination, index
 * {@code hub_delivery_replay}), so that a replay of 100,000 never holds them all. Read only.
 */
public class DeliveryMatches {

    /** The deliveries a bulk replay asks for; {@code from} inclusive, {@code to} exclusive, on when the event was received. */
    public record Filter(String destination, List<String> statuses, String type, Instant from, Instant to, String error) {

        /** The same filter, for one of its statuses only. */
        public Filter only(String status) {
            return new Filter(destination, List.of(status), type, from, to, error);
        }
    }

    /** One matched delivery: its event, type, last error, and when it last changed ({@code updated_at}). */
    public record Match(String eventId, String type, String lastError, Instant at, Instant receivedAt) {
    }

    private final DataSource dataSource;

    public DeliveryMatches(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public long count(Filter f) throws SQLException {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT COUNT(*) FROM hub_delivery d LEFT JOIN hub_event e ON e.id = d.event_id WHERE " + where(f, args);
        try (Connection c = dataSource.getConnection()) {
            return Sql.count(c, sql, args.toArray());
        }
    }

    /**
     * Up to {@code limit} matches that come after {@code after} (null: from the first), in the order they last
     * changed ({@code updated_at}), then event id. A filter of one status reads each page off the index, in time
     * independent of how many match; with several statuses every match is sorted (fine for a sample, not for
     * paging through many).
     */
    public List<Match> page(Filter f, Match after, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT d.event_id, e.event_type, d.last_error, d.updated_at, e.received_at")
                .append(" FROM hub_delivery d LEFT JOIN hub_event e ON e.id = d.event_id WHERE ").append(where(f, args));
        if (after != null) { // (updated_at, event_id) > after's, with a bound the index seeks to
            LocalDateTime at = Texts.utc(after.at());
            sql.append(" AND d.updated_at >= ? AND (d.updated_at > ? OR d.event_id > ?)");
            args.addAll(List.of(at, at, after.eventId()));
        }
        // with one status the order is the index's own (H2 then reads the page off the index instead of sorting every match)
        sql.append(f.statuses().size() == 1 ? " ORDER BY d.destination, d.status, d.updated_at, d.event_id" : " ORDER BY d.updated_at, d.event_id")
                .append(" FETCH FIRST ").append(Math.max(1, limit)).append(" ROWS ONLY");
        return Sql.list(dataSource, sql.toString(), rs -> new Match(rs.getString("event_id"), rs.getString("event_type"),
                rs.getString("last_error"), Texts.instant(rs, "updated_at"), Texts.instant(rs, "received_at")), args.toArray());
    }

    private static String where(Filter f, List<Object> args) {
        StringBuilder sql = new StringBuilder("d.destination = ? AND d.status IN (").append(Texts.marks(f.statuses().size())).append(")");
        args.add(f.destination());
        args.addAll(f.statuses());
        Texts.typeAndReceived(sql, args, f.type(), f.from(), f.to());
        if (f.error() != null) {
            Texts.and(sql, args, " AND LOWER(d.last_error) LIKE ? ESCAPE '\\'", Texts.likeContains(f.error().toLowerCase(Locale.ROOT)));
        }
        return sql.toString();
    }
}
