package io.storehub.hub.deliver;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Decides whether a freshly dispatched delivery is tried at once, on the dispatch consumer, or
 * queued: queued until the destination's back-off ends ({@link DestinationHealth}), or until its next
 * rate-limit slot when none is free within {@code maxWait} (the slot is reserved and travels with the
 * queued delivery, so it is sent then without reserving again). Sets the exchange
 * property {@link RateLimits#DEFER_UNTIL} (epoch ms) and {@link #DEFER_REASON} when it is to be queued.
 */
public class SendNowOrQueue implements Processor {

    public static final String DEFER_REASON = "SgDeferReason";

    private DestinationHealth health;
    private RateLimits rateLimits;
    private Duration maxWait = Duration.ofMillis(20);

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.removeProperty(RateLimits.DEFER_UNTIL);
        exchange.removeProperty(DEFER_REASON);
        String destination = exchange.getProperty(DestinationRegistry.DESTINATION, String.class);
        long backOff = health.backingOffUntil(destination);
        if (backOff > 0) {
            exchange.setProperty(RateLimits.DEFER_UNTIL, backOff);
            exchange.setProperty(DEFER_REASON, "backing-off");
            return;
        }
        rateLimits.reserve(exchange, maxWait);
        if (exchange.getProperty(RateLimits.DEFER_UNTIL) != null) {
            exchange.setProperty(DEFER_REASON, "rate-limit");
        }
    }

    public void setHealth(DestinationHealth health) {
        this.health = health;
    }

    public void setRateLimits(RateLimits rateLimits) {
        this.rateLimits = rateLimits;
    }

    /** ISO-8601: the longest a dispatch consumer waits for a rate-limit slot before queuing the delivery for it. */
    public void setMaxWait(String maxWait) {
        this.maxWait = Duration.parse(maxWait);
    }
}
