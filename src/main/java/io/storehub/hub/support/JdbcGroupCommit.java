package io.storehub.hub.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;

/**
 * Durable writes from many threads, one transaction per batch ({@link GroupCommit}; consecutive writes
 * of the same SQL as one JDBC batch): a record is on disk before its caller acknowledges anything.
 */
public class JdbcGroupCommit extends GroupCommit<JdbcGroupCommit.Write, Integer> {

    private DataSource dataSource;

    record Write(String sql, Object[] params) {
    }

    public JdbcGroupCommit() {
        super("hub-db-group-commit", 512, 30_000);
    }

    /** Queues a statement; the future completes with its update count once its batch is committed. */
    public CompletableFuture<Integer> submit(String sql, Object... params) {
        return submit(new Write(sql, params));
    }

    /** The shared writer (bean {@code groupCommit}), found on first use: YAML files are pre-parsed in no fixed order. */
    public static JdbcGroupCommit inRegistry(CamelContext camelContext, String user) {
        JdbcGroupCommit found = camelContext == null ? null : camelContext.getRegistry().findSingleByType(JdbcGroupCommit.class);
        if (found == null) {
            throw new IllegalStateException("No JdbcGroupCommit bean (groupCommit) in the registry for " + user);
        }
        return found;
    }

    /** {@link #submit} and wait for the commit: the update count, or the statement's failure. */
    public int execute(String sql, Object... params) throws SQLException {
        return await(submit(sql, params), getTimeoutMillis());
    }

    /** As {@link #execute}, waiting at most {@code timeoutMillis}; a write begun may still be committed after. */
    public int execute(long timeoutMillis, String sql, Object... params) throws SQLException {
        return await(submit(sql, params), timeoutMillis);
    }

    /** As {@link #execute}, for a queue consumer that can wait up to the linger time to share a commit. */
    public int executePatiently(String sql, Object... params) throws SQLException {
        return await(submit(new Write(sql, params), true), getTimeoutMillis());
    }

    private int await(CompletableFuture<Integer> write, long timeoutMillis) throws SQLException {
        try {
            return write.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException failure) {
                throw failure;
            }
            throw new SQLException("Database write failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            write.cancel(false);
            throw new SQLException("Database write not committed within " + timeoutMillis + " ms", "08000", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted waiting for a database write", e);
        }
    }

    /** Not when the database could not be reached (SQLState class 08, or Hikari's connection timeout): each write would wait again. */
    @Override
    protected boolean worthSplitting(Exception failure) {
        return !Causes.any(failure, t -> t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException
                || t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"));
    }

    @Override
    protected List<Integer> commit(List<Write> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int[] counts = runAll(connection, batch);
                connection.commit();
                return Arrays.stream(counts).boxed().toList();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

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
                    Sql.bind(statement, batch.get(start).params());
                    counts[start] = statement.executeUpdate();
                } else {
                    for (int i = start; i < end; i++) {
                        Sql.bind(statement, batch.get(i).params());
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

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }
}
