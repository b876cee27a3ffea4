package io.storehub.hub.support;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers that a store the webhook needs failed, so the next webhooks are answered {@code 503} at once
 * instead of each waiting out its timeout; one per {@code probeIntervalMillis} probes, and closes it.
 */
public class OutageBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(OutageBreaker.class);
    /** Never opens: the breaker of a store used without one. */
    static final OutageBreaker NONE = new OutageBreaker() {
        @Override
        public void failed(Throwable failure) {
        }
    };

    private String store = "store";
    private long probeIntervalMillis = 1000;
    private int retryAfterSeconds = 5;
    private volatile boolean open;
    private volatile Instant openedAt;
    private final AtomicLong nextProbeNanos = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** Lets the caller use the store, or throws the 503 answer while it is known to be down (one probe excepted). */
    public void admit() {
        if (!open) {
            return;
        }
        long now = System.nanoTime();
        long next = nextProbeNanos.get();
        if (now - next >= 0 && nextProbeNanos.compareAndSet(next, now + probeIntervalMillis * 1_000_000L)) {
            return; // this caller is the probe
        }
        refused.incrementAndGet();
        throw unavailable();
    }

    public void succeeded() {
        if (open) {
            open = false;
            LOG.warn("The {} is back: webhooks are stored again (refused while it was down: {})", store, refused.get());
        }
    }

    public void failed(Throwable failure) {
        nextProbeNanos.set(System.nanoTime() + probeIntervalMillis * 1_000_000L);
        if (!open) {
            openedAt = Instant.now();
            open = true;
            LOG.warn("The {} failed ({}): webhooks are answered 503 with Retry-After until a probe every {} ms succeeds",
                    store, failure, probeIntervalMillis);
        }
    }

    /** The answer while the store is down. */
    public HttpRejection unavailable() {
        return new HttpRejection(503, "not_stored", "The hub's " + store + " is unavailable (since " + openedAt
                + "); the event was not accepted, send it again later.", retryAfterSeconds);
    }

    public boolean isOpen() {
        return open;
    }

    /** What the store is, for the answer and the log ({@code database}, {@code broker}). */
    public void setStore(String store) {
        this.store = store;
    }

    public void setProbeIntervalMillis(long probeIntervalMillis) {
        this.probeIntervalMillis = Math.max(1, probeIntervalMillis);
    }

    public void setRetryAfterSeconds(int retryAfterSeconds) {
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }
}
