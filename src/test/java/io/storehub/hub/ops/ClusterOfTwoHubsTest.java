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
 * as one hub: a housekeeping timer fires in both but its work runs once (the cluster lock), a
 * Slack webhook's 1 message/s holds for both together (the rate-limit buckets in the database), and a
 * failing destination gives one incident message when it fails and one when it recovers, though both
 * instances saw it and check at the same moment (the incidents table).
 */
class ClusterOfTwoHubsTest {

    private static final String SLACK_PATH = "/services/T0000/B0000/CLUSTER";
    private static final String ALERTS_PATH = "/services/T0000/B0000/ALERTS";

    @TempDir
    static Path dir;

    static SharedInfrastructure servers;
    static WireMockServer slack;
    static WireMockServer crm;
    static ConfigurableApplicationContext hubA;
    static ConfigurableApplicationContext hubB;

    @BeforeAll
    static void start() throws Exception {
        // no client-side prefetch: a small burst is shared by both instances rather than buffered by one
        servers = SharedInfrastructure.start(dir.resolve("broker"), "?consumerWindowSize=0");
        slack = new WireMockServer(options().dynamicPort());
        slack.start();
        slack.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        slack.stubFor(post(urlPathEqualTo(ALERTS_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        crm = new WireMockServer(options().dynamicPort());
        crm.start();
        List<String> settings = new ArrayList<>(servers.hubProperties());
        settings.addAll(List.of(
                // the dedupe expiry fires once in each instance, 3 s after its routes start, then not for an hour
                "storeganise.webhook.dedupe-expiry-delay=3000",
                "storeganise.webhook.dedupe-expiry-period=3600000",
                "storeganise.destinations.site-team.type=slack",
                "storeganise.destinations.site-team.webhook-url=" + slack.baseUrl() + SLACK_PATH,
                "storeganise.subscriptions[0].events[0]=user.*",
                "storeganise.subscriptions[0].to[0]=site-team",
                // the failure-alert recipe (checked by the test, the timer never fires) about an http destination
                "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops-alerts",
                "storeganise.recipes.failure-alert.interval=PT1H",
                "storeganise.recipes.failure-alert.check-every=1h",
                "storeganise.destinations.ops-alerts.type=slack",
                "storeganise.destinations.ops-alerts.webhook-url=" + slack.baseUrl() + ALERTS_PATH,
                "storeganise.destinations.crm.type=http",
                "storeganise.destinations.crm.url=" + crm.baseUrl() + "/hooks",
                "storeganise.subscriptions[1].events[0]=site.*",
                "storeganise.subscriptions[1].to[0]=crm"));
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
        if (crm != null) {
            crm.stop();
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
        // the counter moves once the hub has recorded the attempt, just after the stand-in answered it
        await().atMost(java.time.Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(delivered(hubA) + delivered(hubB)).isEqualTo(messages));
    }

    @Test
    void aFailingDestinationGivesOneOpenAndOneRecoveryMessageForBothInstances() throws Exception {
        crm.stubFor(post(urlPathEqualTo("/hooks")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad site\"}")));
        postSites(6);
        AtomicInteger failing = new AtomicInteger(6);
        // both instances saw it fail: the deliveries are shared out between their consumers, but which consumer
        // takes which event is the broker's choice, so failing events keep coming until each instance had one
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            boolean both = health(hubA).describe("crm").containsKey("lastFailureAt") && health(hubB).describe("crm").containsKey("lastFailureAt");
            if (!both) {
                postSites(2);
                failing.addAndGet(2);
            }
            return both && crm.findAll(postRequestedFor(urlPathEqualTo("/hooks"))).size() >= 6;
        });

        checkBothAtOnce();
        List<String> alerts = alertsAboutCrm();
        assertThat(alerts).as("one open message from the two instances").hasSize(1);
        assertThat(alerts.get(0)).contains("*`crm` is failing*", "bad site", "(HTTP 400)");
        checkBothAtOnce();
        assertThat(alertsAboutCrm()).as("nothing more while it fails").hasSize(1);

        crm.stubFor(post(urlPathEqualTo("/hooks")).willReturn(aResponse().withStatus(200)));
        postSites(4);
        await().atMost(Duration.ofSeconds(60)).until(() -> "ok".equals(health(hubA).describe("crm").get("state"))
                || "ok".equals(health(hubB).describe("crm").get("state")));
        checkBothAtOnce();
        checkBothAtOnce();
        alerts = alertsAboutCrm();
        assertThat(alerts).as("one recovery message from the two instances").hasSize(2);
        // a 400 parks at once: every event posted while it failed is parked (then the JSON's escaped line end)
        assertThat(alerts.get(1)).contains("*`crm` recovered*", "Failed during the incident: ",
                "still parked: " + failing.get() + "\\n");
    }

    private static void postSites(int events) {
        for (int i = 0; i < events; i++) {
            ConfigurableApplicationContext hub = i % 2 == 0 ? hubA : hubB;
            String body = Webhooks.event(Webhooks.newId(), "site.updated", java.time.Instant.now(),
                    "{\"siteId\":\"" + Webhooks.newId() + "\"}");
            assertThat(Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body)).statusCode()).isEqualTo(200);
        }
    }

    /** The failure-alert check run by both instances at the same moment. */
    private static void checkBothAtOnce() throws Exception {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.CompletableFuture<Object>> checks = new ArrayList<>();
        for (ConfigurableApplicationContext hub : List.of(hubA, hubB)) {
            org.apache.camel.ProducerTemplate producer = HubProcess.camel(hub).createProducerTemplate();
            checks.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return producer.requestBody("direct:recipe-failure-alert", (Object) null);
            }));
        }
        start.countDown();
        for (var check : checks) {
            check.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static io.storehub.hub.deliver.DestinationHealth health(ConfigurableApplicationContext hub) {
        return HubProcess.camel(hub).getRegistry().lookupByNameAndType("destinationHealth", io.storehub.hub.deliver.DestinationHealth.class);
    }

    private static List<String> alertsAboutCrm() {
        return slack.findAll(postRequestedFor(urlPathEqualTo(ALERTS_PATH))).stream()
                .map(r -> r.getBodyAsString()).filter(t -> t.contains("`crm`")).toList();
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
