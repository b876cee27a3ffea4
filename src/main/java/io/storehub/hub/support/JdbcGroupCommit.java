package io.storehub.hub.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable writes from many threads, committed together: each caller's statement joins the next
 * batch, one writer thread runs the batch in one transaction (consecutive writes of the same SQL as
 * one JDBC batch) and completes every caller's future only after the commit. A record the hub relies
 * on (an event id answered "duplicate" after a crash, a delivery never sent twice) is therefore on
 * disk before the caller acknowledges anything, at the cost of one commit per batch instead of one per
 * caller. Batches form by themselves: while one commits, the next callers queue up ("group commit").
 *
 * <p>Written by hand because neither Camel's sql/jdbc components nor the connection pool offer this:
 * they commit per call (or per exchange), so durability under load costs a disk write per record.
 *
 * <p>A statement that fails does not fail the batch's others: the batch is rolled back and each
 * statement is run again on its own.
 */
public class JdbcGroupCommit {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcGroupCommit.class);

    private DataSource dataSource;
    private int maxBatch = 512;
    private long timeoutMillis = 30_000;
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private volatile Thread writer;
    private volatile boolean stopping;

    private record Write(String sql, Object[] params, CompletableFuture<Integer> done) {
    }

    /** Queues a statement; the future completes with its update count once its batch is committed. */
    public CompletableFuture<Integer> submit(String sql, Object... params) {
        if (stopping) {
            return CompletableFuture.failedFuture(new IllegalStateException("the database writer is stopped"));
        }
        start();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        queue.add(new Write(sql, params, done));
        return done;
    }

    /** {@link #submit} and wait for the commit: the update count, or the statement's failure. */
    public int execute(String sql, Object... params) throws SQLException {
        try {
            return submit(sql, params).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException failure) {
                throw failure;
            }
            throw new SQLException("Database write failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new SQLException("Database write not committed within " + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted waiting for a database write", e);
        }
    }

    public synchronized void start() {
        if (writer == null && !stopping) {
            Thread t = new Thread(this::run, "hub-db-group-commit");
            t.setDaemon(true);
            writer = t;
            t.start();
        }
    }

    /** Commits what is queued, then stops the writer thread. */
    public void stop() throws InterruptedException {
        stopping = true;
        Thread t = writer;
        if (t != null) {
            t.join(timeoutMillis);
        }
    }

    private void run() {
        List<Write> batch = new ArrayList<>(maxBatch);
        while (!stopping || !queue.isEmpty()) {
            try {
                Write first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("Database writer failed; failing the batch", e);
                batch.forEach(w -> w.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Write> batch) {
        int[] counts;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                counts = runAll(connection, batch);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException batchFailure) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(batchFailure);
                return;
            }
            LOG.debug("A batch of {} writes failed ({}); running them one by one", batch.size(), batchFailure.toString());
            batch.forEach(w -> commit(List.of(w)));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(counts[i]);
        }
    }

    /** Runs the writes in order, consecutive ones with the same SQL as one JDBC batch; returns each update count. */
    private static int[] runAll(Connection connection, List<Write> batch) throws SQLException {
        int[] counts = new int[batch.size()];
        int start = 0;
        while (start < batch.size()) {
            String sql = batch.get(start).sql();
            int end = start;
            while (end < batch.size() && batch.get(end).sql().equals(sql)) {
                end++;
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                if (end - start == 1) {
                    bind(statement, batch.get(start).params());
                    counts[start] = statement.executeUpdate();
                } else {
                    for (int i = start; i < end; i++) {
                        bind(statement, batch.get(i).params());
                        statement.addBatch();
                    }
                    int[] part = statement.executeBatch();
                    System.arraycopy(part, 0, counts, start, part.length);
                }
            }
            start = end;
        }
        return counts;
    }

    private static void bind(PreparedStatement statement, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Most writes committed in one transaction (default 512). */
    public void setMaxBatch(int maxBatch) {
        this.maxBatch = Math.max(1, maxBatch);
    }

    /** How long {@link #execute} waits for its commit (default 30 s). */
    public void setTimeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }
}
