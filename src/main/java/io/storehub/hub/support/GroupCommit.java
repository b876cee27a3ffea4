package io.storehub.hub.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work of many threads committed together by one thread ("group commit"), each caller answered after
 * the commit; a failed batch is tried again item by item, so a bad item fails only its own caller.
 * Camel's components and the pools commit per call: a disk sync per item under load.
 */
public abstract class GroupCommit<T, R> {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final long LINGER_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String threadName;
    private final BlockingQueue<Item<T, R>> queue = new LinkedBlockingQueue<>();
    private volatile Thread worker;
    private volatile boolean stopping;
    private final int maxBatch;
    private long timeoutMillis;
    private long lingerNanos;

    /** {@code patient}: the caller does not mind waiting up to the linger time for a fuller commit. */
    private record Item<T, R>(T work, boolean patient, CompletableFuture<R> done) {
    }

    protected GroupCommit(String threadName, int maxBatch, long timeoutMillis) {
        this.threadName = threadName;
        this.maxBatch = maxBatch;
        this.timeoutMillis = timeoutMillis;
    }

    /** Commits the batch as one unit and answers each item's result, in order, or throws with nothing committed. */
    protected abstract List<R> commit(List<T> batch) throws Exception;

    /** Whether a failed batch is worth committing again item by item (not when the store itself is down). */
    protected boolean worthSplitting(Exception failure) {
        return true;
    }

    /** After a failed commit, before the next one (e.g. drop a broken connection). */
    protected void afterFailure() {
    }

    /** An item whose commit on its own failed: fails its caller unless the subclass knows better. */
    protected void failedAlone(CompletableFuture<R> done, Exception failure) {
        done.completeExceptionally(failure);
    }

    /** When the thread ends, after the last commit (e.g. close the session). */
    protected void stopped() {
    }

    protected CompletableFuture<R> submit(T work) {
        return submit(work, false);
    }

    /** Queues an item; with {@code patient} its batch may wait up to the linger time for more items. */
    protected CompletableFuture<R> submit(T work, boolean patient) {
        if (stopping) {
            return CompletableFuture.failedFuture(new IllegalStateException(threadName + " is stopped"));
        }
        start();
        CompletableFuture<R> done = new CompletableFuture<>();
        queue.add(new Item<>(work, patient, done));
        return done;
    }

    public synchronized void start() {
        if (worker == null && !stopping) {
            Thread t = new Thread(this::run, threadName);
            t.setDaemon(true);
            worker = t;
            t.start();
        }
    }

    /** Commits what is queued, then stops the thread. */
    public void stop() throws InterruptedException {
        stopping = true;
        Thread t = worker;
        if (t != null) {
            t.join(timeoutMillis);
        }
    }

    private void run() {
        List<Item<T, R>> batch = new ArrayList<>(maxBatch);
        try {
            while (!stopping || !queue.isEmpty()) {
                Item<T, R> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                linger(batch);
                // a caller that stopped waiting (its answer is given) is not committed behind its back
                batch.removeIf(item -> item.done().isDone());
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    commitOrSplit(batch);
                } catch (RuntimeException | Error e) {
                    LOG.error("{} failed; failing the batch", threadName, e);
                    batch.forEach(item -> item.done().completeExceptionally(e));
                } finally {
                    batch.clear();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped();
            Item<T, R> left;
            while ((left = queue.poll()) != null) {
                left.done().completeExceptionally(new IllegalStateException(threadName + " stopped"));
            }
        }
    }

    /**
     * Without lingering a moderate load is committed one or two items at a time (measured: ~500 commits/s
     * for ~1,000 writes). Impatient items (a webhook waiting) never wait: -22 % throughput under wrk.
     */
    private void linger(List<Item<T, R>> batch) throws InterruptedException {
        if (lingerNanos <= 0 || !allPatient(batch)) {
            return;
        }
        long deadline = System.nanoTime() + lingerNanos;
        while (batch.size() < maxBatch && !stopping && allPatient(batch)) {
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                return;
            }
            // in slices, so that stop() does not wait out a long linger
            Item<T, R> next = queue.poll(Math.min(wait, LINGER_SLICE_NANOS), TimeUnit.NANOSECONDS);
            if (next == null) {
                continue;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private static boolean allPatient(List<? extends Item<?, ?>> batch) {
        return batch.stream().allMatch(Item::patient);
    }

    private void commitOrSplit(List<Item<T, R>> batch) {
        try {
            complete(batch, commit(batch.stream().map(Item::work).toList()));
            return;
        } catch (Exception batchFailure) {
            afterFailure();
            if (batch.size() == 1) {
                failedAlone(batch.get(0).done(), batchFailure);
                return;
            }
            if (!worthSplitting(batchFailure)) {
                LOG.debug("{}: a batch of {} failed ({}); failing all of it", threadName, batch.size(), batchFailure.toString());
                batch.forEach(item -> failedAlone(item.done(), batchFailure));
                return;
            }
            LOG.debug("{}: a batch of {} failed ({}); committing them one by one", threadName, batch.size(), batchFailure.toString());
        }
        for (Item<T, R> item : batch) {
            if (item.done().isDone()) {
                continue;
            }
            try {
                complete(List.of(item), commit(List.of(item.work())));
            } catch (Exception alone) {
                afterFailure();
                failedAlone(item.done(), alone);
            }
        }
    }

    private static <T, R> void complete(List<Item<T, R>> items, List<R> results) {
        for (int i = 0; i < items.size(); i++) {
            items.get(i).done().complete(results.get(i));
        }
    }

    public int queued() {
        return queue.size();
    }

    /** How long a batch of patient items waits after its first item for others to join it (0: commit at once). */
    public void setLingerMicros(long lingerMicros) {
        this.lingerNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, lingerMicros));
    }

    /** How long a caller waits for its commit, and {@link #stop} for the thread. */
    public void setTimeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    protected long getTimeoutMillis() {
        return timeoutMillis;
    }
}
