package io.storehub.hub.ingest;

import java.sql.SQLException;
import java.time.Instant;

import io.storehub.hub.support.AnswerDeadline;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.JdbcIdStore;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's dedupe, which does not need the database to acknowledge an event: the webhook ids
 * ({@link JdbcIdStore}) looked up and recorded as before while the database is up, and while it is
 * down the lookup skipped and done later by the dispatch consumer.
 *
 * <p>Webhook side ({@link #contains}, {@link #add}): when the lookup fails because the database is
 * down (its breaker open, or the lookup failing), the event is admitted as new and marked
 * {@value #PENDING} with the time it is stored ({@value #STORED_AT}); it is then stored in the broker
 * only, whose duplicate detection ({@code _AMQ_DUPL_ID}, the event id) refuses Storeganise's retries of
 * it meanwhile, and its id is not recorded (the database is down). The lookup gets
 * {@code fallbackMillis} more than the webhook's {@link AnswerDeadline} for the broker send, so a
 * lookup that waited out the pool's connection timeout still leaves the send its time.
 *
 * <p>Dispatch side ({@link #isCopyOfEarlier}): a pending event's id is recorded before it is processed.
 * If the id was recorded already, the record says whether this message is a copy of an event stored
 * before it (the record is older than the message: drop it) or the event itself (the record is newer:
 * its own earlier attempt, or the webhook's record of a retry that the broker refused as a duplicate
 * of this very message, since while this message's id is in the broker's id cache no other copy can be
 * stored). Messages not pending (both stores up) cost nothing here: no lookup, no write.
 */
public class DeferredDedupe extends ServiceSupport implements IdempotentRepository {

    /** Message header: the event was stored without the dedupe lookup; its dispatch checks its id. */
    public static final String PENDING = "SgDedupePending";
    /** Message header: when a pending event was stored, epoch milliseconds. */
    public static final String STORED_AT = "SgStoredAt";

    private static final Logger LOG = LoggerFactory.getLogger(DeferredDedupe.class);

    private JdbcIdStore ids;
    private long fallbackMillis = 500;
    private long clockSkewMillis = 1000;
    private boolean enabled = true;

    @Override
    public boolean contains(Exchange exchange, String key) {
        try {
            return ids.contains(exchange, key);
        } catch (RuntimeException e) {
            if (!enabled || !databaseDown(e)) {
                throw e;
            }
            LOG.debug("Event {} admitted without the dedupe lookup, the database is down ({})", key, e.toString());
            exchange.getMessage().setHeader(PENDING, Boolean.TRUE);
            exchange.getMessage().setHeader(STORED_AT, System.currentTimeMillis());
            AnswerDeadline.extend(exchange, fallbackMillis);
            return false;
        }
    }

    /** The database's breaker refused the lookup, or the lookup itself failed (not: no time was left). */
    private static boolean databaseDown(RuntimeException e) {
        if (e instanceof HttpRejection) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /** Whether the exchange's event was admitted without the lookup. */
    public static boolean isPending(Exchange exchange) {
        return exchange.getMessage().getHeader(PENDING, false, Boolean.class);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        if (isPending(exchange)) {
            return true; // recorded by its dispatch (the database is down now)
        }
        return ids.add(exchange, key);
    }

    /**
     * For the dispatch consumer: true if the message is a pending event whose id was recorded before
     * it was stored (a copy of an event stored earlier: drop it); records the id otherwise. Throws
     * while the database is down (the message is retried from the queue).
     */
    public boolean isCopyOfEarlier(Exchange exchange) {
        if (!isPending(exchange)) {
            return false;
        }
        String id = exchange.getMessage().getHeader(io.storehub.hub.support.Headers.EVENT_ID, String.class);
        if (ids.add(id)) {
            return false;
        }
        Instant recorded = ids.recordedAt(id);
        long storedAt = exchange.getMessage().getHeader(STORED_AT, 0L, Long.class);
        if (recorded == null || recorded.toEpochMilli() >= storedAt - clockSkewMillis) {
            return false; // its own record (an earlier attempt), or a retry's the broker refused as its duplicate
        }
        LOG.info("Event {} stored while the database was down is a copy of one stored before (id recorded at {}): not processed again",
                id, recorded);
        return true;
    }

    @Override
    public boolean contains(String key) {
        return ids.contains(key);
    }

    @Override
    public boolean add(String key) {
        return ids.add(key);
    }

    @Override
    public boolean remove(String key) {
        return ids.remove(key);
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        ids.clear();
    }

    /** The webhook ids (bean {@code webhookDedupe}). */
    public void setIds(JdbcIdStore ids) {
        this.ids = ids;
    }

    /** Time added to the webhook's answer deadline for the broker send after a failed lookup (default 500 ms). */
    public void setFallbackMillis(long fallbackMillis) {
        this.fallbackMillis = Math.max(0, fallbackMillis);
    }

    /** How far the replicas' clocks may disagree (default 1000 ms); far below the broker's id cache span. */
    public void setClockSkewMillis(long clockSkewMillis) {
        this.clockSkewMillis = Math.max(0, clockSkewMillis);
    }

    /** false: a database outage is answered 503 as before (the lookup's failure fails the webhook). */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
