package io.storehub.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ApplicationContext;
import org.yaml.snakeyaml.Yaml;

/**
 * Boots {@code routes/*.camel.yaml} on plain camel-main, the runtime of Camel JBang and the
 * configuration model Camel K runs the routes with: no Spring context, HTTP served by Vert.x
 * (camel-platform-http-main), configuration from {@code k8s/camel-k/application.properties}
 * exactly as the Integration mounts it, and only the values of the Secret supplied here. The
 * broker is an in-VM Artemis and the dedupe store an in-memory H2, reached through the same bean
 * declarations ({@code k8s/camel-k/infrastructure.camel.yaml}) that point at the external Artemis
 * and PostgreSQL on a cluster.
 *
 * <p>If a route depended on a Spring-only bean, the context would not start or the event would
 * not reach its family route.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CamelMainPortabilityTest {

    private static final String SECRET = "portability-test-secret";
    private static final String ADMIN_TOKEN = "portability-admin-token";

    private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static EmbeddedActiveMQ broker;
    private static Main main;
    private static CamelContext camel;
    private static int port;

    @BeforeAll
    static void boot() throws Exception {
        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                // not vm://0: that is the in-VM id of the Spring tests' embedded broker, alive in the same JVM
                .addAcceptorConfiguration("in-vm", "vm://97"));
        broker.start();

        port = freePort();
        Properties secret = new Properties();
        // what the Secret storeganise-hub-secrets provides on a cluster (see k8s/base/secret.template.yaml)
        secret.setProperty("STOREGANISE_WEBHOOK_SECRET", SECRET);
        secret.setProperty("STOREGANISE_ADMIN_TOKEN", ADMIN_TOKEN);
        // STOREGANISE_API_URL / STOREGANISE_API_KEY left out: the hub runs without enrichment
        secret.setProperty("SPRING_ARTEMIS_BROKER_URL", "vm://97");
        secret.setProperty("SPRING_ARTEMIS_USER", "hub");
        secret.setProperty("SPRING_ARTEMIS_PASSWORD", "hub");
        secret.setProperty("SPRING_DATASOURCE_URL", "jdbc:h2:mem:portability;DB_CLOSE_DELAY=-1");
        secret.setProperty("SPRING_DATASOURCE_USERNAME", "sa");
        secret.setProperty("SPRING_DATASOURCE_PASSWORD", "");
        // what the Camel K runtime / `camel run` sets: where the routes are, and the HTTP server
        secret.setProperty("camel.main.routes-include-pattern",
                "file:k8s/camel-k/infrastructure.camel.yaml,file:routes/*.camel.yaml");
        secret.setProperty("camel.server.enabled", "true");
        secret.setProperty("camel.server.port", Integer.toString(port));
        secret.setProperty("camel.server.host", "127.0.0.1");

        main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:k8s/camel-k/application.properties");
        main.setOverrideProperties(secret);
        // the registry the routes' micrometer: endpoints count into (Spring Boot's would be Prometheus)
        main.bind("metricsRegistry", meters);
        main.start();
        camel = main.getCamelContext();
        assertThat(camel).as("camel-main started a CamelContext").isNotNull();
    }

    @AfterAll
    static void shutdown() throws Exception {
        try {
            if (main != null) {
                main.stop();
            }
        } finally {
            if (broker != null) {
                broker.stop();
            }
        }
    }

    @Test
    void everyRouteOfEveryRouteFileIsStartedWithoutSpring() throws IOException {
        List<String> declared;
        try (var files = Files.list(Path.of("routes"))) {
            declared = files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted()
                    .flatMap(CamelMainPortabilityTest::routeIds).toList();
        }
        assertThat(declared).contains("ingest-webhook", "dispatch-events", "family-job-move-in");
        assertThat(camel.getRoutes()).extracting(r -> r.getRouteId()).containsExactlyInAnyOrderElementsOf(declared);
        assertThat(camel.getRouteController().getRouteStatus("dispatch-events").isStarted()).isTrue();
        assertThat(camel.getRegistry().findByType(ApplicationContext.class)).as("no Spring context").isEmpty();
    }

    @Test
    void signedEventIsAcceptedAndDispatchedToItsFamily() throws Exception {
        double deliveredBefore = delivered("log"); // other tests of this class deliver to the log too
        String id = HexFormat.of().formatHex(randomBytes(12));
        String body = "{\"id\":\"" + id + "\",\"created\":\"" + Instant.now() + "\","
                + "\"type\":\"job.unit_moveIn.created\",\"data\":{\"jobId\":\"" + HexFormat.of().formatHex(randomBytes(12)) + "\"}}";

        HttpResponse<String> response = post(body, sign(body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"accepted\",\"id\":\"" + id + "\"}");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        // dispatch-events took it from the queue, family-job-move-in (enrichment skipped: no API configured)
        // handed it to deliver, which counted it
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(processed("job-move-in", "job.unit_moveIn.created"))
                .as("events of family job-move-in delivered").isEqualTo(1.0));
        // the catch-all subscription of application.properties (flat storeganise.subscriptions[0].*) sent it to the
        // log destination through the queue storeganise.deliveries (deliver-to-destination, templates/log/)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(delivered("log"))
                .as("deliveries to the log destination").isEqualTo(deliveredBefore + 1));

        // Storeganise's retry of the same delivery is acknowledged as a duplicate (dedupe table in the data source)
        HttpResponse<String> retry = post(body, sign(body));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo("{\"status\":\"duplicate\",\"id\":\"" + id + "\"}");
    }

    @Test
    void adminEndpointListsParkedDeliveriesWithTheTokenOfTheSecret() throws Exception {
        HttpResponse<String> refused = get("/admin/dead-letters", "wrong-token");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);

        // DeadLetters browses storeganise.deliveries.DLQ through the jmsConnectionFactory of infrastructure.camel.yaml
        HttpResponse<String> response = get("/admin/dead-letters", ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"count\":0");
    }

    @Test
    void theEventHistoryAndTheConsoleWorkWithoutSpring() throws Exception {
        String id = HexFormat.of().formatHex(randomBytes(12));
        String body = "{\"id\":\"" + id + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"unit.blocked\",\"data\":{\"unitId\":\"u1\"}}";
        assertThat(post(body, sign(body)).statusCode()).isEqualTo(200);

        // written by the history's background writer into the data source of infrastructure.camel.yaml
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get("/admin/events?q=" + id, ADMIN_TOKEN).body())
                .contains("\"id\":\"" + id + "\"").contains("\"destination\":\"log\",\"status\":\"delivered\""));
        // the console on Vert.x: sign-in form (its CSRF cookie), session cookie, a page
        io.storehub.hub.console.ConsoleClient browser = new io.storehub.hub.console.ConsoleClient(port);
        assertThat(browser.signIn(ADMIN_TOKEN).statusCode()).isEqualTo(303);
        HttpResponse<String> events = browser.get("/console/events?q=" + id);
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.body()).contains("data-event-id=\"" + id + "\"");
        assertThat(browser.get("/console").body()).contains("storeganise.deliveries");
        assertThat(browser.postWithout("/console/logout", Map.of()).statusCode()).as("no CSRF token").isEqualTo(403);
    }

    @Test
    void badSignatureIsRefusedWithJsonError() throws Exception {
        String body = "{\"id\":\"" + HexFormat.of().formatHex(randomBytes(12)) + "\",\"created\":\"" + Instant.now()
                + "\",\"type\":\"unit.occupied\",\"data\":{}}";

        HttpResponse<String> response = post(body, sign(body + " "));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"error\":\"invalid_signature\"");
    }

    @Test
    void bodyOverTheLimitIsRefused() throws Exception {
        String body = "{\"pad\":\"" + "x".repeat(1_100_000) + "\"}";

        HttpResponse<String> response = post(body, sign(body));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"error\":\"payload_too_large\"");
    }

    @SuppressWarnings("unchecked")
    private static java.util.stream.Stream<String> routeIds(Path file) {
        try {
            List<Map<String, Object>> items = new Yaml().load(Files.readString(file));
            return items == null ? java.util.stream.Stream.empty() : items.stream()
                    .filter(item -> item.containsKey("route") || item.containsKey("templatedRoute"))
                    .map(item -> item.containsKey("route") ? (String) ((Map<String, Object>) item.get("route")).get("id")
                            : (String) ((Map<String, Object>) item.get("templatedRoute")).get("routeId"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double processed(String family, String type) {
        Counter counter = meters.find("storeganise.events.processed").tag("family", family).tag("type", type).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double delivered(String destination) {
        Counter counter = meters.find("storeganise.deliveries").tag("destination", destination).tag("outcome", "delivered").counter();
        return counter == null ? 0 : counter.count();
    }

    private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String body, String signature) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/storeganise"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("sg-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
