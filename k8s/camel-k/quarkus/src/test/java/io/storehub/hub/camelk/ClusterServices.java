package io.storehub.hub.camelk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * What the Integration finds on a cluster, started for real on this machine: an Artemis broker on a
 * TCP port, PostgreSQL, the Storeganise API (WireMock, with the sample story's job) and an HTTP
 * destination (WireMock). Its configuration is what the Secrets storeganise-hub-secrets,
 * storeganise-hub-artemis and storeganise-hub-postgres hold (the same keys), plus one http
 * destination subscribed to move-in jobs, as a user adds to application.properties.
 */
public class ClusterServices implements QuarkusTestResourceLifecycleManager {

    static final String SECRET = "camel-k-proof-secret";
    static final String API_KEY = "camel-k-proof-api-key";
    static final String ADMIN_TOKEN = "camel-k-proof-admin-token";
    /** A job of the sample story (src/test/resources/storeganise/jobs of the Spring Boot build). */
    static final String JOB_ID = "6b016b353e7c1d9a421c0455";

    private EmbeddedActiveMQ broker;
    private EmbeddedPostgres postgres;
    private WireMockServer storeganise;
    private WireMockServer destination;

    @Override
    public Map<String, String> start() {
        try {
            int brokerPort = freePort();
            broker = new EmbeddedActiveMQ();
            broker.setConfiguration(new ConfigurationImpl()
                    .setPersistenceEnabled(false)
                    .setSecurityEnabled(false)
                    .setJMXManagementEnabled(false)
                    .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + brokerPort)
                    // the address settings docs/deploy.md asks of the external broker
                    .addAddressSetting("storeganise.#", redelivery("storeganise.events.DLQ"))
                    .addAddressSetting("storeganise.deliveries", redelivery("storeganise.deliveries.DLQ")));
            broker.start();

            postgres = EmbeddedPostgres.builder().start();

            storeganise = new WireMockServer(wireMockConfig().dynamicPort());
            storeganise.start();
            // the job, for the API key only (any other resource: WireMock's 404, which the hub lists as missing)
            storeganise.stubFor(get(urlPathEqualTo("/api/v1/admin/jobs/" + JOB_ID))
                    .withHeader("Authorization", equalTo("ApiKey " + API_KEY))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody(Files.readString(Path.of("src/test/resources/storeganise/jobs/" + JOB_ID + ".json")))));

            destination = new WireMockServer(wireMockConfig().dynamicPort());
            destination.start();
            destination.stubFor(post(urlPathEqualTo("/hooks/crm")).willReturn(aResponse().withStatus(200)));

            Map<String, String> config = new HashMap<>();
            // Secret storeganise-hub-secrets
            config.put("STOREGANISE_WEBHOOK_SECRET", SECRET);
            config.put("STOREGANISE_ADMIN_TOKEN", ADMIN_TOKEN);
            config.put("STOREGANISE_API_URL", storeganise.baseUrl() + "/api");
            config.put("STOREGANISE_API_KEY", API_KEY);
            // Secret storeganise-hub-artemis
            config.put("SPRING_ARTEMIS_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
            config.put("SPRING_ARTEMIS_USER", "hub");
            config.put("SPRING_ARTEMIS_PASSWORD", "hub");
            // Secret storeganise-hub-postgres
            config.put("SPRING_DATASOURCE_URL", postgres.getJdbcUrl("postgres", "postgres"));
            config.put("SPRING_DATASOURCE_USERNAME", "postgres");
            config.put("SPRING_DATASOURCE_PASSWORD", "postgres");
            // a destination and its subscription, as a user configures them
            config.put("storeganise.destinations.crm.type", "http");
            config.put("storeganise.destinations.crm.url", destination.baseUrl() + "/hooks/crm");
            config.put("storeganise.subscriptions[1].events[0]", "job.unit_moveIn.*");
            config.put("storeganise.subscriptions[1].to[0]", "crm");
            // the test's own port (on a cluster: 8080, the container trait's port)
            config.put("quarkus.http.test-port", "0");
            // where the test reaches the stand-ins
            config.put("proof.storeganise.port", Integer.toString(storeganise.port()));
            config.put("proof.destination.port", Integer.toString(destination.port()));
            return config;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("could not start the services the Integration needs", e);
        }
    }

    @Override
    public void stop() {
        for (AutoCloseable service : new AutoCloseable[] {
                destination == null ? null : destination::stop,
                storeganise == null ? null : storeganise::stop,
                postgres,
                broker == null ? null : broker::stop}) {
            if (service != null) {
                try {
                    service.close();
                } catch (Exception ignored) {
                    // stopping the others matters more
                }
            }
        }
    }

    private static AddressSettings redelivery(String deadLetterAddress) {
        return new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(deadLetterAddress))
                .setExpiryAddress(SimpleString.of(deadLetterAddress))
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2.0)
                .setMaxRedeliveryDelay(300_000)
                .setMaxDeliveryAttempts(20)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
