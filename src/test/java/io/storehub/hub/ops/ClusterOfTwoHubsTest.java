package io.storehub.hub.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.SharedInfrastructure;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two hub instances (two Spring contexts) on one Artemis broker over TCP and one PostgreSQL behave
 * as one hub: a housekeeping timer fires in both but its work runs once (the cluster lock), and a
 * Slack webhook's 1 message/s holds for both together (the rate-limit buckets in the database).
 */
class ClusterOfTwoHubsTest {

    private static final String SLACK_PATH = "/services/T0000/B0000/CLUSTER";

    @TempDir
    static Path dir;

    static SharedInfrastructure servers;
    static WireMockServer slack;
    static ConfigurableApplicationContext hubA;
    static ConfigurableApplicationContext hubB;

    @BeforeAll
    static void start() throws Exception {
        // no client-side prefetch: a small burst is shared by both instances rather than buffered by one
        servers = SharedInfrastructure.start(dir.resolve("broker"), "?consumerWindowSize=0");
        slack = new WireMockServer(options().dynamicPort());
        slack.start();
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        List<String> settings = new ArrayList<>(servers.hubProperties());
        settings.addAll(List.of(
                // the dedupe expiry fires once in each instance, 3 s after its routes start, then not for an hour
                "storeganise.webhook.dedupe-expiry-delay=3000",
                "storeganise.webhook.dedupe-expiry-period=3600000",
                "storeganise.destinations.site-team.type=slack",
                "storeganise.destinations.site-team.webhook-url=" + slack.baseUrl() + SLACK_PATH,
                "storeganise.subscriptions[0].events[0]=user.*",
                "storeganise.subscriptions[0].to[0]=site-team"));
        hubA = HubProcess.start(List.of(Counting.class), dir.resolve("a"), settings.toArray(String[]::new));
        hubB = HubProcess.start(List.of(Counting.class), dir.resolve("b"), settings.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {hubA, hubB, servers}) {
            if (c != null) {
                c.close();
            }
        }
        if (slack != null) {
            slack.stop();
        }
    }

    @Test
    void aTimerFiringInBothInstancesDoesItsWorkOnce() {
        RouteCounter a = hubA.getBean(RouteCounter.class);
        RouteCounter b = hubB.getBean(RouteCounter.class);

        await().atMost(Duration.ofSeconds(60)).until(() -> a.ticks() == 1 && b.ticks() == 1);

        assertThat(a.runs() + b.runs()).as("expire-dedupe-ids run by one instance only (A %s, B %s)", a.runs(), b.runs())
                .isEqualTo(1);
    }

    @Test
    void aSlackWebhooksOneMessagePerSecondHoldsForBothInstances() {
        int messages = 12;
        for (int i = 0; i < messages; i++) {
            ConfigurableApplicationContext hub = i % 2 == 0 ? hubA : hubB;
            String id = Webhooks.newId();
            String body = Webhooks.event(id, "user.updated");
            assertThat(Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body)).statusCode()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).size() >= messages);

        List<Long> times = slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_PATH))).stream()
                .map(LoggedRequest::getLoggedDate).map(d -> d.getTime()).sorted(Comparator.naturalOrder()).toList();
        assertThat(times).hasSize(messages);
        // one slot a second for both: 12 messages span 11 s (two limits of 1/s each, one per instance, would
        // take about 6 s); a send may leave up to a few hundred ms after its slot, hence the second of slack
        assertThat(times.get(messages - 1) - times.get(0)).as("first to last message (ms)").isGreaterThanOrEqualTo((messages - 2) * 1000L);
        for (int i = 2; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 2)).as("three messages within one second (%s to %s)", i - 1, i + 1)
                    .isGreaterThanOrEqualTo(1000);
        }
        assertThat(delivered(hubA)).as("instance A sent some").isPositive();
        assertThat(delivered(hubB)).as("instance B sent some").isPositive();
        assertThat(delivered(hubA) + delivered(hubB)).isEqualTo(messages);
    }

    private static double delivered(ConfigurableApplicationContext hub) {
        Counter c = hub.getBean(MeterRegistry.class).find("storeganise.deliveries").tag("destination", "site-team")
                .tag("outcome", "delivered").counter();
        return c == null ? 0 : c.count();
    }

    /** Registers {@link RouteCounter} in a hub's context; Camel adds event notifier beans before its routes start. */
    @Configuration(proxyBeanMethods = false)
    static class Counting {
        @Bean
        RouteCounter routeCounter() {
            return new RouteCounter();
        }
    }

    /** Counts the dedupe-expiry timer's ticks and the ticks that went on to do the work (sent to direct:expire-dedupe-ids). */
    static class RouteCounter extends EventNotifierSupport {
        private final AtomicInteger ticks = new AtomicInteger();
        private final Map<String, Boolean> worked = new ConcurrentHashMap<>();

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeSentEvent sent && sent.getEndpoint().getEndpointUri().startsWith("direct://expire-dedupe-ids")
                    && "expire-dedupe-ids-hourly".equals(sent.getExchange().getFromRouteId())) {
                worked.put(sent.getExchange().getExchangeId(), true);
            } else if (event instanceof CamelEvent.ExchangeCompletedEvent done
                    && "expire-dedupe-ids-hourly".equals(done.getExchange().getFromRouteId())) {
                ticks.incrementAndGet();
            }
        }

        int ticks() {
            return ticks.get();
        }

        int runs() {
            return worked.size();
        }
    }
}
