package io.storehub.hub.enrich;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Storeganise down for a while: webhooks are still acknowledged at once, events wait in the durable
 * queue (the circuit breaker opens, so the outage is not hammered), and all are enriched once
 * Storeganise is back; nothing is parked. A hub of its own: it needs more queue attempts than the
 * shared test hub's three.
 */
class EnrichOutageTest {

    @TempDir
    Path dataDir;

    @Test
    void duringAnOutageWebhooksAreAckedFastEventsWaitInTheQueueAndAllAreEnrichedWhenItEnds() throws Exception {
        StoreganiseStub storeganise = StoreganiseStub.get();
        storeganise.reset();
        storeganise.server().stubFor(any(urlPathMatching("/api/.*")).atPriority(1)
                .willReturn(StoreganiseStub.json(503, "{\"error\":{\"status\":503,\"message\":\"Service unavailable\"}}")));
        try (ConfigurableApplicationContext hub = HubProcess.start(dataDir,
                "storeganise.api.base-url=" + storeganise.baseUrl(), "storeganise.api.key=" + StoreganiseStub.KEY,
                "storeganise.api.retry.initial-delay-ms=50", "storeganise.api.circuit-breaker.minimum-calls=4",
                "storeganise.api.circuit-breaker.sliding-window=8", "storeganise.api.circuit-breaker.open-seconds=1",
                "storeganise.dispatch.max-attempts=30", "storeganise.dispatch.initial-delay=PT0.2S",
                "storeganise.dispatch.max-delay=PT1S")) {
            CamelContext camel = HubProcess.camel(hub);
            Map<String, Map<String, Object>> delivered = EnrichTestSupport.watchDeliveries(camel);
            // the consumer's own exchanges only, not the per-destination copies of the delivery fan-out
            NotifyBuilder retried = new NotifyBuilder(camel).fromRoute("dispatch-events")
                    .filter(org.apache.camel.builder.Builder.exchangeProperty(org.apache.camel.Exchange.CORRELATION_ID).isNull())
                    .whenDone(20).create();

            List<String> ids = new ArrayList<>();
            long slowestAck = 0;
            for (int i = 0; i < 10; i++) {
                String id = Webhooks.newId();
                String body = EnrichTestSupport.sample("unitRental.invoice.created", id);
                long start = System.nanoTime();
                HttpResponse<String> ack = Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body));
                slowestAck = Math.max(slowestAck, (System.nanoTime() - start) / 1_000_000);
                assertThat(ack.statusCode()).isEqualTo(200);
                ids.add(id);
            }
            assertThat(slowestAck).as("ms to acknowledge, well within Storeganise's 2 s").isLessThan(1000);

            await().atMost(Duration.ofSeconds(10)).until(() -> "DOWN".equals(health(hub)));
            int callsWhenOpened = storeganise.server().getAllServeEvents().size();
            assertThat(retried.matches(15, java.util.concurrent.TimeUnit.SECONDS)).as("events retried from the queue").isTrue();
            int callsDuringOutage = storeganise.server().getAllServeEvents().size();
            // without the breaker: 10 events x 3 calls per queue attempt, every 0.2-1 s, for seconds
            assertThat(callsDuringOutage).as("the open breaker spares Storeganise").isLessThan(callsWhenOpened + 30);
            assertThat(delivered).isEmpty();

            storeganise.reset(); // Storeganise is back

            await().atMost(Duration.ofSeconds(20)).until(() -> delivered.keySet().containsAll(ids));
            assertThat(ids).allSatisfy(id -> assertThat(EnrichTestSupport.at(delivered.get(id), "invoice.id"))
                    .isEqualTo("6b017fe73e7c1d9a421c04a0"));
            await().atMost(Duration.ofSeconds(5)).until(() -> "UP".equals(health(hub)));
            MeterRegistry meters = hub.getBean(MeterRegistry.class);
            assertThat(meters.find("storeganise.processing.failures").tag("action", "park").counter()).as("nothing parked").isNull();
        } finally {
            storeganise.reset();
        }
    }

    private static String health(ConfigurableApplicationContext hub) throws Exception {
        String url = "http://localhost:" + hub.getEnvironment().getProperty("local.server.port") + "/actuator/health";
        String body = Webhooks.send(HttpRequest.newBuilder(URI.create(url)).GET().build()).body();
        return EnrichTestSupport.JSON.readTree(body).at("/components/storeganiseApi/status").asText();
    }
}
