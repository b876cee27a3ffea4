package io.storehub.hub.deliver;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.storehub.hub.ingest.EntityKey;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.JdbcGroupCommit;
import io.storehub.hub.support.RetryPolicy;
import io.storehub.hub.support.Sql;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-entity ordering across retries, restarts and instances (docs/ordering.md): whatever of an entity
 * has to wait (an event whose dispatch is retried: lane {@code events|<key>}; a delivery to an ordered
 * destination retried or deferred: lane {@code <destination>|<key>}) is a row of its lane (table
 * {@code hub_lane}), and anything later of the same entity is queued again behind it
 * ({@code SgLaneAction = defer}), or parked with a parked delivery. Writes go through the group commit,
 * so they are on disk before the queue transaction that relies on them commits. Scope {@code instance}
 * also counts each lane's rows in memory, so nothing is read while nothing waits.
 */
public class EntityLanes implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(EntityLanes.class);
    /** How long after the head's next attempt the items behind it come back, per place behind it. */
    private static final long SPACING_MILLIS = 1000;
    /** A head whose next attempt is this long past is taken as lost: the items behind it go ahead. */
    private static final long STALE_AFTER_MILLIS = 15 * 60_000;

    /** Exchange properties set by {@link #dispatch} / {@link #delivery}. */
    public static final String LANE = "SgLane";
    public static final String IN_LANE = "SgInLane";
    public static final String ACTION = "SgLaneAction";
    public static final String HELD_BEHIND = "SgHeldBehind";

    static final String WAITING = "waiting";
    static final String PARKED = "parked";

    private static final String HEAD = "SELECT event_id, state, next_attempt_at, seq FROM hub_lane WHERE lane = ? ORDER BY seq LIMIT 1";
    private static final String MINE = "SELECT seq FROM hub_lane WHERE lane = ? AND event_id = ?";
    private static final String UPDATE = "UPDATE hub_lane SET state = ?, next_attempt_at = ? WHERE lane = ? AND event_id = ?";
    private static final String INSERT = "INSERT INTO hub_lane (lane, event_id, seq, state, next_attempt_at, created_at) "
            + "SELECT CAST(? AS VARCHAR(400)), CAST(? AS VARCHAR(100)), COALESCE(MAX(seq), 0) + 1, CAST(? AS VARCHAR(16)), "
            + "CAST(? AS BIGINT), CAST(? AS TIMESTAMP) FROM hub_lane WHERE lane = ?";
    private static final String DELETE = "DELETE FROM hub_lane WHERE lane = ? AND event_id = ?";

    private CamelContext camelContext;
    private DataSource dataSource;
    private volatile JdbcGroupCommit groupCommit;
    private DestinationRegistry registry;
    private String scope = "auto";
    /** Scope instance: the items of each non-empty lane, loaded from the table on first use; null for cluster. */
    private volatile Map<String, Integer> waiting;
    private volatile boolean scoped;

    record Head(String eventId, String state, long nextAttemptAt, long seq) {
    }

    /** Dispatch consumer, before enriching: go, or wait behind an earlier event of the entity. */
    public void dispatch(Exchange exchange) {
        String key = exchange.getIn().getHeader(EntityKey.HEADER, String.class);
        clear(exchange);
        if (key != null) {
            decide(exchange, "events|" + key, false);
        }
    }

    /** Before a delivery to an ordered destination: go, wait behind an earlier delivery of the entity, or be parked with it. */
    public void delivery(Exchange exchange) {
        clear(exchange);
        String key = exchange.getIn().getHeader(EntityKey.HEADER, String.class);
        if (key == null || exchange.getIn().getHeader(EventHistory.MANUAL) != null) {
            return; // not ordered, or redelivered on purpose by an operator
        }
        Destination destination = registry.destination(exchange);
        if (!destination.isOrdered()) {
            return;
        }
        decide(exchange, destination.getName() + "|" + key, true);
    }

    private void decide(Exchange exchange, String lane, boolean parkWithHead) {
        exchange.setProperty(LANE, lane);
        exchange.setProperty(ACTION, "go");
        String eventId = exchange.getIn().getHeader(Headers.EVENT_ID, String.class);
        Map<String, Integer> known = waiting();
        if (known != null && !known.containsKey(lane)) {
            return; // nothing of this entity waits: no read
        }
        Head head = head(lane);
        if (head == null) {
            return;
        }
        if (head.eventId().equals(eventId)) {
            exchange.setProperty(IN_LANE, true);
            return;
        }
        exchange.setProperty(HELD_BEHIND, head.eventId());
        Long mySeq = seq(lane, eventId);
        exchange.setProperty(IN_LANE, mySeq != null);
        if (parkWithHead && PARKED.equals(head.state())) {
            exchange.setProperty(ACTION, "park");
            return;
        }
        if (head.nextAttemptAt() < System.currentTimeMillis() - STALE_AFTER_MILLIS) {
            LOG.warn("Lane {}: its head (event {}) was due at {} and has not come back; {} goes ahead of it", lane, head.eventId(),
                    Instant.ofEpochMilli(head.nextAttemptAt()), eventId);
            return;
        }
        long behind = mySeq == null ? 1 : Math.max(1, mySeq - head.seq());
        long at = Math.max(head.nextAttemptAt(), System.currentTimeMillis()) + SPACING_MILLIS * behind;
        exchange.setProperty(ACTION, "defer");
        exchange.setProperty(RateLimits.DEFER_UNTIL, at);
    }

    private static void clear(Exchange exchange) {
        exchange.removeProperty(LANE);
        exchange.removeProperty(IN_LANE);
        exchange.removeProperty(ACTION);
        exchange.removeProperty(HELD_BEHIND);
    }

    /** The item goes to its queue for later (a retry, or deferred): it waits in its lane until then. */
    public void waiting(Exchange exchange) {
        String lane = exchange.getProperty(LANE, String.class);
        if (lane == null) {
            return;
        }
        Long at = exchange.getMessage().getHeader(RetryPolicy.SCHEDULED_DELIVERY, Long.class);
        put(lane, exchange, WAITING, at == null ? System.currentTimeMillis() : at);
    }

    /**
     * After the retry policy decided (header SgRetryAction): a retry waits in the lane; a parked delivery
     * stays parked at its place (the later ones are parked with it); a parked event leaves its lane.
     */
    public void failed(Exchange exchange) {
        String lane = exchange.getProperty(LANE, String.class);
        if (lane == null) {
            return;
        }
        if ("retry".equals(exchange.getMessage().getHeader(RetryPolicy.ACTION, String.class))) {
            waiting(exchange);
        } else if (lane.startsWith("events|")) {
            done(exchange);
        } else {
            put(lane, exchange, PARKED, Long.MAX_VALUE);
        }
    }

    /** Delivered, already delivered, dispatched, or skipped: the lane moves on. */
    public void done(Exchange exchange) {
        String lane = exchange.getProperty(LANE, String.class);
        if (lane != null && Boolean.TRUE.equals(exchange.getProperty(IN_LANE, Boolean.class))) {
            int removed = write(DELETE, lane, exchange.getIn().getHeader(Headers.EVENT_ID, String.class));
            counted(lane, -removed);
            exchange.setProperty(IN_LANE, false);
        }
    }

    /** A parked delivery replayed by an operator waits again at its place (DeadLetters). */
    public void unpark(String destination, String entityKey, String eventId) {
        if (entityKey != null) {
            write(UPDATE, WAITING, System.currentTimeMillis(), destination + "|" + entityKey, eventId);
        }
    }

    private void put(String lane, Exchange exchange, String state, long nextAttemptAt) {
        String eventId = exchange.getMessage().getHeader(Headers.EVENT_ID, String.class);
        if (write(UPDATE, state, nextAttemptAt, lane, eventId) == 0) {
            counted(lane, 1); // before the insert: a decision made meanwhile reads the lane
            try {
                write(INSERT, lane, eventId, state, nextAttemptAt, Timestamp.from(Instant.now()), lane);
            } catch (RuntimeException e) {
                counted(lane, -1);
                throw e;
            }
        }
        exchange.setProperty(IN_LANE, true);
    }

    private void counted(String lane, int delta) {
        Map<String, Integer> known = waiting();
        if (known != null && delta != 0) {
            known.compute(lane, (k, n) -> {
                int now = (n == null ? 0 : n) + delta;
                return now > 0 ? now : null;
            });
        }
    }

    /** Scope instance: the lane counts (loaded once from the table); cluster: null. */
    private Map<String, Integer> waiting() {
        if (scoped) {
            return waiting;
        }
        synchronized (this) {
            if (!scoped) {
                waiting = instanceScope() ? load() : null;
                scoped = true;
                LOG.info("Entity lanes: {}", waiting != null ? "held by this hub alone; read only when something of an entity waits"
                        : "shared by the replicas; read on every decision");
            }
            return waiting;
        }
    }

    private boolean instanceScope() {
        String s = scope == null ? "auto" : scope.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "instance" -> true;
            case "cluster" -> false;
            default -> RateLimits.isH2(dataSource, "the entity lanes");
        };
    }

    private Map<String, Integer> load() {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        try {
            Sql.list(dataSource, "SELECT lane, COUNT(*) FROM hub_lane GROUP BY lane", rs -> Map.entry(rs.getString(1), rs.getInt(2)))
                    .forEach(lane -> counts.put(lane.getKey(), lane.getValue()));
        } catch (SQLException e) {
            throw new RuntimeCamelException("Could not read the entity lanes", e);
        }
        return counts;
    }

    Head head(String lane) {
        try {
            return Sql.first(dataSource, HEAD, rs -> new Head(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)), lane);
        } catch (SQLException e) {
            throw new RuntimeCamelException("Could not read lane " + lane, e);
        }
    }

    private Long seq(String lane, String eventId) {
        try {
            return Sql.first(dataSource, MINE, rs -> rs.getLong(1), lane, eventId);
        } catch (SQLException e) {
            throw new RuntimeCamelException("Could not read lane " + lane, e);
        }
    }

    private int write(String sql, Object... params) {
        try {
            return groupCommit().executePatiently(sql, params); // a consumer: it can share a fuller commit
        } catch (SQLException e) {
            throw new RuntimeCamelException("Could not write lane " + params[params.length - 1], e);
        }
    }

    private JdbcGroupCommit groupCommit() {
        JdbcGroupCommit gc = groupCommit;
        if (gc == null) {
            gc = JdbcGroupCommit.inRegistry(camelContext, "the ordering lanes");
            groupCommit = gc;
        }
        return gc;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void setRegistry(DestinationRegistry registry) {
        this.registry = registry;
    }

    /** storeganise.delivery.lanes-scope: auto (instance on H2, cluster otherwise), instance or cluster. */
    public void setScope(String scope) {
        this.scope = scope;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
