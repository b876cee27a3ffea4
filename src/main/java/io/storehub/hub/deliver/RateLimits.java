package io.storehub.hub.deliver;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Per-destination rate limits (a resilience4j {@link RateLimiter} each, from the destination's
 * {@code rate-limit}; Slack 1/s and Zapier 30/s by default), so a burst is smoothed rather than
 * answered 429.
 *
 * <p>Each delivery reserves the next free slot of its destination. A slot at most {@code maxWait}
 * away is waited for on the consumer thread; a later one is not: the delivery is sent back to the
 * queue for that time (exchange property {@link #DEFER_UNTIL}, epoch ms; the route re-sends it with
 * Artemis scheduled delivery) carrying its slot in the header {@link #SLOT}, so it is sent when it comes
 * back without reserving again. A burst for a slow destination therefore never holds the consumer
 * threads the other destinations need, and no message is dropped or counted as a failed attempt.
 * Limits are per hub process: with several replicas, divide the rate by the replica count.
 */
public class RateLimits implements Processor {

    /** Exchange property: re-queue the delivery for this time (epoch ms) instead of sending it now. */
    public static final String DEFER_UNTIL = "SgDeferUntil";
    /** Header on a re-queued delivery: the epoch ms of the slot it holds. */
    public static final String SLOT = "SgRateSlotAt";

    private static final long STALE_SLOT_MILLIS = 5_000;

    private DestinationRegistry registry;
    private Duration maxWait = Duration.ofSeconds(2);
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        reserve(exchange, maxWait);
    }

    /** As {@link #process}, waiting at most {@code wait} on this thread (a delivery tried at once waits for no slot). */
    public void reserve(Exchange exchange, Duration wait) throws InterruptedException {
        exchange.removeProperty(DEFER_UNTIL);
        Long slot = exchange.getIn().getHeader(SLOT, Long.class);
        exchange.getIn().removeHeader(SLOT);
        // a slot long past is not this delivery's any more (it is a retry after a failed send): take a new one
        if (slot != null && System.currentTimeMillis() - slot < STALE_SLOT_MILLIS) {
            long early = slot - System.currentTimeMillis();
            if (early > 0) { // delivered a little before its slot (clock granularity): wait for it
                Thread.sleep(Math.min(early, wait.toMillis()));
            }
            return;
        }
        Destination destination = registry.destination(exchange);
        if (destination.getRateLimit() == null) {
            return;
        }
        RateLimiter limiter = limiters.computeIfAbsent(destination.getName(), n -> limiter(n, destination.getRateLimit()));
        long waitNanos = limiter.reservePermission();
        if (waitNanos <= 0) {
            return;
        }
        if (waitNanos <= wait.toNanos()) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
            return;
        }
        long at = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(waitNanos);
        exchange.setProperty(DEFER_UNTIL, at);
        exchange.getIn().setHeader(SLOT, at);
    }

    private static RateLimiter limiter(String name, Destination.RateLimit limit) {
        return RateLimiter.of("destination-" + name, RateLimiterConfig.custom()
                .limitForPeriod(limit.permits())
                .limitRefreshPeriod(limit.period())
                // reservations may run far ahead: a burst of 3600 Slack messages is spread over the next hour
                .timeoutDuration(Duration.ofDays(7))
                .build());
    }

    public void setRegistry(DestinationRegistry registry) {
        this.registry = registry;
    }

    /** ISO-8601 duration: the longest a consumer thread waits for a slot before re-queuing the delivery. */
    public void setMaxWait(String maxWait) {
        this.maxWait = Duration.parse(maxWait);
    }
}
