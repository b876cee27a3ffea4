package io.storehub.hub.support;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lock the timer routes take so that their work runs once per cluster, here with two "replicas"
 * on one H2 database (the default database; the cluster tests do it on PostgreSQL).
 */
class ClusterLockTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private JdbcDataSource database;

    @BeforeEach
    void database() {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:lock-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        DatabaseSchema schema = new DatabaseSchema();
        schema.setDataSource(database);
        schema.migrate();
    }

    @Test
    void aTickTakenByOneReplicaIsSkippedByTheOtherForTheRestOfThePeriod() {
        ClusterLock a = replica();
        ClusterLock b = replica();

        Exchange tickA = tick();
        assertThat(a.heldElsewhere(tickA, "expire-dedupe-ids", "1h")).as("a does the work").isFalse();
        assertThat(b.heldElsewhere(tick(), "expire-dedupe-ids", "1h")).as("b skips while a works").isTrue();
        complete(tickA);
        assertThat(b.heldElsewhere(tick(), "expire-dedupe-ids", "1h")).as("and for the rest of the period").isTrue();
        assertThat(b.heldElsewhere(tick(), "expire-delivery-records", "1h")).as("another timer has its own lock").isFalse();
    }

    @Test
    void aLockWhoseHolderDiedLapsesAfterOnePeriod() {
        ClusterLock a = replica();
        ClusterLock b = replica();

        assertThat(a.heldElsewhere(tick(), "recipe-failure-alert", "PT0.5S")).isFalse(); // a dies: never completes
        assertThat(b.heldElsewhere(tick(), "recipe-failure-alert", "PT0.5S")).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> !b.heldElsewhere(tick(), "recipe-failure-alert", "PT0.5S"));
    }

    private ClusterLock replica() {
        ClusterLock lock = new ClusterLock();
        lock.setDataSource(database);
        lock.init();
        return lock;
    }

    private Exchange tick() {
        return new DefaultExchange(camel);
    }

    /** What Camel does when the timer's exchange is done. */
    private static void complete(Exchange exchange) {
        List<Synchronization> done = exchange.getExchangeExtension().handoverCompletions();
        done.forEach(s -> s.onComplete(exchange));
    }
}
