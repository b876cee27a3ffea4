package io.storehub.hub.enrich;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.BeforeEach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared hub against the WireMock Storeganise, reset before each test (stubs, request journal,
 * circuit breaker, cache, API health), and a record of every enriched event as it reaches
 * {@code direct:deliver} (a JSON snapshot, by event id).
 */
abstract class EnrichTestSupport extends HubTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SITE = "641029803e7c1d9a420a1101";
    static final String JANE = "6b0167333e7c1d9a421c0401";

    private static final Map<CamelContext, Map<String, Map<String, Object>>> DELIVERED = new ConcurrentHashMap<>();

    final StoreganiseStub storeganise = StoreganiseStub.get();

    @BeforeEach
    void resetStoreganise() {
        storeganise.reset();
        breaker().reset();
        cache().invalidateAll();
        camelContext.getRegistry().lookupByNameAndType("storeganiseApiHealth", StoreganiseApiHealth.class).answered();
        DELIVERED.computeIfAbsent(camelContext, EnrichTestSupport::watchDeliveries);
    }

    /** Records a JSON snapshot of every event sent to direct:deliver in this Camel context, by event id. */
    static Map<String, Map<String, Object>> watchDeliveries(CamelContext camel) {
        Map<String, Map<String, Object>> delivered = new ConcurrentHashMap<>();
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) throws Exception {
                if (event instanceof CamelEvent.ExchangeSendingEvent sending
                        && "direct://deliver".equals(sending.getEndpoint().getEndpointUri())) {
                    Exchange exchange = sending.getExchange();
                    String id = exchange.getMessage().getHeader("SgEventId", String.class);
                    String snapshot = JSON.writeValueAsString(exchange.getMessage().getBody());
                    delivered.put(id, JSON.readValue(snapshot, new TypeReference<>() {
                    }));
                }
            }
        });
        return delivered;
    }

    CircuitBreakerCall breaker() {
        return camelContext.getRegistry().lookupByNameAndType("storeganiseCircuitBreaker", CircuitBreakerCall.class);
    }

    @SuppressWarnings("unchecked")
    Cache<Object, Object> cache() {
        return camelContext.getRegistry().lookupByNameAndType("storeganiseApiCache", Cache.class);
    }

    /** The sample event of this type (samples/events) with a fresh id and created, as compact JSON. */
    static String sample(String type, String id) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(Path.of("samples/events", type + ".json")));
            event.put("id", id);
            event.put("created", Instant.now().toString());
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Posts the sample of this type, signed, and returns its id. */
    String send(String type) {
        String id = Webhooks.newId();
        assertThat(postSigned(sample(type, id)).statusCode()).isEqualTo(200);
        return id;
    }

    String sendBody(String body, String id) {
        assertThat(postSigned(body).statusCode()).isEqualTo(200);
        return id;
    }

    /** The enriched event as it reached direct:deliver, waiting for it. */
    Map<String, Object> delivered(String id) {
        return delivered(id, Duration.ofSeconds(15));
    }

    Map<String, Object> delivered(String id, Duration within) {
        Map<String, Map<String, Object>> delivered = DELIVERED.get(camelContext);
        await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> delivered.containsKey(id));
        return delivered.get(id);
    }

    boolean wasDelivered(String id) {
        return DELIVERED.get(camelContext).containsKey(id);
    }

    /** Requests Storeganise received so far, oldest first, as "METHOD url". */
    List<String> requests() {
        List<ServeEvent> events = new java.util.ArrayList<>(storeganise.server().getAllServeEvents());
        java.util.Collections.reverse(events); // WireMock lists the newest first
        return events.stream().map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl()).toList();
    }

    /** Waits for the event with this id in the dead letter queue (other parked events are skipped). */
    Exchange parked(String id, Duration within) {
        org.apache.camel.ConsumerTemplate consumer = camelContext.createConsumerTemplate();
        try {
            long deadline = System.currentTimeMillis() + within.toMillis();
            while (System.currentTimeMillis() < deadline) {
                Exchange exchange = consumer.receive("jms:queue:storeganise.events.DLQ", 500);
                if (exchange != null && id.equals(exchange.getMessage().getHeader("SgEventId"))) {
                    return exchange;
                }
            }
            return null;
        } finally {
            try {
                consumer.stop();
            } catch (Exception ignored) {
                // test helper
            }
        }
    }

    /** GET on the hub's own HTTP port, e.g. /actuator/health. */
    java.net.http.HttpResponse<String> hubGet(String path) {
        return Webhooks.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path)).GET().build());
    }

    static Object at(Object root, String path) {
        Object current = root;
        for (String part : path.split("\\.")) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(part);
            } else if (current instanceof List<?> list && part.matches("\\d+")) {
                current = list.get(Integer.parseInt(part));
            } else {
                return null;
            }
        }
        return current;
    }
}
