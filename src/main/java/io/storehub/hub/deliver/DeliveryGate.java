package io.storehub.hub.deliver;

import java.time.Duration;

import io.storehub.hub.history.DeliveryRecord;
import io.storehub.hub.support.PermanentFailure;
import org.apache.camel.Exchange;

/**
 * What a delivery does next, the same for one tried at once (by the dispatch consumer) and one taken from the
 * queue: {@link #NEXT} is {@code duplicate} (already delivered), {@code defer} (queued for later: behind its
 * entity, backing off, or no rate-limit slot; {@link #DEFER_REASON}) or {@code send}; held behind a parked
 * delivery of its entity it fails permanently. {@link #firstTry} respects the back-off and waits at most
 * {@code firstTryWait} for a slot (a dispatch consumer must not hold the events behind it).
 */
public class DeliveryGate {

    public static final String NEXT = "SgNext";
    public static final String DEFER_REASON = "SgDeferReason";

    private EntityLanes lanes;
    private DeliveryRecord records;
    private DestinationHealth health;
    private RateLimits rateLimits;
    private Duration firstTryWait = Duration.ofMillis(20);

    /** A freshly dispatched delivery, on the dispatch consumer. */
    public void firstTry(Exchange exchange) throws InterruptedException {
        decide(exchange, true);
    }

    /** A delivery taken from the delivery queue: a retry, a deferred or a replayed one. */
    public void fromQueue(Exchange exchange) throws InterruptedException {
        decide(exchange, false);
    }

    private void decide(Exchange exchange, boolean firstTry) throws InterruptedException {
        exchange.removeProperty(RateLimits.DEFER_UNTIL);
        exchange.removeProperty(DEFER_REASON);
        lanes.delivery(exchange);
        String lane = exchange.getProperty(EntityLanes.ACTION, String.class);
        if (records.alreadyDelivered(exchange)) {
            exchange.setProperty(NEXT, "duplicate");
        } else if ("park".equals(lane)) {
            throw new PermanentFailure("held behind the parked delivery of event " + exchange.getProperty(EntityLanes.HELD_BEHIND)
                    + " to " + exchange.getProperty(DestinationRegistry.DESTINATION) + " (ordered destination): replay that one first");
        } else if ("defer".equals(lane)) {
            defer(exchange, "ordered");
        } else {
            if (firstTry) {
                long backOff = health.backingOffUntil(exchange.getProperty(DestinationRegistry.DESTINATION, String.class));
                if (backOff > 0) {
                    exchange.setProperty(RateLimits.DEFER_UNTIL, backOff);
                    defer(exchange, "backing-off");
                    return;
                }
                rateLimits.reserve(exchange, firstTryWait);
            } else {
                rateLimits.process(exchange);
            }
            if (exchange.getProperty(RateLimits.DEFER_UNTIL) != null) {
                defer(exchange, "rate-limit");
            } else {
                exchange.setProperty(NEXT, "send");
            }
        }
    }

    private static void defer(Exchange exchange, String reason) {
        exchange.setProperty(NEXT, "defer");
        exchange.setProperty(DEFER_REASON, reason);
    }

    public void setLanes(EntityLanes lanes) {
        this.lanes = lanes;
    }

    public void setRecords(DeliveryRecord records) {
        this.records = records;
    }

    public void setHealth(DestinationHealth health) {
        this.health = health;
    }

    public void setRateLimits(RateLimits rateLimits) {
        this.rateLimits = rateLimits;
    }

    /** ISO-8601: the longest a dispatch consumer waits for a rate-limit slot before queuing the delivery for it. */
    public void setFirstTryWait(String firstTryWait) {
        this.firstTryWait = Duration.parse(firstTryWait);
    }
}
