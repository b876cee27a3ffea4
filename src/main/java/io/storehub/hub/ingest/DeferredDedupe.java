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
 * The webhook's dedupe: a lookup of the event id ({@link JdbcIdStore}) before the event is stored; the id
 * is recorded by the event's dispatch ({@link #isCopyOfEarlier}), in the consumers' shared commit, so a
 * webhook waits on no database write. Until then the broker's duplicate detection ({@code _AMQ_DUPL_ID})
 * refuses Storeganise's retries. While the database is down the lookup is skipped and the event admitted
 * marked {@value #PENDING}. docs/deploy.md, "Dedupe" and "Database down".
 */
public class DeferredDedupe extends ServiceSupport implements IdempotentRepository {

    /** Message header: the event was stored without the dedupe lookup; its dispatch checks its id. */
    public static final String PENDING = "SgDedupePending";
    /** Message header: when the event was stored, epoch milliseconds; its dispatch records its id. */
    public static final String STORED_AT = "SgStoredAt";

    private static final Logger LOG = LoggerFactory.getLogger(DeferredDedupe.class);

    private JdbcIdStore ids;
    private long fallbackMillis = 500;
    private long clockSkewMillis = 1000;
    private boolean enabled = true;
    private DedupeWindow window;

    @Override
    public boolean contains(Exchange exchange, String key) {
        boolean seen;
        try {
            seen = ids.contains(exchange, key);
        } catch (RuntimeException e) {
            if (!enabled || !databaseDown(e)) {
                throw e;
            }
            LOG.debug("Event {} admitted without the dedupe lookup, the database is down ({})", key, e.toString());
            exchange.getMessage().setHeader(PENDING, Boolean.TRUE);
            AnswerDeadline.extend(exchange, fallbackMillis);
            seen = false;
        }
        if (!seen) {
            exchange.getMessage().setHeader(STORED_AT, System.currentTimeMillis());
        }
        return seen;
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
        return true; // recorded by its dispatch (isCopyOfEarlier)
    }

    /**
     * For the dispatch consumer: records the stored event's id, and answers true if it was recorded before
     * the event was stored (a copy of an event stored earlier whose id the broker had forgotten: drop it);
     * a record newer than the message is its own (an earlier attempt). Throws while the database is down.
     * Sets {@link Headers#FIRST_DISPATCH} when it recorded the id.
     * A message without {@value #STORED_AT} (a webhook of a version that recorded ids itself) is processed.
     */
    public boolean isCopyOfEarlier(Exchange exchange) {
        Long storedAt = exchange.getMessage().getHeader(STORED_AT, Long.class);
        if (storedAt == null) {
            return false;
        }
        String id = exchange.getMessage().getHeader(Headers.EVENT_ID, String.class);
        if (ids.add(id)) {
            // an earlier dispatch of it would have found its record (kept for the window after it was stored)
            if (window != null && window.remembersSince(storedAt)) {
                exchange.setProperty(Headers.FIRST_DISPATCH, Boolean.TRUE);
            }
            return false;
        }
        Instant recorded = ids.recordedAt(id);
        if (recorded == null || recorded.toEpochMilli() >= storedAt - clockSkewMillis) {
            return false; // its own record (an earlier attempt)
        }
        LOG.info("Event {} is a copy of one stored before it (id recorded at {}): not processed again",
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

    /** How long ids are kept: a dispatch that recorded the id of an event stored within it is the event's first. */
    public void setWindow(DedupeWindow window) {
        this.window = window;
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
