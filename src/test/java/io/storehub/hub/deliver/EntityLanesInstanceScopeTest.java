package io.storehub.hub.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.storehub.hub.support.DatabaseSchema;
import io.storehub.hub.support.JdbcGroupCommit;
import io.storehub.hub.support.RetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On the embedded H2 (lanes scope auto = instance) the lanes of an ordered destination are read only
 * when something of the entity waits; the order still holds when something does.
 */
class EntityLanesInstanceScopeTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final AtomicInteger laneReads = new AtomicInteger();
    private final JdbcGroupCommit groupCommit = new JdbcGroupCommit();
    private EntityLanes lanes;

    @BeforeEach
    void lanes() {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:lanes-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        DatabaseSchema schema = new DatabaseSchema();
        schema.setDataSource(database);
        schema.migrate();
        groupCommit.setDataSource(database); // the writes; the reads below are counted
        groupCommit.start();
        camel.getRegistry().bind("groupCommit", groupCommit);
        lanes = new EntityLanes();
        lanes.setCamelContext(camel);
        lanes.setDataSource(counting(database));
        lanes.setRegistry(ConfiguredRegistry.of("storeganise.destinations.crm.type=http",
                "storeganise.destinations.crm.url=http://127.0.0.1:9/crm"));
        lanes.delivery(delivery("e0", "job|0")); // the first decision loads the lanes' counts
        laneReads.set(0);
    }

    @AfterEach
    void stop() throws InterruptedException {
        groupCommit.stop();
    }

    @Test
    void aDeliveryWhoseEntityHasNothingWaitingReadsNoLane() {
        Exchange delivery = delivery("e1", "job|1");

        lanes.delivery(delivery);

        assertThat(delivery.getProperty(EntityLanes.ACTION)).isEqualTo("go");
        assertThat(laneReads.get()).isZero();
    }

    @Test
    void aDeliveryWaitingInItsLaneHoldsTheNextOfItsEntityUntilItIsDone() {
        Exchange first = delivery("e1", "job|1");
        lanes.delivery(first);
        first.getMessage().setHeader(RetryPolicy.SCHEDULED_DELIVERY, System.currentTimeMillis() + 60_000);
        lanes.waiting(first);

        Exchange next = delivery("e2", "job|1");
        lanes.delivery(next);
        assertThat(next.getProperty(EntityLanes.ACTION)).as("behind e1").isEqualTo("defer");
        assertThat(laneReads.get()).as("its lane was read").isPositive();

        lanes.done(first);
        laneReads.set(0);
        Exchange after = delivery("e3", "job|1");
        lanes.delivery(after);
        assertThat(after.getProperty(EntityLanes.ACTION)).isEqualTo("go");
        assertThat(laneReads.get()).as("the lane is empty again: not read").isZero();
    }

    private Exchange delivery(String eventId, String entityKey) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader("SgEventId", eventId);
        exchange.getIn().setHeader("SgEntityKey", entityKey);
        exchange.setProperty(DestinationRegistry.DESTINATION, "crm");
        return exchange;
    }

    private DataSource counting(DataSource database) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (method.getName().equals("getConnection")) {
                laneReads.incrementAndGet();
                return (Connection) method.invoke(database, args);
            }
            return method.invoke(database, args);
        });
    }
}
