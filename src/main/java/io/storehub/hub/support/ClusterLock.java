package io.storehub.hub.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbc.JdbcLockProvider;
import org.apache.camel.Exchange;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a timer route run once per cluster: the first replica to take the named lock (ShedLock,
 * table {@code hub_cluster_lock}) does the tick's work. Held for nine tenths of the period (so the
 * other replicas' ticks find it taken), lapsing after the period if its holder dies; the replicas'
 * clocks must agree (NTP) to well under a tenth of the shortest period.
 */
public class ClusterLock {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLock.class);

    private DataSource dataSource;
    private LockProvider provider;

    /** Declared as the bean's initMethod. */
    public void init() {
        provider = new JdbcLockProvider(dataSource, "hub_cluster_lock"); // created by migration V20
    }

    /** Takes the lock for this tick (released when the exchange completes); true: another replica holds it. */
    public boolean heldElsewhere(Exchange exchange, String name, String every) {
        Duration period = period(every);
        Duration atLeast = period.multipliedBy(9).dividedBy(10);
        Optional<SimpleLock> lock = provider.lock(new LockConfiguration(Instant.now(), name, period, atLeast));
        if (lock.isEmpty()) {
            LOG.debug("{}: another hub instance runs it this time", name);
            return true;
        }
        exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                try {
                    lock.get().unlock();
                } catch (RuntimeException e) {
                    // the lock lapses by itself after 'every'
                    LOG.warn("{}: the cluster lock could not be released: {}", name, e.getMessage());
                }
            }
        });
        return false;
    }

    /** Camel's time syntax ({@code 3600000}, {@code 5m}, {@code 1h30m}) or an ISO-8601 duration ({@code PT1H}). */
    static Duration period(String every) {
        String text = every == null ? "" : every.trim();
        // TimeUtils reads an ISO-8601 duration as 0: parse that form here
        Duration period = text.startsWith("P") || text.startsWith("p") ? Duration.parse(text)
                : Duration.ofMillis(TimeUtils.toMilliSeconds(text));
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("'" + every + "' is not a timer period");
        }
        return period;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }
}
