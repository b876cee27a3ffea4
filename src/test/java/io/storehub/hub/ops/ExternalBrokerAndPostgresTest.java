package io.storehub.hub.ops;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;

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

/**
 * Production wiring by configuration alone: the same build against a separate Artemis broker over
 * TCP and a real PostgreSQL server for the dedupe store, both started by the test.
 */
class ExternalBrokerAndPostgresTest {

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
        ConfigurableApplicationContext hub = HubProcess.start(dataDir, servers.hubProperties().toArray(String[]::new));
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
        } finally {
            hub.close();
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
