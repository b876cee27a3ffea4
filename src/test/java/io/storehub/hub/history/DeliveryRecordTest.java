package io.storehub.hub.history;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;

import io.storehub.hub.support.DatabaseSchema;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.JdbcGroupCommit;
import io.storehub.hub.support.Webhooks;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The delivery record (one hub_delivery row per delivered (event, destination)) on both databases the hub
 * runs on: the success record "already delivered?" reads, with or without the event history, kept for the
 * dedupe window when the history forgets the event, forgotten after it.
 */
class DeliveryRecordTest {

    private static final CamelContext CAMEL = new DefaultCamelContext();
    private static EmbeddedPostgres postgres;
    private static final Map<String, DataSource> DATABASES = new LinkedHashMap<>();

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    private static synchronized DataSource database(String kind) throws Exception {
        DataSource ds = DATABASES.get(kind);
        if (ds == null) {
            if ("h2".equals(kind)) {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL("jdbc:h2:mem:delivery-record;DB_CLOSE_DELAY=-1");
                h2.setUser("sa");
                ds = h2;
            } else {
                postgres = EmbeddedPostgres.builder().start();
                ds = postgres.getPostgresDatabase();
            }
            DatabaseSchema schema = new DatabaseSchema();
            schema.setDataSource(ds);
            schema.migrate();
            DATABASES.put(kind, ds);
        }
        return ds;
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDeliveryIsOneRowThatAnswersAlreadyDeliveredWithoutTheHistory(String kind) throws Exception {
        DataSource ds = database(kind);
        DeliveryRecord records = records(ds);
        String id = Webhooks.newId();
        Exchange crm = delivery(id, "crm", 2, 201);

        assertThat(records.alreadyDelivered(crm)).isFalse();
        assertThat(records.delivered(crm)).as("the row is the attempt's history too").isTrue();

        assertThat(records.alreadyDelivered(delivery(id, "crm", 0, null))).isTrue();
        assertThat(records.alreadyDelivered(delivery(id, "slack", 0, null))).as("another destination").isFalse();
        assertThat(rows(ds, id)).containsExactly("crm delivered attempts=1 success_attempt=3 success_http_status=201");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDeliveryTriedByItsEventsFirstDispatchIsNotLookedUp(String kind) throws Exception {
        DataSource ds = database(kind);
        DeliveryRecord records = records(ds);
        String id = Webhooks.newId();
        records.delivered(delivery(id, "crm", 0, 200));
        Exchange first = delivery(id, "crm", 0, null);
        first.setProperty(Headers.FIRST_DISPATCH, true);

        // the dispatch that recorded the event's id is its first: the record above cannot exist, so it is not read
        assertThat(records.alreadyDelivered(first)).isFalse();
        assertThat(records.alreadyDelivered(delivery(id, "crm", 0, null))).as("any other pass reads it").isTrue();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theSuccessUpdatesTheRowTheHistoryWroteForTheEarlierAttempts(String kind) throws Exception {
        DataSource ds = database(kind);
        String id = Webhooks.newId();
        execute(ds, "INSERT INTO hub_delivery (event_id, destination, status, attempts, last_http_status, next_retry_at, updated_at)"
                + " VALUES (?, 'crm', 'retrying', 2, 502, ?, ?)", id, Texts.utc(Instant.now()), Texts.utc(Instant.now()));

        records(ds).delivered(delivery(id, "crm", 2, 200));

        assertThat(rows(ds, id)).containsExactly("crm delivered attempts=3 success_attempt=3 success_http_status=200");
        assertThat(count(ds, "SELECT COUNT(*) FROM hub_delivery WHERE event_id = ? AND next_retry_at IS NULL", id)).isOne();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theHistoryPurgeKeepsTheSuccessForTheDedupeWindowAndTheExpiryForgetsItAfter(String kind) throws Exception {
        DataSource ds = database(kind);
        DeliveryRecord records = records(ds);
        String id = Webhooks.newId();
        long received = System.currentTimeMillis() - 1000;
        execute(ds, "INSERT INTO hub_event (id, event_type, received_at, received_minute, ack, status) VALUES (?, 'unit.blocked', ?, ?,"
                + " 'accepted', 'dispatched')", id, Texts.utc(received), received / 60_000);
        execute(ds, "INSERT INTO hub_delivery (event_id, destination, status, attempts, updated_at) VALUES (?, 'slack', 'parked', 1, ?)",
                id, Texts.utc(received));
        records.delivered(delivery(id, "crm", 0, 200));
        EventHistory history = new EventHistory();
        history.setDataSource(ds);

        history.purge(Instant.now().plusSeconds(1), Long.MAX_VALUE);

        assertThat(count(ds, "SELECT COUNT(*) FROM hub_event WHERE id = ?", id)).as("the event's history is forgotten").isZero();
        assertThat(rows(ds, id)).as("but for its success record").containsExactly("crm delivered attempts=1 success_attempt=1 success_http_status=200");
        assertThat(records.alreadyDelivered(delivery(id, "crm", 0, null))).isTrue();

        records.expire(Timestamp.from(Instant.now().minus(Duration.ofDays(7))));
        assertThat(records.alreadyDelivered(delivery(id, "crm", 0, null))).as("within the dedupe window").isTrue();

        records.expire(Timestamp.from(Instant.now().plusSeconds(1)));
        assertThat(rows(ds, id)).as("after the dedupe window").isEmpty();
        assertThat(records.alreadyDelivered(delivery(id, "crm", 0, null))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theExpiryKeepsTheSuccessOfAnEventTheHistoryStillHolds(String kind) throws Exception {
        DataSource ds = database(kind);
        DeliveryRecord records = records(ds);
        String id = Webhooks.newId();
        long received = System.currentTimeMillis();
        execute(ds, "INSERT INTO hub_event (id, event_type, received_at, received_minute, ack, status) VALUES (?, 'unit.blocked', ?, ?,"
                + " 'accepted', 'dispatched')", id, Texts.utc(received), received / 60_000);
        records.delivered(delivery(id, "crm", 0, 200));

        records.expire(Timestamp.from(Instant.now().plusSeconds(1)));

        assertThat(records.alreadyDelivered(delivery(id, "crm", 0, null))).isTrue();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aManualRedeliveryHasASuccessRecordOfItsOwnAndSuccessesRecordedBeforeStillCount(String kind) throws Exception {
        DataSource ds = database(kind);
        DeliveryRecord records = records(ds);
        String id = Webhooks.newId();
        Exchange manual = delivery(id, "crm", 0, 200);
        manual.setProperty(EventHistory.MANUAL, "admin API");
        manual.setProperty("SgDeliveryKey", id + ":crm:manual:m1");

        assertThat(records.delivered(manual)).as("its attempt goes to the history's steps").isFalse();

        assertThat(records.alreadyDelivered(manual)).isTrue();
        assertThat(records.alreadyDelivered(delivery(id, "crm", 0, null))).as("not the normal delivery").isFalse();
        assertThat(rows(ds, id)).isEmpty();

        String before = Webhooks.newId();
        execute(ds, "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES ('storeganise-delivery', ?, ?)",
                before + ":crm", Timestamp.from(Instant.now()));
        assertThat(records.alreadyDelivered(delivery(before, "crm", 0, null))).as("recorded by an earlier version").isTrue();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDeliverySentWhoseRecordFailedIsNotSentAgainWhenItsMessageComesBack(String kind) throws Exception {
        DataSource ds = database(kind);
        AtomicBoolean down = new AtomicBoolean();
        // the database as the hub sees it: gone between the send and its record, back for the redelivery
        DataSource flaky = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (down.get() && method.getName().equals("getConnection")) {
                        throw new SQLException("the database is down", "08001");
                    }
                    try {
                        return method.invoke(ds, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DeliveryRecord records = records(flaky);
        String id = Webhooks.newId();
        down.set(true);
        assertThatThrownBy(() -> records.delivered(delivery(id, "crm", 0, 200))).isInstanceOf(RuntimeCamelException.class);
        // redelivered while the database is still down: neither "send it" nor a record, tried again later
        assertThatThrownBy(() -> records.alreadyDelivered(delivery(id, "crm", 1, null))).isInstanceOf(RuntimeCamelException.class);
        down.set(false);
        assertThat(records.alreadyDelivered(delivery(id, "crm", 1, null))).as("already delivered: not sent again").isTrue();
        assertThat(rows(ds, id)).hasSize(1);
        assertThat(records(ds).alreadyDelivered(delivery(id, "crm", 1, null))).as("recorded durably").isTrue();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theDestinationFiguresCountTheSuccessesThatStartedInTheLastHourAndDay(String kind) throws Exception {
        DataSource ds = database(kind);
        String destination = "figures-" + Webhooks.newId().substring(16);
        Instant now = Instant.now();
        success(ds, destination, now.minus(Duration.ofMinutes(30)), now.minus(Duration.ofMinutes(30)), 120);
        success(ds, destination, now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(3)), 4000);
        // a later fact moved this row's updated_at into the last hour; its success is still two hours old
        success(ds, destination, now.minus(Duration.ofHours(2)), now.minus(Duration.ofMinutes(10)), 4000);
        success(ds, destination, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(2)), 4000);

        Map<String, Object> stats = new HistoryFigures(ds).destinationStats(destination, now);

        assertThat(stats.get("lastHour")).asString().contains("delivered=1");
        assertThat(stats.get("lastDay")).asString().contains("delivered=3");
        assertThat(stats.get("latencyLastHour")).asString().contains("p50Ms=120", "samples=1");
    }

    private static void success(DataSource ds, String destination, Instant startedAt, Instant updatedAt, long ms) throws Exception {
        execute(ds, "INSERT INTO hub_delivery (event_id, destination, status, attempts, delivered_at, updated_at, success_at,"
                + " success_attempt, success_ms) VALUES (?, ?, 'delivered', 1, ?, ?, ?, 1, ?)", Webhooks.newId(), destination,
                Texts.utc(startedAt.plusMillis(ms)), Texts.utc(updatedAt.plusMillis(ms)), Texts.utc(startedAt), ms);
    }

    private static DeliveryRecord records(DataSource ds) {
        JdbcGroupCommit commit = new JdbcGroupCommit();
        commit.setDataSource(ds);
        DeliveryRecord records = new DeliveryRecord();
        records.setDataSource(ds);
        records.setGroupCommit(commit);
        records.setCamelContext(CAMEL);
        return records;
    }

    /** A delivery as DestinationRegistry.describe leaves it, after {@code failures} failed attempts, answered {@code status}. */
    private static Exchange delivery(String eventId, String destination, int failures, Integer status) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.setProperty("SgEventId", eventId);
        exchange.setProperty("SgDestination", destination);
        exchange.setProperty("SgDeliveryKey", eventId + ":" + destination);
        exchange.setProperty("SgAttempt", failures);
        exchange.setProperty("SgAttemptStartedAt", System.currentTimeMillis() - 5);
        if (status != null) {
            exchange.setProperty("SgLastStatus", status);
        }
        return exchange;
    }

    private static List<String> rows(DataSource ds, String eventId) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT destination, status, attempts, success_attempt, success_http_status, success_ms,"
                     + " success_at FROM hub_delivery WHERE event_id = ? ORDER BY destination")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getLong("success_ms")).isNotNegative();
                    assertThat(rs.getObject("success_at")).isNotNull();
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " attempts=" + rs.getInt(3) + " success_attempt=" + rs.getInt(4)
                            + " success_http_status=" + rs.getInt(5));
                }
            }
        }
        return rows;
    }

    private static void execute(DataSource ds, String sql, Object... params) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private static long count(DataSource ds, String sql, String id) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
