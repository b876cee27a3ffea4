package io.storehub.hub.deliver;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.TimeMeter;
import io.storehub.hub.support.DatabaseSchema;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the rate-limit buckets live: with scope cluster two hubs on one database take their slots
 * from one bucket (here on H2, the portable SQL of {@link DatabaseBuckets}; the cluster tests do it on
 * PostgreSQL); with scope instance each hub has its own. A clock the test moves makes the slots exact.
 */
class RateLimitScopeTest {

    private static final Destination.RateLimit ONE_PER_SECOND = new Destination.RateLimit(1, Duration.ofSeconds(1));
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(20_000));
    private final TimeMeter clock = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return now.get();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    };
    private JdbcDataSource database;

    @BeforeEach
    void database() {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:rate-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        DatabaseSchema schema = new DatabaseSchema();
        schema.setDataSource(database);
        schema.migrate();
    }

    @Test
    void twoHubsWithClusterScopeShareOneBucketPerDestination() {
        RateLimits hubA = hub("cluster");
        RateLimits hubB = hub("cluster");

        assertThat(hubA.reserve("site-team", ONE_PER_SECOND)).as("first slot: now").isZero();
        assertThat(hubB.reserve("site-team", ONE_PER_SECOND)).as("the other hub gets the next second").isEqualTo(SECOND);
        assertThat(hubA.reserve("site-team", ONE_PER_SECOND)).isEqualTo(2 * SECOND);
        now.addAndGet(SECOND + SECOND / 2);
        assertThat(hubB.reserve("site-team", ONE_PER_SECOND)).isEqualTo(SECOND + SECOND / 2);
        assertThat(hubB.reserve("front-desk", ONE_PER_SECOND)).as("another destination has a bucket of its own").isZero();
    }

    @Test
    void withInstanceScopeEachHubHasItsOwnBucket() {
        RateLimits hubA = hub("instance");
        RateLimits hubB = hub("instance");

        assertThat(hubA.reserve("site-team", ONE_PER_SECOND)).isZero();
        assertThat(hubB.reserve("site-team", ONE_PER_SECOND)).isZero();
        assertThat(hubA.reserve("site-team", ONE_PER_SECOND)).isEqualTo(SECOND);
    }

    @Test
    void autoOnTheEmbeddedH2IsPerInstance() {
        RateLimits hubA = hub("auto");
        RateLimits hubB = hub("auto");

        assertThat(hubA.reserve("site-team", ONE_PER_SECOND)).isZero();
        assertThat(hubB.reserve("site-team", ONE_PER_SECOND)).isZero();
    }

    @Test
    void aBurstOf3600SlackMessagesIsSpreadOverAnHour() {
        RateLimits hub = hub("cluster");

        long last = 0;
        for (int i = 0; i < 3600; i++) {
            last = hub.reserve("site-team", ONE_PER_SECOND);
        }

        assertThat(last).isEqualTo(3599 * SECOND);
    }

    @Test
    void aChangedLimitStartsABucketOfItsOwn() {
        RateLimits hub = hub("cluster");
        hub.reserve("site-team", ONE_PER_SECOND);

        assertThat(hub.reserve("site-team", new Destination.RateLimit(2, Duration.ofSeconds(1)))).isZero();
    }

    private RateLimits hub(String scope) {
        RateLimits limits = new RateLimits();
        limits.setDataSource(database);
        limits.setScope(scope);
        limits.setClock(clock);
        limits.init();
        return limits;
    }
}
