package io.storehub.hub.camelk;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The hub's routes on Camel Quarkus in JVM mode, the runtime the Camel K operator builds for the
 * Integration: the unchanged k8s/camel-k/infrastructure.camel.yaml and routes/*.camel.yaml, the
 * configuration k8s/camel-k/application.properties, the processors as the published artifact
 * io.storehub:storeganise-hub-camel, and a real Artemis broker, PostgreSQL, Storeganise API and
 * destination ({@link ClusterServices}). HTTP is Quarkus' Vert.x server.
 */
@QuarkusTest
@QuarkusTestResource(ClusterServices.class)
class HubOnCamelQuarkusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    // a route's id, or a templated route's routeId (written after its routeTemplateRef)
    private static final Pattern ROUTE_ID = Pattern.compile(
            "(?m)^- (?:route:\\s*\\n\\s+id|templatedRoute:\\s*\\n\\s+routeTemplateRef: [\\w.-]+\\s*\\n\\s+routeId): ([\\w.-]+)");

    @Inject
    CamelContext camel;

    @TestHTTPResource("/webhooks/storeganise")
    URL webhook;

    @Test
    void everyRouteOfEveryRouteFileIsStarted() throws IOException {
        List<String> declared = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                Matcher m = ROUTE_ID.matcher(Files.readString(file));
                while (m.find()) {
                    declared.add(m.group(1));
                }
            }
        }
        assertThat(declared).contains("ingest-webhook", "dispatch-events", "storeganise-get", "deliver-to-destination");
        assertThat(camel.getRoutes()).extracting(Route::getRouteId).containsExactlyInAnyOrderElementsOf(declared);
        // all started but the routes of recipes that are off (application.properties: enabled = false)
        assertThat(declared).allSatisfy(id -> assertThat(camel.getRouteController().getRouteStatus(id).isStarted()
                || id.startsWith("recipe-")).as(id + " started").isTrue());
    }

    @Test
    void signedEventIsStoredDispatchedEnrichedAndDeliveredThenItsRetryIsADuplicate() throws Exception {
        String id = newId();
        String body = "{\"id\":\"" + id + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"job.unit_moveIn.created\","
                + "\"data\":{\"jobId\":\"" + ClusterServices.JOB_ID + "\"}}";

        HttpResponse<String> accepted = post(body, sign(body));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(JSON.readTree(accepted.body())).isEqualTo(JSON.readTree("{\"status\":\"accepted\",\"id\":\"" + id + "\"}"));

        // through storeganise.events (Artemis) to dispatch and the job-move-in family, enriched from the API,
        // through storeganise.deliveries to the http destination
        WireMock destination = new WireMock("localhost", port("proof.destination.port"));
        LoggedRequest delivered = await().atMost(Duration.ofSeconds(60)).until(() -> destination
                .find(postRequestedFor(urlPathEqualTo("/hooks/crm"))).stream()
                .filter(r -> r.getBodyAsString().contains(id)).findFirst().orElse(null), r -> r != null);
        JsonNode enriched = JSON.readTree(delivered.getBodyAsString());
        assertThat(enriched.at("/event/id").asText()).isEqualTo(id);
        assertThat(enriched.at("/job/id").asText()).as("the job fetched from Storeganise").isEqualTo(ClusterServices.JOB_ID);
        assertThat(enriched.at("/job/type").asText()).isEqualTo("unit_moveIn");

        WireMock storeganise = new WireMock("localhost", port("proof.storeganise.port"));
        assertThat(storeganise.find(getRequestedFor(urlPathEqualTo("/api/v1/admin/jobs/" + ClusterServices.JOB_ID))
                .withHeader("Authorization", equalTo("ApiKey " + ClusterServices.API_KEY)))).isNotEmpty();

        // counted in the MeterRegistry camel-quarkus-micrometer provides (Spring Boot: Prometheus)
        MeterRegistry meters = camel.getRegistry().findSingleByType(MeterRegistry.class);
        assertThat(meters).as("a MeterRegistry for the hub's counters").isNotNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(meters.find("storeganise.deliveries")
                .tag("destination", "crm").tag("outcome", "delivered").counters()).as("delivery to crm counted").isNotEmpty());

        // Storeganise's retry: acknowledged, not stored again (the dedupe table is in PostgreSQL)
        HttpResponse<String> retry = post(body, sign(body));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(retry.body())).isEqualTo(JSON.readTree("{\"status\":\"duplicate\",\"id\":\"" + id + "\"}"));
    }

    @Test
    void flywayMigratedPostgresFromThePublishedArtifact() throws Exception {
        long migrations;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+.*\\.sql")).count();
        }
        assertThat(migrations).isPositive();
        try (Connection db = DriverManager.getConnection(config("SPRING_DATASOURCE_URL"),
                config("SPRING_DATASOURCE_USERNAME"), config("SPRING_DATASOURCE_PASSWORD"));
             ResultSet rs = db.createStatement().executeQuery(
                     "SELECT count(*) FROM hub_schema_history WHERE success AND version IS NOT NULL AND version <> '0'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("versioned migrations applied by the databaseSchema bean").isEqualTo(migrations);
        }
    }

    @Test
    void refusalsAnswerAsOnSpringBoot() throws Exception {
        // the table WebhookAnswersTest runs on Spring Boot
        JsonNode cases = JSON.readTree(Files.readString(Path.of("src/test/resources/webhook-answers.json"))).get("cases");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(4);
        for (JsonNode c : cases) {
            String body = body(c);
            String signature = switch (c.get("signature").asText()) {
                case "valid" -> sign(body);
                case "other-body" -> sign(body + " ");
                default -> null;
            };

            HttpResponse<String> response = post(body, signature);

            String name = c.get("name").asText();
            assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(c.get("status").asInt());
            assertThat(response.headers().firstValue("Content-Type")).as(name).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(JSON.readTree(response.body()).path("error").asText()).as(name).isEqualTo(c.get("error").asText());
        }
    }

    private static String body(JsonNode c) {
        if (c.has("json")) {
            return c.get("json").asText();
        }
        if (c.has("padding")) {
            return "{\"pad\":\"" + "x".repeat(c.get("padding").asInt()) + "\"}";
        }
        return "{\"id\":\"" + newId() + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"unit.occupied\","
                + "\"data\":{\"unitId\":\"64103a603e7c1d9a420a1f21\"}}";
    }

    private HttpResponse<String> post(String body, String signature) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhook.toString()))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("sg-signature", signature);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(ClusterServices.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String newId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String config(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }

    private static int port(String name) {
        return ConfigProvider.getConfig().getValue(name, Integer.class);
    }
}
