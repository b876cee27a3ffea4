package io.storehub.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.sun.net.httpserver.HttpServer;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.SharedInfrastructure;
import io.storehub.hub.support.Webhooks;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Events acknowledged while the broker was down wait in the database's outbox; the hub is restarted
 * before they are forwarded: the restarted hub forwards each once, and forwarding the same rows again
 * (a crash between the send to the broker and the delete) delivers nothing twice, the broker's
 * duplicate detection refusing them.
 */
class OutboxRestartTest {

    private static final int EVENTS = 20;

    @TempDir
    Path dir;

    EmbeddedActiveMQ broker;
    ConfigurationImpl brokerConfig;
    HttpServer destination;
    final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    ConfigurableApplicationContext hub;

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (destination != null) {
            destination.stop(0);
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void eventsInTheOutboxWhenTheHubRestartsAreForwardedAndDeliveredOnce() throws Exception {
        int brokerPort = SharedInfrastructure.freePort();
        brokerConfig = StoreOutageTest.brokerConfig(dir.resolve("broker"), brokerPort);
        broker = new EmbeddedActiveMQ().setConfiguration(brokerConfig).start();
        destination = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        destination.createContext("/sink", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("X-Storeganise-Event-Id");
            delivered.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        destination.setExecutor(Executors.newFixedThreadPool(4));
        destination.start();
        List<String> settings = List.of(
                "spring.artemis.mode=native", "spring.artemis.embedded.enabled=false",
                "spring.artemis.broker-url=tcp://127.0.0.1:" + brokerPort,
                "storeganise.destinations.sink.type=http",
                "storeganise.destinations.sink.url=http://127.0.0.1:" + destination.getAddress().getPort() + "/sink",
                "storeganise.subscriptions[0].events[0]=*", "storeganise.subscriptions[0].to[0]=sink",
                "storeganise.outbox.forward-period=500");
        // this hub never forwards: it is stopped with its events in the outbox
        hub = startHub(settings, "storeganise.outbox.forward-delay=3600000");
        String warm = Webhooks.newId();
        assertThat(post(warm)).as("warm").isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.containsKey(warm));

        broker.stop();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = Webhooks.newId();
            assertThat(post(id)).as("event %d acknowledged while the broker is down", i).isEqualTo(200);
            acknowledged.add(id);
        }
        List<Object[]> rows = outboxRows(dataSource());
        assertThat(rows).as("outbox rows").hasSize(EVENTS);
        broker = new EmbeddedActiveMQ().setConfiguration(brokerConfig).start();
        hub.close();

        hub = startHub(settings, "storeganise.outbox.forward-delay=500");
        awaitDeliveredOnce(acknowledged);
        assertThat(outboxRows(dataSource())).as("outbox after forwarding").isEmpty();

        // the rows back, as if the hub had died between the send and the delete: forwarded again, refused by the broker
        restore(dataSource(), rows);
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows(dataSource()).isEmpty());
        awaitDeliveredOnce(acknowledged);
    }

    private ConfigurableApplicationContext startHub(List<String> settings, String extra) {
        List<String> all = new ArrayList<>(settings);
        all.add(extra);
        return HubProcess.start(dir.resolve("hub"), all.toArray(String[]::new));
    }

    private DataSource dataSource() {
        return hub.getBean(DataSource.class);
    }

    private void awaitDeliveredOnce(List<String> acknowledged) throws InterruptedException {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(acknowledged)
                .allSatisfy(id -> assertThat(delivered.get(id)).as("deliveries of " + id).isNotNull().hasValue(1)));
        Thread.sleep(2000); // a second delivery would come shortly after the first
        assertThat(acknowledged).allSatisfy(id -> assertThat(delivered.get(id).get()).as("deliveries of " + id).isEqualTo(1));
    }

    private static List<Object[]> outboxRows(DataSource dataSource) throws Exception {
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_id, headers, body, created_at FROM hub_outbox ORDER BY seq")) {
            while (rs.next()) {
                rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getTimestamp(4)});
            }
        }
        return rows;
    }

    private static void restore(DataSource dataSource, List<Object[]> rows) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO hub_outbox (event_id, headers, body, created_at) VALUES (?, ?, ?, ?)")) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    s.setObject(i + 1, row[i]);
                }
                s.executeUpdate();
            }
        }
    }

    private int post(String id) {
        String body = Webhooks.event(id, "job.unit_moveIn.created", java.time.Instant.now(), "{\"jobId\":\"" + id + "\"}");
        return Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body)).statusCode();
    }
}
