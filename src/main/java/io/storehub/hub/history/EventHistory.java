package io.storehub.hub.history;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import static io.storehub.hub.history.ExchangeFacts.deferReason;
import static io.storehub.hub.history.ExchangeFacts.started;
import static io.storehub.hub.history.ExchangeFacts.status;
import static io.storehub.hub.history.ExchangeFacts.strings;
import static io.storehub.hub.history.ExchangeFacts.text;
import static io.storehub.hub.history.ExchangeFacts.value;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.RetryPolicy;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event history's entry point: each step (received, dispatched, attempt, failed, replayed, manual) only
 * queues a small record for the {@link HistoryQueue}'s writer thread; ingest's call never blocks, the consumers'
 * wait at most {@code maxBlock}, then the record is dropped and counted (docs/console.md, How it is written).
 */
public class EventHistory implements CamelContextAware {

    /** Exchange property: who acts through the admin API or the console (set by their authorization). */
    public static final String ACTOR = "SgActor";
    /** Header of a delivery an operator asked for (redeliver): who; such a delivery is sent even if delivered before. */
    public static final String MANUAL = "SgManual";
    /** Header: a unique id of that manual request (part of its delivery key and duplicate id). */
    public static final String MANUAL_ID = "SgManualId";
    /** Exchange property set by DestinationRegistry.subscribers: destinations a subscription filter left out. */
    public static final String SKIPPED_BY_FILTER = "SgSkippedByFilter";

    private static final Logger LOG = LoggerFactory.getLogger(EventHistory.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> RESOURCE_KEYS = List.of("job", "valetOrder", "unitRental", "previousUnitRental", "unit", "customer",
            "site", "invoice", "addon", "settings");

    private CamelContext camelContext;
    private DataSource dataSource;
    private boolean enabled = true;
    private boolean storeBodies = true;
    private int maxBodyBytes = 65536;
    private Duration retention = Duration.ofDays(30);
    private String retentionText = "P30D";
    private long maxEvents = 50_000;
    private Duration dedupeWindow = Duration.ofDays(7);
    private int queueCapacity = 20_000;
    private Duration flushInterval = Duration.ofMillis(500);
    private Duration maxBlock = Duration.ofMillis(200);

    private volatile HistoryQueue queue; // the records waiting for the writer thread
    private TextScrub scrub;

    /** The bean's initMethod. */
    public void start() {
        if (!enabled) {
            LOG.info("Event history is off (storeganise.history.enabled=false)");
            return;
        }
        queue().start(new HistoryWriter(dataSource, maxBodyBytes));
        LOG.info("Event history on: bodies {}, retention {}, at most {} events", storeBodies ? "kept up to " + maxBodyBytes + " bytes" : "not kept",
                retention, maxEvents);
    }

    public void stop() { // the bean's destroyMethod: writes what is queued and stops the writer
        queue().stop();
    }

    /**
     * The event as received: ingest calls it for a duplicate (never blocking before the 200), the dispatch consumer for
     * the stored event (so a burst of webhooks costs no history writes while acknowledged). Again changes nothing.
     */
    public void received(Exchange exchange) {
        if (!enabled) {
            return;
        }
        Message in = exchange.getIn();
        String id = in.getHeader(Headers.EVENT_ID, String.class);
        if (id == null) {
            return;
        }
        boolean duplicate = "duplicate".equals(exchange.getProperty("SgOutcome", String.class));
        long now = System.currentTimeMillis();
        Object body = in.getBody();
        HistoryRecord r = new HistoryRecord.Received(id, in.getHeader(Headers.EVENT_TYPE, String.class), receivedAt(in, now), duplicate, now,
                duplicate ? null : body instanceof byte[] bytes ? bytes : in.getBody(byte[].class));
        if (!duplicate) {
            queue().offerOrWait(r);
            ExchangeFacts.traced(exchange, id).ifPresent(queue()::offerOrWait);
        } else {
            queue().offer(r);
        }
    }

    /** Fan-out (direct:deliver): the enrichment result, entity ids, destinations queued and skipped by a filter, the body. */
    public void dispatched(Exchange exchange) {
        if (!enabled) {
            return;
        }
        Message in = exchange.getIn();
        String id = in.getHeader(Headers.EVENT_ID, String.class);
        Map<?, ?> body = in.getBody(Map.class);
        if (id == null || body == null) {
            return;
        }
        List<String> queued = strings(exchange.getProperty("SgSubscribers", List.class));
        List<String> skipped = strings(exchange.getProperty(SKIPPED_BY_FILTER, List.class));
        List<String> fetched = RESOURCE_KEYS.stream().filter(key -> body.get(key) instanceof Map<?, ?>).toList();
        List<String> missing = strings(body.get("missing") instanceof List<?> m ? m : null);
        Map<?, ?> summary = body.get("summary") instanceof Map<?, ?> s ? s : Map.of();
        String json = null;
        boolean truncated = false;
        int bytes = 0;
        if (storeBodies) {
            try {
                byte[] serialized = MAPPER.writeValueAsBytes(body);
                bytes = serialized.length;
                truncated = bytes > maxBodyBytes;
                json = truncated ? Texts.utf8Prefix(serialized, maxBodyBytes) : new String(serialized, StandardCharsets.UTF_8);
            } catch (Exception e) {
                LOG.debug("Enriched body of {} not serializable for the history: {}", id, e.toString());
            }
        }
        long now = System.currentTimeMillis();
        queue().offerOrWait(new HistoryRecord.Dispatched(id, in.getHeader(Headers.EVENT_TYPE, String.class),
                in.getHeader(Headers.FAMILY, String.class), receivedAt(in, now), now,
                queued, skipped, fetched, missing, EntityIds.email(body), text(summary.get("customerName"), 200),
                text(summary.get("headline"), 500), EntityIds.fromEnriched(body), json, truncated, bytes,
                in.getHeader(MANUAL, String.class)));
    }

    /**
     * One pass of a delivery that did not fail (AttemptOutcome): {@code delivered} (an operator's redelivery: the others
     * are their {@link DeliveryRecord}), {@code duplicate-skipped} (already delivered), {@code skipped} (the destination's
     * route had nothing to send) or {@code deferred} (rate-limit slot, back-off, or behind an earlier delivery of the entity).
     */
    public void attempt(Exchange exchange, String outcome) {
        if (!enabled) {
            return;
        }
        // what DestinationRegistry.describe kept as exchange properties: a sender has replaced the headers by now
        String id = value(exchange, Headers.EVENT_ID);
        String destination = value(exchange, "SgDestination");
        if (id == null || destination == null) {
            return;
        }
        long now = System.currentTimeMillis();
        long started = started(exchange);
        Integer failures = exchange.getProperty(Headers.ATTEMPT, Integer.class);
        Integer attempt = "delivered".equals(outcome) ? (failures == null ? 0 : failures) + 1 : null;
        Long next = "deferred".equals(outcome) ? exchange.getProperty("SgDeferUntil", Long.class) : null;
        Object received = exchange.getProperty(Headers.RECEIVED_AT);
        long receivedAt = received instanceof Number n ? n.longValue() : now;
        String actor = value(exchange, MANUAL);
        String detail = "deferred".equals(outcome) ? deferReason(exchange.getProperty("SgDeferReason", String.class))
                : "skipped".equals(outcome) ? "the destination's route had nothing to send" : actor != null ? "manual" : null;
        queue().offerOrWait(new HistoryRecord.Attempt(id, value(exchange, Headers.EVENT_TYPE), receivedAt, destination, started,
                Math.max(0, now - started), attempt, outcome, "delivered".equals(outcome) ? status(exchange) : null, null, null, next,
                actor, detail));
    }

    /**
     * The retry-from-queue error handler, after RetryPolicy decided: a delivery attempt failed (retry or
     * parked), or the processing of the event itself failed.
     */
    public void failed(Exchange exchange) {
        if (!enabled) {
            return;
        }
        Message in = exchange.getMessage();
        String id = in.getHeader(Headers.EVENT_ID, String.class);
        if (id == null) {
            return;
        }
        long now = System.currentTimeMillis();
        String outcome = "retry".equals(in.getHeader(RetryPolicy.ACTION, String.class)) ? "retry" : "parked";
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String errorClass = cause == null ? null : cause.getClass().getSimpleName();
        String error = scrub().clean(in.getHeader(Headers.FAILURE_REASON, String.class));
        Long next = "retry".equals(outcome) ? in.getHeader(RetryPolicy.SCHEDULED_DELIVERY, Long.class) : null;
        Integer attempt = in.getHeader(Headers.ATTEMPT, Integer.class);
        long receivedAt = receivedAt(in, now);
        String type = in.getHeader(Headers.EVENT_TYPE, String.class);
        String destination = in.getHeader("SgDestination", String.class);
        if (destination != null) {
            long started = started(exchange);
            String actor = in.getHeader(MANUAL, String.class);
            queue().offerOrWait(new HistoryRecord.Attempt(id, type, receivedAt, destination, started,
                    Math.max(0, now - started), attempt, outcome, status(exchange), errorClass, error, next, actor,
                    actor != null ? "manual" : null));
        } else {
            queue().offerOrWait(new HistoryRecord.DispatchFailure(id, type, receivedAt, now, attempt, outcome,
                    errorClass, error, next));
        }
    }

    /** DeadLetters moved a parked delivery back to the delivery queue. */
    public void replayed(String eventId, String type, Long receivedAt, String destination, String actor) {
        if (enabled && eventId != null && destination != null) {
            long now = System.currentTimeMillis();
            queue().offerOrWait(new HistoryRecord.Replayed(eventId, type, receivedAt != null ? receivedAt : now, destination, now, actor));
        }
    }

    /** An operator asked for a delivery again; {@code mode} says how it was queued. */
    public void manual(String eventId, String destination, String actor, String mode) {
        if (enabled) {
            queue().offerOrWait(new HistoryRecord.Manual(eventId, destination, System.currentTimeMillis(), actor, mode));
        }
    }

    /** The purge timer: forgets events older than the retention and the oldest beyond max-events. */
    public int purge() throws Exception {
        return purge(Instant.now().minus(retention), maxEvents);
    }

    /** Forgets events received before {@code olderThan} and all but the newest {@code keep}. */
    public int purge(Instant olderThan, long keep) throws Exception {
        if (!enabled) {
            return 0;
        }
        int purged = new HistoryPurge(dataSource, Instant.now().minus(dedupeWindow)).purge(olderThan, keep);
        if (purged > 0) {
            LOG.info("Event history: purged {} events (older than {} or beyond the newest {})", purged, olderThan, keep);
        }
        return purged;
    }

    public int pending() {
        return queue().pending();
    }

    public long dropped() {
        return queue().dropped();
    }

    /** Every record queued so far is written (or dropped): a delivered {@link DeliveryRecord}'s earlier attempts can be read. */
    public boolean caughtUp() {
        return queue().caughtUp();
    }

    /** The settings and the writer's counts, for the overview. */
    public Map<String, Object> overview() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("enabled", enabled);
        h.put("storeBodies", storeBodies);
        h.put("maxBodyBytes", maxBodyBytes);
        h.put("retention", retentionText); // as configured: P30D reads better than Duration's PT720H
        h.put("maxEvents", maxEvents);
        h.put("pending", pending());
        h.put("dropped", dropped());
        h.put("written", queue().written());
        return h;
    }

    private static long receivedAt(Message in, long now) {
        Long receivedAt = in.getHeader(Headers.RECEIVED_AT, Long.class);
        return receivedAt != null ? receivedAt : now;
    }

    /** Made on first use, with the settings given by then (the bean's setters run before). */
    private HistoryQueue queue() {
        HistoryQueue q = queue;
        return q != null ? q : makeQueue();
    }

    private synchronized HistoryQueue makeQueue() {
        return queue != null ? queue : (queue = new HistoryQueue(camelContext, queueCapacity, flushInterval, maxBlock));
    }

    private TextScrub scrub() {
        TextScrub s = scrub;
        if (s == null) {
            s = TextScrub.from(camelContext);
            scrub = s;
        }
        return s;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public void setStoreBodies(boolean storeBodies) {
        this.storeBodies = storeBodies;
    }

    public void setMaxBodyBytes(int maxBodyBytes) {
        if (maxBodyBytes < 1024 || maxBodyBytes > 1_000_000) {
            throw new IllegalArgumentException("storeganise.history.max-body-bytes must be between 1024 and 1000000, not " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    public void setRetention(String retention) {
        this.retention = Duration.parse(retention);
        this.retentionText = retention.trim();
    }

    public void setMaxEvents(long maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("storeganise.history.max-events must be positive");
        }
        this.maxEvents = maxEvents;
    }

    /** {@code storeganise.webhook.dedupe-window} (P7D): the purge keeps the {@link DeliveryRecord} successes this recent. */
    public void setDedupeWindow(String dedupeWindow) {
        this.dedupeWindow = Duration.parse(dedupeWindow);
    }

    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public void setFlushInterval(String flushInterval) {
        Duration d = Duration.parse(flushInterval);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("storeganise.history.flush-interval must be positive and at most PT1S, not " + flushInterval);
        }
        this.flushInterval = d;
    }

    /** ISO-8601: how long a consumer thread waits for room in a full queue before dropping its record. */
    public void setMaxBlock(String maxBlock) {
        this.maxBlock = Duration.parse(maxBlock);
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
