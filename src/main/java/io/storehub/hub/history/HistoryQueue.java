package io.storehub.hub.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.storehub.hub.ingest.BackgroundGate;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event history's queue and its one writer thread, which writes a batch at least every flush interval
 * after giving way to waiting webhooks; a record that finds no room is dropped and counted (docs/console.md,
 * "How it is written").
 */
final class HistoryQueue {

    private static final Logger LOG = LoggerFactory.getLogger(EventHistory.class);
    /** The bean the writer waits on while webhooks are pressed (none found: no wait). */
    private static final String GATE_BEAN = "backgroundGate";
    private static final int BATCH_SIZE = 2_000;

    private final BlockingQueue<HistoryRecord> queue;
    private final CamelContext camelContext;
    private final Duration flushInterval;
    private final Duration maxBlock;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** Records taken and not yet written or dropped. */
    private final AtomicLong inFlight = new AtomicLong();
    private volatile boolean running;
    private Thread thread;
    private HistoryWriter writer;
    private volatile Counter droppedCounter;
    private volatile boolean metersLooked;
    private BackgroundGate gate;
    private boolean gateLooked;

    HistoryQueue(CamelContext camelContext, int capacity, Duration flushInterval, Duration maxBlock) {
        this.camelContext = camelContext;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.flushInterval = flushInterval;
        this.maxBlock = maxBlock;
    }

    void start(HistoryWriter writer) {
        this.writer = writer;
        running = true;
        thread = new Thread(this::run, "event-history-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Writes what is queued and stops the writer. */
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits at most maxBlock for room (back-pressure on background work), then drops. */
    void offerOrWait(HistoryRecord r) {
        meters();
        inFlight.incrementAndGet();
        try {
            if (!queue.offer(r, maxBlock.toMillis(), TimeUnit.MILLISECONDS)) {
                refused();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refused();
        }
    }

    /** Never waits (ingest, before the webhook is answered): a full queue drops the record. */
    void offer(HistoryRecord r) {
        meters();
        inFlight.incrementAndGet();
        if (!queue.offer(r)) {
            refused();
        }
    }

    private void refused() {
        inFlight.decrementAndGet();
        drop(1);
    }

    int pending() {
        return queue.size();
    }

    long dropped() {
        return dropped.get();
    }

    long written() {
        return written.get();
    }

    /** True when every record queued so far is written (or dropped): what was recorded before can be read. */
    boolean caughtUp() {
        return inFlight.get() == 0;
    }

    private void run() {
        List<HistoryRecord> batch = new ArrayList<>(BATCH_SIZE);
        while (running || !queue.isEmpty()) {
            try {
                HistoryRecord first = queue.poll(250, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // gather for at most one flush interval: one commit (one fsync) for many records
                long deadline = System.nanoTime() + flushInterval.toNanos();
                while (batch.size() < BATCH_SIZE) {
                    queue.drainTo(batch, BATCH_SIZE - batch.size());
                    long wait = deadline - System.nanoTime();
                    if (batch.size() >= BATCH_SIZE || wait <= 0 || !running) {
                        break;
                    }
                    HistoryRecord next = queue.poll(wait, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                giveWay();
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.warn("Event history writer: {}", e.toString());
            } finally {
                inFlight.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    /** Bounded at half a second by the gate: the records wait in memory, then are written in fewer, larger batches. */
    private void giveWay() throws InterruptedException {
        if (gate == null && camelContext != null && !gateLooked) {
            gateLooked = true;
            gate = camelContext.getRegistry().lookupByNameAndType(GATE_BEAN, BackgroundGate.class);
        }
        if (gate != null) {
            gate.pause();
        }
    }

    private void write(List<HistoryRecord> batch) {
        try {
            writer.write(batch);
            written.addAndGet(batch.size());
        } catch (Exception first) {
            // another replica may have inserted the same event or delivery row in between: read again, once
            LOG.debug("Event history batch failed, retrying once: {}", first.toString());
            try {
                writer.write(batch);
                written.addAndGet(batch.size());
            } catch (Exception again) {
                LOG.warn("Event history: {} records not written: {}", batch.size(), again.toString());
                drop(batch.size());
            }
        }
    }

    private void drop(int n) {
        dropped.addAndGet(n);
        Counter c = meters();
        if (c != null) {
            c.increment(n);
        }
    }

    /** The dropped counter and the pending gauge, registered with the first record (the registry exists by then). */
    private Counter meters() {
        if (!metersLooked) {
            synchronized (this) {
                if (!metersLooked && camelContext != null) {
                    metersLooked = true;
                    MeterRegistry registry = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
                    if (registry != null) {
                        droppedCounter = Counter.builder("storeganise.history.dropped")
                                .description("History records not written (queue full or database unavailable); events are unaffected")
                                .register(registry);
                        Gauge.builder("storeganise.history.pending", queue, Collection::size)
                                .description("History records waiting for the writer").register(registry);
                    }
                }
            }
        }
        return droppedCounter;
    }
}
