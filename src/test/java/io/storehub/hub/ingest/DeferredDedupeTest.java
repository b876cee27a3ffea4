package io.storehub.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import io.storehub.hub.support.DatabaseSchema;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.JdbcGroupCommit;
import io.storehub.hub.support.JdbcIdStore;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatch side of the dedupe deferred while the database was down: which pending message is
 * processed and which is dropped, on the webhook ids' real table (H2). The whole path, through the
 * webhook port with PostgreSQL stopped for a minute, is StoreOutageTest's.
 */
class DeferredDedupeTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private JdbcGroupCommit groupCommit;
    private JdbcIdStore ids;
    private DeferredDedupe dedupe;

    @BeforeEach
    void database() {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:dedupe-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        DatabaseSchema schema = new DatabaseSchema();
        schema.setDataSource(database);
        schema.migrate();
        groupCommit = new JdbcGroupCommit();
        groupCommit.setDataSource(database);
        ids = new JdbcIdStore();
        ids.setDataSource(database);
        ids.setGroupCommit(groupCommit);
        ids.setProcessorName("storeganise-webhook");
        dedupe = new DeferredDedupe();
        dedupe.setIds(ids);
        dedupe.setWindow(new DedupeWindow());
    }

    @AfterEach
    void stop() throws InterruptedException {
        groupCommit.stop();
    }

    @Test
    void aMessageStoredWithTheLookupIsProcessedWithoutTouchingTheIds() {
        Exchange message = message("evt-1", null);

        assertThat(dedupe.isCopyOfEarlier(message)).isFalse();
        assertThat(ids.contains("evt-1")).as("nothing recorded: the webhook recorded it").isFalse();
    }

    @Test
    void aPendingEventSeenForTheFirstTimeIsRecordedAndProcessed() {
        assertThat(dedupe.isCopyOfEarlier(message("evt-2", System.currentTimeMillis()))).isFalse();
        assertThat(ids.contains("evt-2")).isTrue();
    }

    @Test
    void theDispatchThatRecordsTheIdIsMarkedTheEventsFirst() {
        Exchange message = message("evt-6", System.currentTimeMillis());

        assertThat(dedupe.isCopyOfEarlier(message)).isFalse();
        assertThat(message.getProperty(Headers.FIRST_DISPATCH)).isEqualTo(true);

        Exchange again = message("evt-6", System.currentTimeMillis() - 1000);
        assertThat(dedupe.isCopyOfEarlier(again)).as("its own retry: processed").isFalse();
        assertThat(again.getProperty(Headers.FIRST_DISPATCH)).as("not the first: the deliveries ask").isNull();
    }

    @Test
    void anEventStoredLongerAgoThanTheIdsAreKeptIsNotMarkedFirst() {
        // its earlier dispatch's record may have expired: its deliveries must ask "already delivered?"
        Exchange old = message("evt-7", System.currentTimeMillis() - Duration.ofDays(7).toMillis());

        assertThat(dedupe.isCopyOfEarlier(old)).isFalse();
        assertThat(old.getProperty(Headers.FIRST_DISPATCH)).isNull();
    }

    @Test
    void aPendingCopyOfAnEventRecordedBeforeItWasStoredIsDropped() throws Exception {
        dedupe.setClockSkewMillis(0);
        ids.add("evt-3");
        Thread.sleep(50);

        assertThat(dedupe.isCopyOfEarlier(message("evt-3", System.currentTimeMillis()))).isTrue();
    }

    @Test
    void aPendingEventWhoseIdWasRecordedAfterItWasStoredIsProcessed() {
        // its own earlier attempt, or the webhook's record of a retry the broker refused as its duplicate
        Exchange pending = message("evt-4", System.currentTimeMillis());
        ids.add("evt-4");

        assertThat(dedupe.isCopyOfEarlier(pending)).isFalse();
        assertThat(dedupe.isCopyOfEarlier(pending)).as("and again on a retry of it").isFalse();
    }

    @Test
    void whileTheDatabaseIsDownAPendingEventIsNeitherProcessedNorDropped() throws InterruptedException {
        DataSource down = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    throw new SQLTransientConnectionException("database down");
                });
        JdbcGroupCommit failing = new JdbcGroupCommit();
        failing.setDataSource(down);
        ids.setDataSource(down);
        ids.setGroupCommit(failing);
        try {
            // it fails: the queue consumer retries it later
            assertThatThrownBy(() -> dedupe.isCopyOfEarlier(message("evt-5", System.currentTimeMillis()))).isInstanceOf(RuntimeException.class);
        } finally {
            failing.stop();
        }
    }

    private Exchange message(String id, Long pendingSince) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Headers.EVENT_ID, id);
        if (pendingSince != null) {
            exchange.getMessage().setHeader(DeferredDedupe.PENDING, true);
            exchange.getMessage().setHeader(DeferredDedupe.STORED_AT, pendingSince);
        }
        return exchange;
    }
}
