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

/**
 * Bucket4j token buckets kept in the hub's database (table {@code hub_rate_limit}, migration V21), so
 * every replica takes its slots from the same bucket: one row per destination and limit, locked with
 * {@code SELECT ... FOR UPDATE} for the read-modify-write of each reservation.
 *
 * <p>This is Bucket4j's own select-for-update proxy manager, given the storage it asks for. The
 * ready-made bucket4j-postgresql module is not used because it needs a BYTEA column and
 * PostgreSQL-only SQL ({@code ON CONFLICT}), while the hub's tables are portable (H2 and PostgreSQL
 * from the same migrations): the state is kept as base64 text and the SQL is standard.
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
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new BucketExceptions.BucketExecutionException(e);
        }
        return new SelectForUpdateBasedTransaction() {
            private boolean autoCommit;

            @Override
            public void begin(Optional<Long> timeout) {
                try {
                    autoCommit = connection.getAutoCommit();
                    connection.setAutoCommit(false);
                } catch (SQLException e) {
                    throw new BucketExceptions.BucketExecutionException(e);
                }
            }

            @Override
            public LockAndGetResult tryLockAndGet(Optional<Long> timeout) {
                try (PreparedStatement select = connection.prepareStatement(SELECT)) {
                    applyTimeout(select, timeout);
                    select.setString(1, key);
                    try (ResultSet rs = select.executeQuery()) {
                        if (!rs.next()) {
                            return LockAndGetResult.notLocked();
                        }
                        String state = rs.getString(1);
                        return LockAndGetResult.locked(state == null ? null : Base64.getDecoder().decode(state));
                    }
                } catch (SQLException e) {
                    throw new BucketExceptions.BucketExecutionException(e);
                }
            }

            @Override
            public boolean tryInsertEmptyData(Optional<Long> timeout) {
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    applyTimeout(insert, timeout);
                    insert.setString(1, key);
                    return insert.executeUpdate() > 0;
                } catch (SQLException e) {
                    // another replica inserted the row first (integrity constraint violation, SQLSTATE class 23):
                    // Bucket4j rolls back and locks that row in a new transaction
                    if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                        return false;
                    }
                    throw new BucketExceptions.BucketExecutionException(e);
                }
            }

            @Override
            public void update(byte[] data, RemoteBucketState newState, Optional<Long> timeout) {
                try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
                    applyTimeout(update, timeout);
                    update.setString(1, Base64.getEncoder().encodeToString(data));
                    update.setString(2, key);
                    update.executeUpdate();
                } catch (SQLException e) {
                    throw new BucketExceptions.BucketExecutionException(e);
                }
            }

            @Override
            public void commit(Optional<Long> timeout) {
                try {
                    connection.commit();
                } catch (SQLException e) {
                    throw new BucketExceptions.BucketExecutionException(e);
                }
            }

            @Override
            public void rollback() {
                try {
                    connection.rollback();
                } catch (SQLException e) {
                    throw new BucketExceptions.BucketExecutionException(e);
                }
            }

            @Override
            public void release() {
                try {
                    connection.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // the pool resets it anyway
                } finally {
                    try {
                        connection.close();
                    } catch (SQLException e) {
                        throw new BucketExceptions.BucketExecutionException(e);
                    }
                }
            }
        };
    }

    @Override
    public void removeProxy(String key) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, key);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new BucketExceptions.BucketExecutionException(e);
        }
    }
}
