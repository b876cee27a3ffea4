package io.storehub.hub.ops;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.SharedInfrastructure;
import io.storehub.hub.support.Webhooks;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.apache.camel.builder.Builder.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Production wiring by configuration alone: the same build against a separate Artemis broker over
 * TCP and a real PostgreSQL server for the dedupe store and the event history, both started by the test.
 */
class ExternalBrokerAndPostgresTest {

    private static final String ADMIN_TOKEN = "pg-admin-token-31c9";

    @TempDir
    static Path brokerDir;

    static SharedInfrastructure servers;

    @BeforeAll
    static void startServers() throws Exception {
        servers = SharedInfrastructure.start(brokerDir);
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void runsAgainstAnExternalArtemisBrokerAndPostgresByConfigurationOnly(@TempDir Path dataDir) throws Exception {
        java.util.List<String> properties = new java.util.ArrayList<>(servers.hubProperties());
        properties.add("storeganise.admin.token=" + ADMIN_TOKEN);
        ConfigurableApplicationContext hub = HubProcess.start(dataDir, properties.toArray(String[]::new));
        try {
            String id = Webhooks.newId();
            NotifyBuilder dispatched = new NotifyBuilder(HubProcess.camel(hub)).fromCurrentRoute("family-unit-rental")
                    .filter(header("SgEventId").isEqualTo(id)).whenDone(1).create();
            String body = Webhooks.event(id, "unitRental.markOverdue");
            String signature = Webhooks.sign(HubTestSupport.SECRET, body);

            HttpResponse<String> first = Webhooks.post(HubProcess.webhookUrl(hub), body, signature);
            HttpResponse<String> retry = Webhooks.post(HubProcess.webhookUrl(hub), body, signature);

            assertThat(first.body()).contains("\"status\":\"accepted\"");
            assertThat(retry.body()).contains("\"status\":\"duplicate\"");
            assertThat(dispatched.matches(15, TimeUnit.SECONDS)).isTrue();

            Queue events = servers.broker().getActiveMQServer().locateQueue("storeganise.events");
            assertThat(events).as("the queue lives on the external broker").isNotNull();
            assertThat(events.getMessagesAdded()).isGreaterThanOrEqualTo(1);
            assertThat(dedupeRows(id)).as("the id is recorded in PostgreSQL").isEqualTo(1);
            assertThat(dataDir.resolve("artemis")).as("no embedded broker was started").doesNotExist();

            // the event history in PostgreSQL, the queue backlog asked of the external broker
            String admin = HubProcess.webhookUrl(hub).replace("/webhooks/storeganise", "/admin");
            JsonNode event = await().atMost(Duration.ofSeconds(20)).until(() -> adminGet(admin + "/events/" + id),
                    e -> e != null && e.get("duplicates").asInt() == 1 && e.toString().contains("\"status\":\"delivered\""));
            assertThat(event.get("type").asText()).isEqualTo("unitRental.markOverdue");
            assertThat(adminGet(admin + "/events?type=unitRental.*&outcome=delivered").get("events").get(0).get("id").asText()).isEqualTo(id);
            JsonNode log = adminGet(admin + "/destinations").get("destinations").get(0);
            assertThat(log.at("/lastHour/delivered").asLong()).isEqualTo(1);
            assertThat(log.at("/latencyLastHour/p50Ms").isNumber()).as("PERCENTILE_CONT on PostgreSQL").isTrue();
            assertThat(adminGet(admin + "/overview").get("queues")).allSatisfy(q -> assertThat(q.get("source").asText()).isEqualTo("management"));
            // bulk replay by filter: its query and its audit entry on PostgreSQL (the delivery succeeded: nothing matches)
            String filter = "{\"destination\":\"" + log.get("name").asText() + "\",\"status\":\"failed\",\"type\":\"unitRental.*\",\"from\":\""
                    + java.time.Instant.now().minusSeconds(600) + "\",\"error\":\"50%_\"";
            int audited = auditRows();
            assertThat(adminPost(admin + "/deliveries/replay", filter + ",\"dryRun\":true}").get("matched").asLong()).isZero();
            assertThat(adminPost(admin + "/deliveries/replay", filter + "}").get("replayed").asLong()).isZero();
            assertThat(auditRows()).as("one audit entry in PostgreSQL").isEqualTo(audited + 1);
        } finally {
            hub.close();
        }
    }

    private static JsonNode adminGet(String url) throws Exception {
        HttpResponse<String> response = Webhooks.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build());
        return response.statusCode() == 200 ? new ObjectMapper().readTree(response.body()) : null;
    }

    private static JsonNode adminPost(String url, String json) throws Exception {
        HttpResponse<String> response = Webhooks.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    private static int auditRows() throws Exception {
        try (Connection c = servers.postgres().getPostgresDatabase().getConnection();
             PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM hub_audit WHERE action = 'bulk-replay'"); ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int dedupeRows(String id) throws Exception {
        try (Connection c = servers.postgres().getPostgresDatabase().getConnection();
             PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE messageId = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
