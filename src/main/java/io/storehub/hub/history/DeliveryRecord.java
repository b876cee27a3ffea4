package io.storehub.hub.history;

import static io.storehub.hub.history.ExchangeFacts.started;
import static io.storehub.hub.history.ExchangeFacts.status;
import static io.storehub.hub.history.ExchangeFacts.value;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.storehub.hub.support.Headers;
import io.storehub.hub.support.JdbcGroupCommit;
import io.storehub.hub.support.JdbcIdStore;
import io.storehub.hub.support.Sql;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;

/**
 * The record of a delivered (event, destination): its {@code hub_delivery} row, written once through the shared
 * {@link JdbcGroupCommit} before the delivery message is acknowledged, is the success record "already delivered?"
 * reads, the delivery's status and the timeline's delivering attempt (docs/destinations.md, "At most one success").
 * A manual redelivery keeps its own key in {@code CAMEL_MESSAGEPROCESSED} (as the successes from before V30).
 */
public class DeliveryRecord implements CamelContextAware {

    static final String PROCESSOR = "storeganise-delivery";

    // not a UNION: H2 parses a UNION again at every call (its sessions cache only plain SELECTs), which
    // was half the cost of this once-per-delivery read
    private static final String DELIVERED = "SELECT EXISTS (SELECT 1 FROM hub_delivery WHERE event_id = ? AND destination = ?"
            + " AND success_at IS NOT NULL) OR EXISTS (SELECT 1 FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ? AND messageId = ?)";
    // one statement, insert or update, in each database's own words (PostgreSQL 14 has no MERGE, H2 no ON CONFLICT ... DO UPDATE);
    // parameters: event, destination, http status, attempt, started at, duration ms, finished at
    private static final String UPSERT_H2 = "MERGE INTO hub_delivery d USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(64)),"
            + " CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS TIMESTAMP), CAST(? AS BIGINT), CAST(? AS TIMESTAMP)))"
            + " AS k(event_id, destination, http_status, attempt, started_at, ms, finished_at)"
            + " ON d.event_id = k.event_id AND d.destination = k.destination"
            + " WHEN MATCHED THEN UPDATE SET status = 'delivered', attempts = d.attempts + 1, last_http_status = k.http_status,"
            + " next_retry_at = NULL, delivered_at = k.finished_at, updated_at = k.finished_at, success_at = k.started_at,"
            + " success_attempt = k.attempt, success_http_status = k.http_status, success_ms = k.ms"
            + " WHEN NOT MATCHED THEN INSERT (event_id, destination, status, attempts, last_http_status, delivered_at, updated_at,"
            + " success_at, success_attempt, success_http_status, success_ms) VALUES (k.event_id, k.destination, 'delivered', 1,"
            + " k.http_status, k.finished_at, k.finished_at, k.started_at, k.attempt, k.http_status, k.ms)";
    private static final String UPSERT_POSTGRESQL = "INSERT INTO hub_delivery AS d (event_id, destination, status, attempts,"
            + " last_http_status, delivered_at, updated_at, success_at, success_attempt, success_http_status, success_ms)"
            + " SELECT k.event_id, k.destination, 'delivered', 1, k.http_status, k.finished_at, k.finished_at, k.started_at, k.attempt,"
            + " k.http_status, k.ms FROM (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(64)), CAST(? AS INTEGER), CAST(? AS INTEGER),"
            + " CAST(? AS TIMESTAMP), CAST(? AS BIGINT), CAST(? AS TIMESTAMP)))"
            + " AS k(event_id, destination, http_status, attempt, started_at, ms, finished_at)"
            + " ON CONFLICT (event_id, destination) DO UPDATE SET status = 'delivered', attempts = d.attempts + 1,"
            + " last_http_status = EXCLUDED.last_http_status, next_retry_at = NULL, delivered_at = EXCLUDED.delivered_at,"
            + " updated_at = EXCLUDED.updated_at, success_at = EXCLUDED.success_at, success_attempt = EXCLUDED.success_attempt,"
            + " success_http_status = EXCLUDED.success_http_status, success_ms = EXCLUDED.success_ms";
    private static final String EXPIRE = "DELETE FROM hub_delivery WHERE success_at < ?"
            + " AND NOT EXISTS (SELECT 1 FROM hub_event e WHERE e.id = hub_delivery.event_id)";

    private CamelContext camelContext;
    private DataSource dataSource;
    private volatile JdbcGroupCommit groupCommit;
    private JdbcIdStore manualRecords;
    private volatile String upsert;
    /**
     * Deliveries sent whose record could not be written (the database went down between the send and the
     * record): the broker redelivers their message to this instance, and "already delivered?" answers from
     * here, writing the record then, instead of sending again. Bounded; lost with the process (docs/deploy.md).
     */
    private final Map<String, Object[]> sentNotRecorded = new ConcurrentHashMap<>();
    private static final int MAX_SENT_NOT_RECORDED = 10_000;

    /**
     * "Already delivered?" for the delivery on this exchange (DestinationRegistry.describe set its
     * properties): one read, none for a delivery tried at once by its event's first dispatch
     * ({@link Headers#FIRST_DISPATCH}). A manual redelivery asks only about itself.
     */
    public boolean alreadyDelivered(Exchange exchange) {
        String key = exchange.getProperty("SgDeliveryKey", String.class);
        if (isManual(exchange)) {
            return manualRecords().contains(key);
        }
        Object[] unrecorded = sentNotRecorded.get(key);
        if (unrecorded != null) {
            // sent before the database failed: recorded now (or the message is tried again later), never sent twice
            record(unrecorded);
            sentNotRecorded.remove(key);
            return true;
        }
        if (Boolean.TRUE.equals(exchange.getProperty(Headers.FIRST_DISPATCH))) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(Sql.first(dataSource, DELIVERED, rs -> rs.getBoolean(1), value(exchange, Headers.EVENT_ID),
                    value(exchange, "SgDestination"), PROCESSOR, key));
        } catch (SQLException e) {
            throw new RuntimeCamelException("Could not look up the delivery record " + key, e);
        }
    }

    /**
     * Records the delivery on this exchange as delivered, durably when it returns; answers false for a
     * manual redelivery, whose attempt the event history records (EventHistory.attempt), true when this
     * row is also the attempt's history.
     */
    public boolean delivered(Exchange exchange) {
        if (isManual(exchange)) {
            manualRecords().add(exchange.getProperty("SgDeliveryKey", String.class));
            return false;
        }
        long started = started(exchange);
        long finished = Math.max(started, System.currentTimeMillis());
        Integer failures = exchange.getProperty(Headers.ATTEMPT, Integer.class);
        Object[] params = {value(exchange, Headers.EVENT_ID), value(exchange, "SgDestination"), status(exchange),
                (failures == null ? 0 : failures) + 1, Texts.utc(started), finished - started, Texts.utc(finished)};
        try {
            record(params);
        } catch (RuntimeCamelException e) {
            String key = exchange.getProperty("SgDeliveryKey", String.class);
            if (key != null && sentNotRecorded.size() < MAX_SENT_NOT_RECORDED) {
                sentNotRecorded.put(key, params);
            }
            throw e;
        }
        return true;
    }

    private void record(Object[] params) {
        try {
            try {
                groupCommit().executePatiently(upsert(), params);
            } catch (SQLException e) {
                if (!Sql.isDuplicateKey(e)) {
                    throw e;
                }
                // H2's MERGE against the history writer inserting the same row in between: it is an update now
                groupCommit().executePatiently(upsert(), params);
            }
        } catch (SQLException e) {
            throw new RuntimeCamelException("Could not record the delivery of " + params[0] + " to " + params[1], e);
        }
    }

    /** Forgets the successes recorded before {@code cutoff} whose event the history does not hold; answers how many. */
    public int expire(Timestamp cutoff) {
        try {
            return groupCommit().execute(EXPIRE, Texts.utc(cutoff.toInstant())) + manualRecords().expire(cutoff);
        } catch (SQLException e) {
            throw new RuntimeCamelException("Could not expire delivery records", e);
        }
    }

    private static boolean isManual(Exchange exchange) {
        return exchange.getProperty(EventHistory.MANUAL) != null;
    }

    private String upsert() {
        String sql = upsert;
        if (sql == null) {
            try {
                sql = Sql.kind(dataSource) == Sql.Kind.POSTGRESQL ? UPSERT_POSTGRESQL : UPSERT_H2;
            } catch (SQLException e) {
                throw new RuntimeCamelException("Could not tell the database's kind", e);
            }
            upsert = sql;
        }
        return sql;
    }

    /** The hub's shared writer, found by type on first use (declared in another file). */
    private JdbcGroupCommit groupCommit() {
        JdbcGroupCommit gc = groupCommit;
        if (gc == null) {
            gc = JdbcGroupCommit.inRegistry(camelContext, "the delivery records");
            groupCommit = gc;
        }
        return gc;
    }

    private synchronized JdbcIdStore manualRecords() { // a manual redelivery's: rare, so a plain lock
        if (manualRecords == null) {
            JdbcIdStore store = new JdbcIdStore();
            store.setDataSource(dataSource);
            store.setProcessorName(PROCESSOR);
            store.setPatient(true);
            store.setCamelContext(camelContext);
            store.setGroupCommit(groupCommit());
            manualRecords = store;
        }
        return manualRecords;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Optional: the shared writer; found in the registry by type when not set. */
    public void setGroupCommit(JdbcGroupCommit groupCommit) {
        this.groupCommit = groupCommit;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
