package io.storehub.hub.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics' {@code tenant} label (docs/operations.md): a tenant's webhook and delivery are counted under its
 * name, the hub's own under {@code none}, a webhook to a URL naming no configured tenant under {@code unknown}.
 */
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=hub-own-secret",
                "storeganise.destinations.sink.type=http",
                "storeganise.subscriptions[0].events[0]=*",
                "storeganise.subscriptions[0].to[0]=sink",
                "storeganise.tenants.acme.webhook.secrets=acme-secret",
                "storeganise.tenants.acme.destinations.sink.type=http",
                "storeganise.tenants.acme.subscriptions[0].events[0]=*",
                "storeganise.tenants.acme.subscriptions[0].to[0]=sink"
        })
class TenantMetricsTest {

    static final WireMockServer SINKS = new WireMockServer(options().dynamicPort());
    static final Path DATA = tempDir("hub-tenant-metrics-");
    static final Path FILES = tempDir("hub-tenant-metrics-files-");

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @BeforeAll
    static void sinks() {
        SINKS.start();
        SINKS.stubFor(post(urlPathMatching("/sink/.*")).willReturn(aResponse().withStatus(200)));
    }

    @AfterAll
    static void stopSinks() {
        SINKS.stop();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA::toString);
        registry.add("storeganise.tenant-files", FILES::toString);
        registry.add("storeganise.destinations.sink.url", () -> SINKS.baseUrl() + "/sink/hub");
        registry.add("storeganise.tenants.acme.destinations.sink.url", () -> SINKS.baseUrl() + "/sink/acme");
    }

    @Test
    void aTenantsWebhookAndDeliveryAreCountedUnderItsTenantTheHubsOwnUnderNone() {
        Map<String, Tags> watched = new LinkedHashMap<>();
        watched.put("storeganise.webhook.received", Tags.of("tenant", "acme", "outcome", "accepted"));
        watched.put("storeganise.events.processed", Tags.of("tenant", "acme"));
        watched.put("storeganise.deliveries", Tags.of("tenant", "acme", "destination", "acme~sink", "outcome", "delivered"));
        Map<String, Tags> own = Map.of(
                "storeganise.webhook.received", Tags.of("tenant", "none", "outcome", "accepted"),
                "storeganise.deliveries", Tags.of("tenant", "none", "destination", "sink", "outcome", "delivered"));
        Tags unknown = Tags.of("tenant", "unknown", "outcome", "rejected");
        Map<String, Double> before = new LinkedHashMap<>();
        watched.forEach((name, tags) -> before.put(name, counted(name, tags)));
        Map<String, Double> ownBefore = new LinkedHashMap<>();
        own.forEach((name, tags) -> ownBefore.put(name, counted(name, tags)));
        double unknownBefore = counted("storeganise.webhook.received", unknown);
        long latencyBefore = timed("storeganise.delivery.latency", Tags.of("tenant", "acme", "destination", "acme~sink"));

        String tenantsEvent = Webhooks.event(Webhooks.newId(), "user.created", Instant.now(), "{\"userId\":\"u1\"}");
        String hubsEvent = Webhooks.event(Webhooks.newId(), "user.created", Instant.now(), "{\"userId\":\"u2\"}");
        assertThat(Webhooks.post(base() + "/acme", tenantsEvent, Webhooks.sign("acme-secret", tenantsEvent)).statusCode()).isEqualTo(200);
        assertThat(Webhooks.post(base(), hubsEvent, Webhooks.sign("hub-own-secret", hubsEvent)).statusCode()).isEqualTo(200);
        assertThat(Webhooks.post(base() + "/initech", tenantsEvent, Webhooks.sign("acme-secret", tenantsEvent)).statusCode()).isEqualTo(404);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            watched.forEach((name, tags) -> assertThat(counted(name, tags)).as(name + tags).isEqualTo(before.get(name) + 1));
            own.forEach((name, tags) -> assertThat(counted(name, tags)).as(name + tags).isEqualTo(ownBefore.get(name) + 1));
            assertThat(counted("storeganise.webhook.received", unknown)).isEqualTo(unknownBefore + 1);
            assertThat(timed("storeganise.delivery.latency", Tags.of("tenant", "acme", "destination", "acme~sink")))
                    .isEqualTo(latencyBefore + 1);
        });
        // each sink got its event: the counters above counted real deliveries
        assertThat(SINKS.findAll(postRequestedFor(urlPathEqualTo("/sink/acme")))).hasSize(1);
        assertThat(SINKS.findAll(postRequestedFor(urlPathEqualTo("/sink/hub")))).hasSize(1);
    }

    double counted(String name, Tags tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    long timed(String name, Tags tags) {
        return meters.find(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
    }

    String base() {
        return "http://localhost:" + port + "/webhooks/storeganise";
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
