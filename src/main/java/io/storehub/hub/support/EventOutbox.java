package io.storehub.hub.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events acknowledged while the broker was down, kept in table {@code hub_outbox} (V50) until
 * {@link #forward} (the timer's, on one replica) sends them, in order, to the events queue. A row
 * sent again (a crash between send and delete) carries {@code _AMQ_DUPL_ID}, so the broker refuses
 * it as a duplicate and it counts as sent: each event reaches the queue once.
 */
public class EventOutbox implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> HEADERS = new TypeReference<>() {
    };

    static final String TABLE = "hub_outbox";
    // portable "insert unless present" (H2 and PostgreSQL): a retry of a stored event changes nothing
    private static final String INSERT = "INSERT INTO " + TABLE + " (event_id, headers, body, created_at) "
            + "SELECT CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(100000)), CAST(? AS BYTEA), CAST(? AS TIMESTAMP) "
            + "WHERE NOT EXISTS (SELECT 1 FROM " + TABLE + " WHERE event_id = ?)";
    private static final String OLDEST = "SELECT event_id, headers, body FROM " + TABLE + " ORDER BY seq";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE event_id = ?";

    private CamelContext camelContext;
    private DataSource dataSource;
    private JdbcGroupCommit groupCommit;
    private JmsGroupSend sender;
    private OutageBreaker databaseBreaker = OutageBreaker.NONE;
    private OutageBreaker brokerBreaker = OutageBreaker.NONE;
    private long timeoutMillis = 1000;
    private int batchSize = 100;
    private long batchBytes = 4L * 1024 * 1024;
    private volatile boolean forwardFailing;

    /**
     * Keeps the message the webhook would have queued; returns once committed: true, or false when the outbox
     * already holds its event (a retry while the broker is down); throws why not.
     * Waits no longer than the exchange's {@link AnswerDeadline}; an open database breaker throws at once.
     */
    public boolean store(Exchange exchange) throws SQLException {
        databaseBreaker.admit();
        long wait = AnswerDeadline.remainingMillis(exchange, timeoutMillis);
        if (wait <= 0) {
            throw new SQLException("No time left to keep the event in the outbox before the answer is due");
        }
        String id = exchange.getMessage().getHeader(Headers.EVENT_ID, String.class);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        try {
            boolean kept = groupCommit.execute(wait, INSERT, id, headersOf(exchange), body == null ? new byte[0] : body,
                    Timestamp.from(Instant.now()), id) == 1;
            databaseBreaker.succeeded();
            return kept;
        } catch (SQLException | RuntimeException e) {
            databaseBreaker.failed(e);
            throw e;
        }
    }

    /** The properties the queued message carries: the headers a JMS message can hold, not Camel's own. */
    static String headersOf(Exchange exchange) {
        Map<String, Object> kept = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (!name.startsWith("Camel") && !name.startsWith("camel") && !name.startsWith("org.apache.camel")
                    && (value instanceof String || value instanceof Number || value instanceof Boolean)) {
                kept.put(name, value);
            }
        });
        try {
            return MAPPER.writeValueAsString(kept);
        } catch (JsonProcessingException e) {
            throw new RuntimeCamelException("Could not write the event's headers", e);
        }
    }

    /** Sends the rows oldest first, deleting each the broker committed; answers how many. Stops at the first failure. */
    public int forward() throws SQLException {
        int forwarded = 0;
        while (true) {
            List<Row> rows = oldest();
            if (rows.isEmpty()) {
                return forwarded;
            }
            List<CompletableFuture<Boolean>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                sends.add(sender.submit(row.toExchange(camelContext)));
            }
            List<CompletableFuture<Integer>> deletes = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                try {
                    sends.get(i).get(sender.getTimeoutMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    sends.forEach(s -> s.cancel(false));
                    notForwarded(e);
                    awaitAll(deletes);
                    return forwarded + deletes.size();
                }
                deletes.add(groupCommit.submit(DELETE, rows.get(i).eventId()));
            }
            awaitAll(deletes);
            forwarded += deletes.size();
            forwardFailing = false;
            brokerBreaker.succeeded();
        }
    }

    private void notForwarded(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (!forwardFailing) {
            forwardFailing = true;
            LOG.warn("Events kept in the outbox could not be sent to the broker yet ({}); trying again on the next run", cause.toString());
        } else {
            LOG.debug("Outbox still waiting for the broker: {}", cause.toString());
        }
    }

    private void awaitAll(List<CompletableFuture<Integer>> deletes) throws SQLException {
        for (CompletableFuture<Integer> delete : deletes) {
            try {
                delete.get(groupCommit.getTimeoutMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted deleting forwarded outbox rows", e);
            } catch (Exception e) {
                // the row is sent again on the next run and refused by the broker as a duplicate
                throw new SQLException("Could not delete a forwarded outbox row: " + e, e);
            }
        }
    }

    /** The oldest rows, at most batchSize of them and about batchBytes of bodies. */
    private List<Row> oldest() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(OLDEST)) {
            s.setMaxRows(batchSize);
            long bytes = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next() && bytes < batchBytes) {
                    byte[] body = rs.getBytes(3);
                    bytes += body.length;
                    rows.add(new Row(rs.getString(1), rs.getString(2), body));
                }
            }
        }
        return rows;
    }

    private record Row(String eventId, String headers, byte[] body) {

        Exchange toExchange(CamelContext context) {
            Exchange exchange = new DefaultExchange(context);
            try {
                exchange.getMessage().getHeaders().putAll(MAPPER.readValue(headers, HEADERS));
            } catch (JsonProcessingException e) {
                throw new RuntimeCamelException("Unreadable headers of outbox row " + eventId, e);
            }
            // whatever the row says, the broker's duplicate detection is keyed on the event id
            exchange.getMessage().setHeader(RetryPolicy.DUPLICATE_ID, eventId);
            exchange.getMessage().setBody(body);
            return exchange;
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void setGroupCommit(JdbcGroupCommit groupCommit) {
        this.groupCommit = groupCommit;
    }

    /** The events queue's sender (bean {@code eventQueueSender}). */
    public void setSender(JmsGroupSend sender) {
        this.sender = sender;
    }

    /** Optional: while it is open the outbox is not tried (the database is down too: 503). */
    public void setDatabaseBreaker(OutageBreaker databaseBreaker) {
        this.databaseBreaker = databaseBreaker;
    }

    /** Optional: closed when a forward succeeds, so webhooks go to the broker again at once. */
    public void setBrokerBreaker(OutageBreaker brokerBreaker) {
        this.brokerBreaker = brokerBreaker;
    }

    /** Longest wait of a webhook for its outbox row (capped by its {@link AnswerDeadline}). */
    public void setTimeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** Rows sent to the broker per transaction at most (default 100). */
    public void setBatchSize(int batchSize) {
        this.batchSize = Math.max(1, batchSize);
    }
}
