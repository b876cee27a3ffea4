package io.storehub.hub.ingest;

import java.sql.SQLException;
import java.time.Instant;

import io.storehub.hub.support.AnswerDeadline;
import io.storehub.hub.support.Causes;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.JdbcIdStore;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's dedupe ({@link JdbcIdStore}) that acknowledges events while the database is down:
 * the event is admitted marked {@value #PENDING} (the broker's duplicate detection covers retries) and
 * its dispatch records the id later ({@link #isCopyOfEarlier}). docs/deploy.md, "Database down".
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
        return e instanceof HttpRejection || Causes.any(e, t -> t instanceof SQLException);
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
     * For the dispatch consumer: true if the pending event's id was recorded before it was stored (a
     * copy: drop it); a record newer than the message is its own (an earlier attempt, or a retry the
     * broker refused as its duplicate). Records the id otherwise; throws while the database is down.
     */
    public boolean isCopyOfEarlier(Exchange exchange) {
        if (!isPending(exchange)) {
            return false;
        }
        String id = exchange.getMessage().getHeader(Headers.EVENT_ID, String.class);
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
