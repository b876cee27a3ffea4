package io.storehub.hub.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.storehub.hub.history.HistoryFold.BodyDelta;
import io.storehub.hub.history.HistoryFold.DeliveryDelta;
import io.storehub.hub.history.HistoryFold.EventDelta;
import io.storehub.hub.history.HistoryFold.Fold;
import io.storehub.hub.history.HistoryFold.Step;
import io.storehub.hub.support.TenantKeys;

/**
 * Writes one batch of history records in one transaction with JDBC batch statements.
 *
 * <p>The records of a batch are first folded ({@link HistoryFold}) per event and per (event, destination), in the order they
 * were queued, so each row gets one insert or one update whatever order the facts reached the queue in
 * (the dispatch consumer may report an event before the ingest thread does; with several replicas the
 * delivery of an event may be reported before its fan-out). Rows that exist are updated, the others
 * inserted; the existence check is one {@code IN} query per table and batch. If another replica inserts
 * the same row in between, the batch fails and {@link EventHistory} runs it once more.
 *
 * <p>Hand-written JDBC: no library maps "fold these facts, then upsert with batches" portably (MERGE
 * differs between H2 and PostgreSQL, and camel-sql runs one statement per exchange).
 */
final class HistoryWriter {

    private static final int IN_CHUNK = 500;

    private final DataSource dataSource;
    private final HistoryFold fold;

    HistoryWriter(DataSource dataSource, int maxBodyBytes) {
        this.dataSource = dataSource;
        this.fold = new HistoryFold(maxBodyBytes);
    }

    // ------------------------------------------------------------------ writing

    void write(List<HistoryRecord> batch) throws SQLException {
        Fold f = fold.fold(batch);
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                writeEvents(c, f);
                writeTraces(c, f);
                writeBodies(c, f);
                writeDeliveries(c, f);
                writeEntities(c, f);
                writeSteps(c, f);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The trace id of an event, kept once: a redelivered event's later trace does not replace it. */
    private static void writeTraces(Connection c, Fold f) throws SQLException {
        if (f.traces.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE hub_event SET trace_id = ? WHERE id = ? AND trace_id IS NULL")) {
            for (Map.Entry<String, String> t : f.traces.entrySet()) {
                update.setString(1, t.getValue());
                update.setString(2, t.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static void writeEvents(Connection c, Fold f) throws SQLException {
        if (f.events.isEmpty()) {
            return;
        }
        Set<String> existing = existing(c, "SELECT id FROM hub_event WHERE id IN (%s)", f.events.keySet(), 1);
        f.existingEvents = existing;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO hub_event (id, event_type, family, created_at, received_at,"
                + " received_minute, ack, duplicates, last_duplicate_at, status, status_at, dispatches, fetched, missing,"
                + " customer_email, customer_name, headline, tenant) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
             PreparedStatement update = c.prepareStatement("UPDATE hub_event SET family = COALESCE(?, family),"
                     + " created_at = COALESCE(?, created_at), ack = COALESCE(?, ack), status = COALESCE(?, status),"
                     + " status_at = COALESCE(?, status_at), duplicates = duplicates + ?, last_duplicate_at = COALESCE(?, last_duplicate_at),"
                     + " dispatches = dispatches + ?, fetched = COALESCE(?, fetched), missing = COALESCE(?, missing),"
                     + " customer_email = COALESCE(?, customer_email), customer_name = COALESCE(?, customer_name),"
                     + " headline = COALESCE(?, headline) WHERE id = ?")) {
            int inserts = 0;
            int updates = 0;
            for (EventDelta e : f.events.values()) {
                if (existing.contains(e.id)) {
                    Texts.setText(update, 1, e.family);
                    Texts.setTime(update, 2, e.createdAt);
                    Texts.setText(update, 3, e.ack);
                    Texts.setText(update, 4, e.status);
                    Texts.setTime(update, 5, e.statusAt);
                    update.setInt(6, e.duplicates);
                    Texts.setTime(update, 7, e.lastDuplicateAt);
                    update.setInt(8, e.dispatches);
                    Texts.setText(update, 9, e.fetched);
                    Texts.setText(update, 10, e.missing);
                    Texts.setText(update, 11, e.email);
                    Texts.setText(update, 12, Texts.cap(e.name, 200));
                    Texts.setText(update, 13, Texts.cap(e.headline, 500));
                    update.setString(14, e.id);
                    update.addBatch();
                    updates++;
                } else if (e.creatable) {
                    long received = e.receivedAt != null ? e.receivedAt : System.currentTimeMillis();
                    insert.setString(1, e.id);
                    insert.setString(2, Texts.cap(e.type != null ? e.type : "unknown", 255));
                    Texts.setText(insert, 3, e.family);
                    Texts.setTime(insert, 4, e.createdAt);
                    Texts.setTime(insert, 5, received);
                    insert.setLong(6, received / 60_000);
                    insert.setString(7, e.ack != null ? e.ack : e.duplicates > 0 ? "duplicate" : "accepted");
                    insert.setInt(8, e.duplicates);
                    Texts.setTime(insert, 9, e.lastDuplicateAt);
                    insert.setString(10, e.status != null ? e.status : "received");
                    Texts.setTime(insert, 11, e.statusAt != null ? e.statusAt : received);
                    insert.setInt(12, e.dispatches);
                    Texts.setText(insert, 13, e.fetched);
                    Texts.setText(insert, 14, e.missing);
                    Texts.setText(insert, 15, e.email);
                    Texts.setText(insert, 16, Texts.cap(e.name, 200));
                    Texts.setText(insert, 17, Texts.cap(e.headline, 500));
                    // the tenant whose SgTenant qualified the id at ingest: whichever record creates the row knows it
                    Texts.setText(insert, 18, TenantKeys.tenantOf(e.id));
                    insert.addBatch();
                    inserts++;
                }
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
            if (updates > 0) {
                update.executeBatch();
            }
        }
    }

    private static void writeBodies(Connection c, Fold f) throws SQLException {
        if (f.bodies.isEmpty()) {
            return;
        }
        Set<String> existing = existing(c, "SELECT event_id FROM hub_event_body WHERE event_id IN (%s)", f.bodies.keySet(), 1);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO hub_event_body (event_id, webhook, webhook_truncated,"
                + " enriched, enriched_truncated, enriched_bytes) VALUES (?,?,?,?,?,?)");
             PreparedStatement update = c.prepareStatement("UPDATE hub_event_body SET webhook = COALESCE(?, webhook),"
                     + " webhook_truncated = COALESCE(?, webhook_truncated), enriched = COALESCE(?, enriched),"
                     + " enriched_truncated = COALESCE(?, enriched_truncated), enriched_bytes = COALESCE(?, enriched_bytes)"
                     + " WHERE event_id = ?")) {
            int inserts = 0;
            int updates = 0;
            for (Map.Entry<String, BodyDelta> entry : f.bodies.entrySet()) {
                BodyDelta b = entry.getValue();
                boolean exists = existing.contains(entry.getKey());
                if (!exists && !f.known(entry.getKey())) {
                    continue;
                }
                PreparedStatement ps = exists ? update : insert;
                int i = exists ? 0 : 1;
                if (!exists) {
                    insert.setString(1, entry.getKey());
                }
                Texts.setText(ps, i + 1, b.webhook);
                Texts.setBool(ps, i + 2, b.webhookTruncated);
                Texts.setText(ps, i + 3, b.enriched);
                Texts.setBool(ps, i + 4, b.enrichedTruncated);
                Texts.setInt(ps, i + 5, b.enrichedBytes);
                if (exists) {
                    update.setString(6, entry.getKey());
                    updates++;
                } else {
                    inserts++;
                }
                ps.addBatch();
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
            if (updates > 0) {
                update.executeBatch();
            }
        }
    }

    private static void writeDeliveries(Connection c, Fold f) throws SQLException {
        if (f.deliveries.isEmpty()) {
            return;
        }
        Set<String> eventIds = new HashSet<>();
        f.deliveries.values().forEach(d -> eventIds.add(d.eventId));
        Set<String> existing = existing(c, "SELECT event_id, destination FROM hub_delivery WHERE event_id IN (%s)", eventIds, 2);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO hub_delivery (event_id, destination, status, attempts,"
                + " last_http_status, last_error, next_retry_at, delivered_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)");
             // the success record (DeliveryRecord) is written at once, these facts later: one older than the
             // success (a deferral, a failed attempt) no longer sets where the delivery stands
             PreparedStatement update = c.prepareStatement("UPDATE hub_delivery SET"
                     + " status = CASE WHEN success_at >= ? THEN status ELSE COALESCE(?, status) END, attempts = attempts + ?,"
                     + " last_http_status = CASE WHEN success_at >= ? THEN last_http_status ELSE COALESCE(?, last_http_status) END,"
                     + " last_error = COALESCE(?, last_error),"
                     + " next_retry_at = CASE WHEN success_at >= ? THEN next_retry_at WHEN ? THEN ? ELSE next_retry_at END,"
                     + " delivered_at = COALESCE(?, delivered_at), updated_at = CASE WHEN success_at >= ? THEN updated_at ELSE ? END"
                     + " WHERE event_id = ? AND destination = ?")) {
            int inserts = 0;
            int updates = 0;
            for (Map.Entry<String, DeliveryDelta> entry : f.deliveries.entrySet()) {
                DeliveryDelta d = entry.getValue();
                long updatedAt = d.updatedAt > 0 ? d.updatedAt : System.currentTimeMillis();
                if (existing.contains(entry.getKey())) {
                    Texts.setTime(update, 1, updatedAt);
                    Texts.setText(update, 2, d.status);
                    update.setInt(3, d.attempts);
                    Texts.setTime(update, 4, updatedAt);
                    Texts.setInt(update, 5, d.httpStatus);
                    Texts.setText(update, 6, d.error);
                    Texts.setTime(update, 7, updatedAt);
                    update.setBoolean(8, d.setNextRetry);
                    Texts.setTime(update, 9, d.nextRetryAt);
                    Texts.setTime(update, 10, d.deliveredAt);
                    Texts.setTime(update, 11, updatedAt);
                    Texts.setTime(update, 12, updatedAt);
                    update.setString(13, d.eventId);
                    update.setString(14, d.destination);
                    update.addBatch();
                    updates++;
                } else if (f.known(d.eventId)) {
                    insert.setString(1, d.eventId);
                    insert.setString(2, Texts.cap(d.destination, 64));
                    insert.setString(3, d.status != null ? d.status : d.statusIfNew != null ? d.statusIfNew : "queued");
                    insert.setInt(4, d.attempts);
                    Texts.setInt(insert, 5, d.httpStatus);
                    Texts.setText(insert, 6, d.error);
                    Texts.setTime(insert, 7, d.nextRetryAt);
                    Texts.setTime(insert, 8, d.deliveredAt);
                    Texts.setTime(insert, 9, updatedAt);
                    insert.addBatch();
                    inserts++;
                }
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
            if (updates > 0) {
                update.executeBatch();
            }
        }
    }

    private static void writeEntities(Connection c, Fold f) throws SQLException {
        if (f.entities.isEmpty()) {
            return;
        }
        Set<String> existing = existing(c, "SELECT entity_id, event_id FROM hub_event_entity WHERE event_id IN (%s)", f.entities.keySet(), 2);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO hub_event_entity (entity_id, event_id, kind) VALUES (?,?,?)")) {
            int inserts = 0;
            for (Map.Entry<String, Map<String, String>> entry : f.entities.entrySet()) {
                for (Map.Entry<String, String> id : entry.getValue().entrySet()) {
                    if (existing.add(id.getKey() + '\u0000' + entry.getKey())) {
                        insert.setString(1, id.getKey());
                        insert.setString(2, entry.getKey());
                        insert.setString(3, Texts.cap(id.getValue(), 40));
                        insert.addBatch();
                        inserts++;
                    }
                }
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
        }
    }

    private static void writeSteps(Connection c, Fold f) throws SQLException {
        if (f.steps.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO hub_event_step (event_id, occurred_at, kind, destination,"
                + " attempt, outcome, http_status, error_class, error, duration_ms, next_retry_at, actor, detail, destinations)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            int inserts = 0;
            for (Step s : f.steps) {
                if (!f.known(s.eventId())) {
                    continue;
                }
                inserts++;
                insert.setString(1, s.eventId());
                Texts.setTime(insert, 2, s.at());
                insert.setString(3, s.kind());
                Texts.setText(insert, 4, Texts.cap(s.destination(), 64));
                Texts.setInt(insert, 5, s.attempt());
                Texts.setText(insert, 6, s.outcome());
                Texts.setInt(insert, 7, s.httpStatus());
                Texts.setText(insert, 8, s.errorClass());
                Texts.setText(insert, 9, s.error());
                Texts.setLong(insert, 10, s.durationMs());
                Texts.setTime(insert, 11, s.nextRetryAt());
                Texts.setText(insert, 12, s.actor());
                Texts.setText(insert, 13, s.detail());
                Texts.setText(insert, 14, s.destinations());
                insert.addBatch();
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
        }
    }

    /** Keys of the rows that exist: one column, or two joined by a NUL, for the given event ids. */
    private static Set<String> existing(Connection c, String sql, java.util.Collection<String> ids, int columns) throws SQLException {
        Set<String> found = new HashSet<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement(String.format(sql, Texts.marks(chunk.size())))) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(columns == 1 ? rs.getString(1) : rs.getString(1) + '\u0000' + rs.getString(2));
                    }
                }
            }
        }
        return found;
    }
}
