package io.storehub.hub.deliver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;

import javax.sql.DataSource;

import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.AbstractSelectForUpdateBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.LockAndGetResult;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.SelectForUpdateBasedTransaction;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.storehub.hub.support.Sql;

/**
 * Bucket4j token buckets in the hub's database (table {@code hub_rate_limit}), one row per destination and
 * limit, locked with {@code SELECT ... FOR UPDATE}: Bucket4j's own select-for-update proxy manager given
 * portable storage (bucket4j-postgresql needs a BYTEA column and {@code ON CONFLICT}; here base64 text, standard SQL).
 */
final class DatabaseBuckets extends AbstractSelectForUpdateBasedProxyManager<String> {

    private static final String SELECT = "SELECT state FROM hub_rate_limit WHERE id = ? FOR UPDATE";
    private static final String INSERT = "INSERT INTO hub_rate_limit (id, state) VALUES (?, NULL)";
    private static final String UPDATE = "UPDATE hub_rate_limit SET state = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM hub_rate_limit WHERE id = ?";

    private final DataSource dataSource;

    DatabaseBuckets(DataSource dataSource, ClientSideConfig config) {
        super(config);
        this.dataSource = dataSource;
    }

    @Override
    protected SelectForUpdateBasedTransaction allocateTransaction(String key, Optional<Long> timeoutNanos) {
        Connection connection = sql(dataSource::getConnection);
        return new SelectForUpdateBasedTransaction() {
            private boolean autoCommit;

            @Override
            public void begin(Optional<Long> timeout) {
                autoCommit = sql(connection::getAutoCommit);
                run(() -> connection.setAutoCommit(false));
            }

            @Override
            public LockAndGetResult tryLockAndGet(Optional<Long> timeout) {
                return sql(() -> {
                    try (PreparedStatement select = prepare(connection, SELECT, timeout, key); ResultSet rs = select.executeQuery()) {
                        if (!rs.next()) {
                            return LockAndGetResult.notLocked();
                        }
                        String state = rs.getString(1);
                        return LockAndGetResult.locked(state == null ? null : Base64.getDecoder().decode(state));
                    }
                });
            }

            @Override
            public boolean tryInsertEmptyData(Optional<Long> timeout) {
                try (PreparedStatement insert = prepare(connection, INSERT, timeout, key)) {
                    return insert.executeUpdate() > 0;
                } catch (SQLException e) {
                    // another replica inserted the row first (integrity constraint violation, SQLSTATE class 23):
                    // Bucket4j rolls back and locks that row in a new transaction
                    if (Sql.isDuplicateKey(e)) {
                        return false;
                    }
                    throw new BucketExceptions.BucketExecutionException(e);
                }
            }

            @Override
            public void update(byte[] data, RemoteBucketState newState, Optional<Long> timeout) {
                run(() -> {
                    try (PreparedStatement update = prepare(connection, UPDATE, timeout, Base64.getEncoder().encodeToString(data), key)) {
                        update.executeUpdate();
                    }
                });
            }

            @Override
            public void commit(Optional<Long> timeout) {
                run(connection::commit);
            }

            @Override
            public void rollback() {
                run(connection::rollback);
            }

            @Override
            public void release() {
                try {
                    connection.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // the pool resets it anyway
                } finally {
                    run(connection::close);
                }
            }
        };
    }

    @Override
    public void removeProxy(String key) {
        run(() -> Sql.update(dataSource, DELETE, key));
    }

    private PreparedStatement prepare(Connection connection, String sql, Optional<Long> timeout, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        applyTimeout(statement, timeout);
        Sql.bind(statement, params);
        return statement;
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private interface SqlRun {
        void run() throws SQLException;
    }

    /** Bucket4j expects its own exception for a storage failure. */
    private static <T> T sql(SqlCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new BucketExceptions.BucketExecutionException(e);
        }
    }

    private static void run(SqlRun step) {
        sql(() -> {
            step.run();
            return null;
        });
    }
}
