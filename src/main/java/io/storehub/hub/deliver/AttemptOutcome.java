package io.storehub.hub.deliver;

import io.storehub.hub.history.DeliveryRecord;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HubCounters;
import io.storehub.hub.support.RetryPolicy;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping after an attempt, in one place: the success record ({@link DeliveryRecord}), the history
 * of the other outcomes, the counters, the destination's health, the latency and the entity's lane.
 * {@link #record} ends a delivery that did not fail (what it did: {@link DeliveryGate#NEXT}) or an event
 * queued again behind its entity; {@link #failed} follows the retry policy's decision, with its log line.
 */
public class AttemptOutcome implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger("io.storehub.hub.deliver");
    private static final Logger RETRY_LOG = LoggerFactory.getLogger("io.storehub.hub.retry");

    private DeliveryRecord records;
    private volatile EventHistory history;
    private CamelContext camelContext;
    private volatile HubCounters counters;
    private DestinationHealth health;
    private DeliveryMetrics latency;
    private EntityLanes lanes;

    public void record(Exchange exchange) {
        String destination = exchange.getProperty(DestinationRegistry.DESTINATION, String.class);
        String next = exchange.getProperty(DeliveryGate.NEXT, String.class);
        if (destination == null || "defer".equals(next)) { // an event behind its entity, or a delivery queued for later
            history().attempt(exchange, "deferred");
            lanes.waiting(exchange);
            counters().deferred(exchange);
        } else if ("duplicate".equals(next)) {
            lanes.done(exchange);
            history().attempt(exchange, "duplicate-skipped");
            counters().delivery(exchange, "duplicate");
            LOG.debug("Already delivered to {}: not sent again", destination);
        } else if (Boolean.TRUE.equals(exchange.getProperty(DeliveryResult.SKIPPED, Boolean.class))) {
            history().attempt(exchange, "skipped");
            counters().delivery(exchange, "skipped");
            lanes.done(exchange);
        } else {
            // the success record first: whatever fails after it, the delivery is never sent again; the same
            // row is the delivery's status and its attempt in the history (a manual redelivery's attempt aside)
            if (!records.delivered(exchange)) {
                history().attempt(exchange, "delivered");
            }
            lanes.done(exchange);
            health.succeeded(exchange);
            latency.process(exchange);
            counters().delivery(exchange, "delivered");
            LOG.debug("Delivered to {}", destination);
        }
    }

    public void failed(Exchange exchange) {
        history().failed(exchange);
        // a destination's own failure counts towards its back-off (not a delivery parked behind another)
        if (exchange.getProperty(DestinationRegistry.DESTINATION) != null
                && !"park".equals(exchange.getProperty(EntityLanes.ACTION, String.class))) {
            health.failed(exchange);
        }
        // the lane of its entity holds it (retry) or keeps its place (parked delivery); a parked event lets the next pass
        lanes.failed(exchange);
        counters().processingFailure(exchange);
        Message m = exchange.getMessage();
        if ("retry".equals(m.getHeader(RetryPolicy.ACTION))) {
            RETRY_LOG.warn("Processing failed (attempt {}), retrying from {} at {}: {}", m.getHeader(Headers.ATTEMPT),
                    exchange.getProperty("SgQueue"), m.getHeader(RetryPolicy.NEXT_ATTEMPT_AT), m.getHeader(Headers.FAILURE_REASON));
        } else {
            RETRY_LOG.error("Processing failed (attempt {}, no retry left or the failure is permanent), parked in {}: {}",
                    m.getHeader(Headers.ATTEMPT), exchange.getProperty("SgDeadLetterQueue"), m.getHeader(Headers.FAILURE_REASON));
        }
    }

    // declared in other files (history-beans, beans), which may load after the delivery beans: looked up when first needed
    private EventHistory history() {
        if (history == null) {
            history = camelContext.getRegistry().findSingleByType(EventHistory.class);
        }
        return history;
    }

    private HubCounters counters() {
        if (counters == null) {
            counters = camelContext.getRegistry().findSingleByType(HubCounters.class);
        }
        return counters;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setRecords(DeliveryRecord records) {
        this.records = records;
    }

    public void setHealth(DestinationHealth health) {
        this.health = health;
    }

    public void setLatency(DeliveryMetrics latency) {
        this.latency = latency;
    }

    public void setLanes(EntityLanes lanes) {
        this.lanes = lanes;
    }
}
