package io.storehub.hub.deliver;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.Sql;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-destination rate limits (docs/destinations.md): a Bucket4j token bucket each, from the destination's
 * {@code rate-limit}. Each delivery reserves its destination's next free slot (the bucket may run into
 * debt, so a burst is spread over the time it needs); a slot at most {@code maxWait} away is waited for,
 * a later one is not: the delivery goes back to the queue for that time ({@link #DEFER_UNTIL}) holding
 * its slot ({@link #SLOT}), so a slow destination never holds the consumer threads the others need.
 * Scope {@code cluster} keeps the buckets in the database for all replicas ({@link DatabaseBuckets}),
 * {@code instance} in memory; {@code auto} is {@code instance} on H2 only.
 */
public class RateLimits implements Processor {

    /** Exchange property: re-queue the delivery for this time (epoch ms) instead of sending it now. */
    public static final String DEFER_UNTIL = "SgDeferUntil";
    /** Header on a re-queued delivery: the epoch ms of the slot it holds. */
    public static final String SLOT = "SgRateSlotAt";

    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);
    private static final long STALE_SLOT_MILLIS = 5_000;

    private DestinationRegistry registry;
    private Duration maxWait = Duration.ofSeconds(2);
    private DataSource dataSource;
    private String scope = "auto";
    private TimeMeter clock = TimeMeter.SYSTEM_MILLISECONDS;
    private DatabaseBuckets shared;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Decides where the buckets live; the bean's initMethod. */
    public void init() {
        String s = scope == null ? "auto" : scope.trim().toLowerCase(Locale.ROOT);
        boolean cluster = switch (s) {
            case "cluster" -> true;
            case "instance" -> false;
            case "auto" -> dataSource != null && !isH2(dataSource, "rate limits");
            default -> throw new HubConfigurationException("storeganise.delivery.rate-limit-scope '" + scope
                    + "' must be auto, cluster or instance.");
        };
        if (cluster && dataSource == null) {
            throw new HubConfigurationException("storeganise.delivery.rate-limit-scope is cluster but the hub has no data source.");
        }
        // wall-clock milliseconds: the replicas compare times through the database
        shared = cluster ? new DatabaseBuckets(dataSource, ClientSideConfig.getDefault().withClientClock(clock)) : null;
        buckets.clear();
        LOG.info("Destination rate limits are held {}", cluster ? "for the cluster, in the database (table hub_rate_limit)"
                : "per hub instance, in memory");
    }

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
        long waitNanos = reserve(destination.getName(), destination.getRateLimit());
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

    /** Takes the next slot of the destination's bucket: nanoseconds until it comes (0: now). */
    long reserve(String destination, Destination.RateLimit limit) {
        // the limit is part of the key: a changed rate-limit starts a bucket of its own
        String key = destination + "@" + limit.permits() + "/" + limit.period();
        Bucket bucket = buckets.computeIfAbsent(key, k -> shared != null
                ? shared.builder().build(k, () -> BucketConfiguration.builder().addLimit(bandwidth(limit)).build())
                : Bucket.builder().addLimit(bandwidth(limit)).withCustomTimePrecision(clock).build());
        return bucket.consumeIgnoringRateLimits(1);
    }

    /** {@code permits} at once, refilled evenly over {@code period} (1/s: one a second; 30/s: a burst of 30, then one every 33 ms). */
    private static Bandwidth bandwidth(Destination.RateLimit limit) {
        return Bandwidth.builder().capacity(limit.permits()).refillGreedy(limit.permits(), limit.period()).build();
    }

    /** Whether the database is H2 (the embedded file database of one hub), to choose where {@code what} are held. */
    static boolean isH2(DataSource dataSource, String what) {
        try {
            return Sql.kind(dataSource).isH2();
        } catch (SQLException e) {
            throw new IllegalStateException("The database could not be reached to choose where " + what + " are held: " + e.getMessage(), e);
        }
    }

    public void setRegistry(DestinationRegistry registry) {
        this.registry = registry;
    }

    /** ISO-8601 duration: the longest a consumer thread waits for a slot before re-queuing the delivery. */
    public void setMaxWait(String maxWait) {
        this.maxWait = Duration.parse(maxWait);
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    /** The clock the buckets count time with (tests). */
    void setClock(TimeMeter clock) {
        this.clock = clock;
    }
}
