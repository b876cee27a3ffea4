package io.storehub.hub.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Ids the hub must remember durably, one namespace ({@code processorName}) per use, in table
 * {@code CAMEL_MESSAGEPROCESSED} (V1). {@link #add} is durable when it returns (the shared
 * {@link JdbcGroupCommit}); the primary key decides between instances. Replaces camel-sql's
 * JdbcMessageIdRepository, which commits per call and has no Camel Quarkus extension.
 */
public class JdbcIdStore extends ServiceSupport implements IdempotentRepository, CamelContextAware {

    private static final java.util.concurrent.Executor DIRECT = Runnable::run;

    static final String TABLE = "CAMEL_MESSAGEPROCESSED";
    // portable "insert unless present" (H2 and PostgreSQL); the update count says whether it was new
    private static final String INSERT = "INSERT INTO " + TABLE + " (processorName, messageId, createdAt) "
            + "SELECT CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)), CAST(? AS TIMESTAMP) "
            + "WHERE NOT EXISTS (SELECT 1 FROM " + TABLE + " WHERE processorName = ? AND messageId = ?)";
    private static final String EXISTS = "SELECT 1 FROM " + TABLE + " WHERE processorName = ? AND messageId = ?";
    private static final String RECORDED_AT = "SELECT createdAt FROM " + TABLE + " WHERE processorName = ? AND messageId = ?";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ?";
    private static final String CLEAR = "DELETE FROM " + TABLE + " WHERE processorName = ?";
    private static final String EXPIRE = "DELETE FROM " + TABLE + " WHERE processorName = ? AND createdAt < ?";

    private CamelContext camelContext;
    private DataSource dataSource;
    private volatile JdbcGroupCommit groupCommit;
    private String processorName;
    private boolean patient;
    private OutageBreaker breaker = OutageBreaker.NONE;
    private long lookupTimeoutMillis = 0;
    private volatile Boolean overNetwork;

    @Override
    public boolean add(String key) {
        try {
            JdbcGroupCommit writer = groupCommit();
            return (patient ? writer.executePatiently(INSERT, insertParams(key)) : writer.execute(INSERT, insertParams(key))) == 1;
        } catch (SQLException e) {
            if (Sql.isDuplicateKey(e)) { // another instance inserted it between our check and our insert
                return false;
            }
            throw new RuntimeCamelException("Could not record id " + key + " (" + processorName + ")", e);
        }
    }

    @Override
    public boolean contains(Exchange exchange, String key) {
        if (lookupTimeoutMillis <= 0) {
            return lookup(key, 0);
        }
        long left = AnswerDeadline.remainingMillis(exchange, lookupTimeoutMillis);
        if (left <= 0) { // the steps before took the time: not the database's fault
            throw new RuntimeCamelException("No time left to look up id " + key + " before the answer is due");
        }
        return lookup(key, left);
    }

    @Override
    public boolean contains(String key) {
        return lookup(key, lookupTimeoutMillis);
    }

    /** One primary-key read, refused at once while the breaker is open; the timeout bounds the network wait. */
    private boolean lookup(String key, long timeoutMillis) {
        breaker.admit();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(EXISTS)) {
            if (timeoutMillis > 0 && overNetwork(c)) {
                c.setNetworkTimeout(DIRECT, (int) timeoutMillis);
                s.setQueryTimeout((int) Math.max(1, (timeoutMillis + 999) / 1000));
            }
            s.setString(1, processorName);
            s.setString(2, key);
            boolean found;
            try (ResultSet rs = s.executeQuery()) {
                found = rs.next();
            }
            breaker.succeeded();
            return found;
        } catch (SQLException e) {
            breaker.failed(e);
            throw new RuntimeCamelException("Could not look up id " + key + " (" + processorName + ")", e);
        }
    }

    /**
     * Not for an embedded H2 (no network to wait on): H2 runs {@code setQueryTimeout} as a {@code SET}
     * that empties every session's statement cache (a quarter of the ingest throughput lost).
     */
    private boolean overNetwork(Connection c) throws SQLException {
        Boolean known = overNetwork;
        if (known == null) {
            overNetwork = known = Sql.kind(c) != Sql.Kind.EMBEDDED_H2;
        }
        return known;
    }

    private Object[] insertParams(String key) {
        return new Object[] {processorName, key, Timestamp.from(Instant.now()), processorName, key};
    }

    /** When the id was recorded, or null (no breaker, no timeout). */
    public Instant recordedAt(String key) {
        try {
            return Sql.first(dataSource, RECORDED_AT, rs -> rs.getTimestamp(1).toInstant(), processorName, key);
        } catch (SQLException e) {
            throw new RuntimeCamelException("Could not read id " + key + " (" + processorName + ")", e);
        }
    }

    @Override
    public boolean remove(String key) {
        return update(DELETE, processorName, key) > 0;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        update(CLEAR, processorName);
    }

    /** Forgets the ids recorded before {@code cutoff}; answers how many (hourly expiry routes). */
    public int expire(Timestamp cutoff) {
        return update(EXPIRE, processorName, cutoff);
    }

    private int update(String sql, Object... params) {
        try {
            return groupCommit().execute(sql, params);
        } catch (SQLException e) {
            throw new RuntimeCamelException("Database update failed (" + processorName + ")", e);
        }
    }

    private JdbcGroupCommit groupCommit() {
        JdbcGroupCommit gc = groupCommit;
        if (gc == null) {
            gc = JdbcGroupCommit.inRegistry(camelContext, processorName);
            groupCommit = gc;
        }
        return gc;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** True for queue consumers: writes may wait a little to share a commit; false where a webhook waits. */
    public void setPatient(boolean patient) {
        this.patient = patient;
    }

    /** Optional: remembers a database failure so the next webhooks are answered 503 at once. */
    public void setBreaker(OutageBreaker breaker) {
        this.breaker = breaker;
    }

    /** Longest wait of a lookup on the database's network (0: the driver's). */
    public void setLookupTimeoutMillis(long lookupTimeoutMillis) {
        this.lookupTimeoutMillis = lookupTimeoutMillis;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Optional: the shared writer; found in the registry by type when not set. */
    public void setGroupCommit(JdbcGroupCommit groupCommit) {
        this.groupCommit = groupCommit;
    }

    /** The namespace of these ids, e.g. {@code storeganise-webhook}. */
    public void setProcessorName(String processorName) {
        this.processorName = processorName;
    }
}
