package io.storehub.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.SharedInfrastructure;
import io.storehub.hub.support.Webhooks;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The hub on an external PostgreSQL and Artemis, each stopped for a while under a steady load and
 * started again: every webhook is answered within 2 s, with 200 or with 503 + Retry-After and a JSON
 * reason (never a silent wait), readiness answers within a second, Storeganise's retries of the
 * refused ones are accepted once the store is back, and every acknowledged event is delivered exactly once.
 */
class StoreOutageTest {

    private static final int EVENTS_PER_SECOND = 10;
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final long ANSWER_WITHIN_MS = 2000;

    @TempDir
    static Path dir;

    static EmbeddedPostgres postgres;
    static int postgresPort;
    static EmbeddedActiveMQ broker;
    static ConfigurationImpl brokerConfig;
    static HttpServer destination;
    static final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    static ConfigurableApplicationContext hub;
    static String webhookUrl;

    @BeforeAll
    static void start() throws Exception {
        postgresPort = SharedInfrastructure.freePort();
        postgres = startPostgres();
        int brokerPort = SharedInfrastructure.freePort();
        brokerConfig = new ConfigurationImpl();
        brokerConfig.setPersistenceEnabled(true);
        brokerConfig.setJournalDirectory(dir.resolve("broker/journal").toString());
        brokerConfig.setBindingsDirectory(dir.resolve("broker/bindings").toString());
        brokerConfig.setLargeMessagesDirectory(dir.resolve("broker/large").toString());
        brokerConfig.setPagingDirectory(dir.resolve("broker/paging").toString());
        brokerConfig.setSecurityEnabled(false);
        brokerConfig.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + brokerPort);
        broker = new EmbeddedActiveMQ().setConfiguration(brokerConfig).start();
        // the destination: counts the deliveries of each event
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
        hub = HubProcess.start(dir.resolve("hub"),
                "spring.artemis.mode=native", "spring.artemis.embedded.enabled=false",
                "spring.artemis.broker-url=tcp://127.0.0.1:" + brokerPort,
                "spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "spring.datasource.username=postgres", "spring.datasource.password=",
                "storeganise.destinations.sink.type=http",
                "storeganise.destinations.sink.url=http://127.0.0.1:" + destination.getAddress().getPort() + "/sink",
                "storeganise.subscriptions[0].events[0]=*", "storeganise.subscriptions[0].to[0]=sink",
                "storeganise.dispatch.initial-delay=PT0.5S", "storeganise.dispatch.max-delay=PT2S", "storeganise.dispatch.max-attempts=30",
                "storeganise.delivery.initial-delay=PT0.5S", "storeganise.delivery.max-delay=PT2S");
        webhookUrl = HubProcess.webhookUrl(hub);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (destination != null) {
            destination.stop(0);
        }
        if (broker != null) {
            broker.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void throughADatabaseOutageEveryWebhookIsAnsweredWithinTwoSecondsAndEveryAcknowledgedEventIsDeliveredOnce() throws Exception {
        runThroughOutage(() -> postgres.close(), () -> postgres = startPostgres());
    }

    @Test
    void throughABrokerOutageEveryWebhookIsAnsweredWithinTwoSecondsAndEveryAcknowledgedEventIsDeliveredOnce() throws Exception {
        runThroughOutage(() -> broker.stop(), () -> broker = new EmbeddedActiveMQ().setConfiguration(brokerConfig).start());
    }

    interface Step {
        void run() throws Exception;
    }

    /** Storeganise's side: events at a steady rate, each refused one sent again (here every second) until accepted. */
    private void runThroughOutage(Step stopStore, Step startStore) throws Exception {
        assertThat(post(Webhooks.newId()).statusCode()).as("warm").isEqualTo(200);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<String> ids = new ArrayList<>();
        Thread pacer = new Thread(() -> {
            while (sending.get()) {
                String id = Webhooks.newId();
                synchronized (ids) {
                    ids.add(id);
                }
                senders.execute(() -> deliverLikeStoreganise(id, acknowledged, refused, wrong));
                sleep(1000 / EVENTS_PER_SECOND);
            }
        });
        pacer.start();
        sleep(2000);
        stopStore.run();
        long stoppedAt = System.nanoTime();
        long slowestReadiness = 0;
        boolean readinessDown = false;
        while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
            long started = System.nanoTime();
            HttpResponse<String> readiness = Webhooks.send(HttpRequest.newBuilder(URI.create(webhookUrl.replace("/webhooks/storeganise",
                    "/actuator/health/readiness"))).timeout(Duration.ofSeconds(10)).GET().build());
            slowestReadiness = Math.max(slowestReadiness, (System.nanoTime() - started) / 1_000_000);
            readinessDown |= readiness.statusCode() == 503;
            sleep(500);
        }
        startStore.run();
        sleep(3000);
        sending.set(false);
        pacer.join();
        senders.shutdown();
        assertThat(senders.awaitTermination(90, TimeUnit.SECONDS)).as("every event acknowledged after the outage").isTrue();

        assertThat(wrong).as("answers over 2 s, or not 200 / 503 + Retry-After + JSON reason").isEmpty();
        assertThat(refused.get()).as("some webhooks were refused during the outage").isPositive();
        assertThat(readinessDown).as("readiness went down").isTrue();
        assertThat(slowestReadiness).as("readiness answered within a second").isLessThan(1000);
        assertThat(acknowledged).as("every event acknowledged in the end").hasSameSizeAs(ids);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(acknowledged)
                .as("delivered so far: %d events (%s)", delivered.size(), delivered.keySet().stream().limit(3).toList())
                .allSatisfy(id -> assertThat(delivered.get(id)).as("deliveries of " + id).isNotNull().hasValue(1)));
        Thread.sleep(2000); // a second delivery would come shortly after the first
        assertThat(acknowledged).allSatisfy(id -> assertThat(delivered.get(id).get()).as("deliveries of " + id).isEqualTo(1));
    }

    private void deliverLikeStoreganise(String id, ConcurrentLinkedQueue<String> acknowledged, AtomicInteger refused,
            ConcurrentLinkedQueue<String> wrong) {
        String body = event(id);
        for (int attempt = 1; attempt <= 60; attempt++) {
            long started = System.nanoTime();
            HttpResponse<String> answer;
            try {
                answer = Webhooks.post(webhookUrl, body, Webhooks.sign(HubTestSupport.SECRET, body));
            } catch (RuntimeException e) {
                wrong.add(id + " attempt " + attempt + ": no answer (" + e.getCause() + ")");
                sleep(1000);
                continue;
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (millis >= ANSWER_WITHIN_MS) {
                wrong.add(id + " attempt " + attempt + ": answered " + answer.statusCode() + " after " + millis + " ms");
            }
            if (answer.statusCode() == 200) {
                acknowledged.add(id);
                return;
            }
            if (answer.statusCode() != 503 || answer.headers().firstValue("Retry-After").isEmpty()
                    || !answer.body().contains("\"error\":\"")) {
                wrong.add(id + " attempt " + attempt + ": " + answer.statusCode() + " " + answer.headers().map() + " " + answer.body());
            }
            refused.incrementAndGet();
            sleep(1000);
        }
    }

    /** An event of an entity of its own (events of one entity are delivered one after the other). */
    private static String event(String id) {
        return Webhooks.event(id, "job.unit_moveIn.created", java.time.Instant.now(), "{\"jobId\":\"" + id + "\"}");
    }

    private static HttpResponse<String> post(String id) {
        String body = event(id);
        return Webhooks.post(webhookUrl, body, Webhooks.sign(HubTestSupport.SECRET, body));
    }

    private static EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder().setPort(postgresPort).setDataDirectory(dir.resolve("postgres"))
                .setCleanDataDirectory(false).start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
