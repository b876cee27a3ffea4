package io.storehub.hub.history;

import static io.storehub.hub.history.Texts.bigint;
import static io.storehub.hub.history.Texts.bool;
import static io.storehub.hub.history.Texts.cap;
import static io.storehub.hub.history.Texts.integer;
import static io.storehub.hub.history.Texts.time;
import static io.storehub.hub.support.Sql.bind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
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
import io.storehub.hub.support.Sql;
import io.storehub.hub.support.TenantKeys;

/**
 * Writes one batch of history records in one transaction: folded first ({@link HistoryFold}) so each row gets one
 * insert or update whatever order the facts came in; the rows that exist (one {@code IN} query per table) updated,
 * the others inserted, with JDBC batches. Hand-written because MERGE differs between H2 and PostgreSQL and camel-sql
 * runs one statement per exchange. A row another replica inserts in between fails the batch, which runs once more.
 */
final class HistoryWriter {

    private static final int IN_CHUNK = 500;

    private final DataSource dataSource;
    private final HistoryFold fold;

    HistoryWriter(DataSource dataSource, int maxBodyBytes) {
        this.dataSource = dataSource;
        this.fold = new HistoryFold(maxBodyBytes);
    }

    void write(List<HistoryRecord> batch) throws SQLException {
        Fold f = fold.fold(batch);
        Sql.inTransaction(dataSource, c -> {
            writeEvents(c, f);
            writeTraces(c, f);
            writeBodies(c, f);
            writeDeliveries(c, f);
            writeEntities(c, f);
            writeSteps(c, f);
            return f;
        });
    }

    /** The trace id of an event, kept once: a redelivered event's later trace does not replace it. */
    private static void writeTraces(Connection c, Fold f) throws SQLException {
        if (f.traces.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE hub_event SET trace_id = ? WHERE id = ? AND trace_id IS NULL")) {
            for (Map.Entry<String, String> t : f.traces.entrySet()) {
                bind(update, t.getValue(), t.getKey());
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
            for (EventDelta e : f.events.values()) {
                if (existing.contains(e.id)) {
                    bind(update, e.family, time(e.createdAt), e.ack, e.status, time(e.statusAt), e.duplicates, time(e.lastDuplicateAt),
                            e.dispatches, e.fetched, e.missing, e.email, cap(e.name, 200), cap(e.headline, 500), e.id);
                    update.addBatch();
                } else if (e.creatable) {
                    long received = e.receivedAt != null ? e.receivedAt : System.currentTimeMillis();
                    // the tenant whose SgTenant qualified the id at ingest: whichever record creates the row knows it
                    bind(insert, e.id, cap(e.type != null ? e.type : "unknown", 255), e.family, time(e.createdAt), time(received),
                            received / 60_000, e.ack != null ? e.ack : e.duplicates > 0 ? "duplicate" : "accepted", e.duplicates,
                            time(e.lastDuplicateAt), e.status != null ? e.status : "received", time(e.statusAt != null ? e.statusAt : received),
                            e.dispatches, e.fetched, e.missing, e.email, cap(e.name, 200), cap(e.headline, 500), TenantKeys.tenantOf(e.id));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
            update.executeBatch();
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
            for (Map.Entry<String, BodyDelta> entry : f.bodies.entrySet()) {
                BodyDelta b = entry.getValue();
                if (existing.contains(entry.getKey())) {
                    bind(update, b.webhook, bool(b.webhookTruncated), b.enriched, bool(b.enrichedTruncated), integer(b.enrichedBytes),
                            entry.getKey());
                    update.addBatch();
                } else if (f.known(entry.getKey())) {
                    bind(insert, entry.getKey(), b.webhook, bool(b.webhookTruncated), b.enriched, bool(b.enrichedTruncated),
                            integer(b.enrichedBytes));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
            update.executeBatch();
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
            for (Map.Entry<String, DeliveryDelta> entry : f.deliveries.entrySet()) {
                DeliveryDelta d = entry.getValue();
                long updatedAt = d.updatedAt > 0 ? d.updatedAt : System.currentTimeMillis();
                if (existing.contains(entry.getKey())) {
                    bind(update, time(updatedAt), d.status, d.attempts, time(updatedAt), integer(d.httpStatus), d.error, time(updatedAt),
                            d.setNextRetry, time(d.nextRetryAt), time(d.deliveredAt), time(updatedAt), time(updatedAt), d.eventId,
                            d.destination);
                    update.addBatch();
                } else if (f.known(d.eventId)) {
                    bind(insert, d.eventId, cap(d.destination, 64), d.status != null ? d.status : d.statusIfNew != null ? d.statusIfNew : "queued",
                            d.attempts, integer(d.httpStatus), d.error, time(d.nextRetryAt), time(d.deliveredAt), time(updatedAt));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
            update.executeBatch();
        }
    }

    private static void writeEntities(Connection c, Fold f) throws SQLException {
        if (f.entities.isEmpty()) {
            return;
        }
        Set<String> existing = existing(c, "SELECT entity_id, event_id FROM hub_event_entity WHERE event_id IN (%s)", f.entities.keySet(), 2);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO hub_event_entity (entity_id, event_id, kind) VALUES (?,?,?)")) {
            for (Map.Entry<String, Map<String, String>> entry : f.entities.entrySet()) {
                for (Map.Entry<String, String> id : entry.getValue().entrySet()) {
                    if (existing.add(id.getKey() + '\u0000' + entry.getKey())) {
                        bind(insert, id.getKey(), entry.getKey(), cap(id.getValue(), 40));
                        insert.addBatch();
                    }
                }
            }
            insert.executeBatch();
        }
    }

    private static void writeSteps(Connection c, Fold f) throws SQLException {
        if (f.steps.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO hub_event_step (event_id, occurred_at, kind, destination,"
                + " attempt, outcome, http_status, error_class, error, duration_ms, next_retry_at, actor, detail, destinations)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (Step s : f.steps) {
                if (!f.known(s.eventId())) {
                    continue;
                }
                bind(insert, s.eventId(), time(s.at()), s.kind(), cap(s.destination(), 64), integer(s.attempt()), s.outcome(),
                        integer(s.httpStatus()), s.errorClass(), s.error(), bigint(s.durationMs()), time(s.nextRetryAt()), s.actor(), s.detail(),
                        s.destinations());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Keys of the rows that exist: one column, or two joined by a NUL, for the given event ids. */
    private static Set<String> existing(Connection c, String sql, Collection<String> ids, int columns) throws SQLException {
        Set<String> found = new HashSet<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            found.addAll(Sql.list(c, String.format(sql, Texts.marks(chunk.size())),
                    rs -> columns == 1 ? rs.getString(1) : rs.getString(1) + '\u0000' + rs.getString(2), chunk.toArray()));
        }
        return found;
    }
}
