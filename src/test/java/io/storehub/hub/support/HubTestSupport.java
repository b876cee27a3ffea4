package io.storehub.hub.support;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import com.github.benmanes.caffeine.cache.Cache;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.enrich.CircuitBreakerCall;
import io.storehub.hub.enrich.StoreganiseApiHealth;
import org.junit.jupiter.api.BeforeEach;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.support.builder.PredicateBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.apache.camel.builder.Builder.exchangeProperty;
import static org.apache.camel.builder.Builder.header;

/**
 * The hub as it runs for real: Spring Boot on a random HTTP port, the routes from routes/, an
 * embedded persistent Artemis and an H2 file database in a fresh data directory, enriching events
 * from a WireMock Storeganise ({@link StoreganiseStub}). Every test class
 * extending this shares one running hub (Spring's context cache), so tests use fresh event ids.
 */
@CamelSpringBootTest
@AutoConfigureObservability // Spring Boot tests switch metrics export off; the hub's metrics are under test
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=" + HubTestSupport.SECRET + "," + HubTestSupport.SECOND_SECRET,
                "storeganise.dispatch.max-attempts=3",
                "storeganise.dispatch.initial-delay=PT0.2S",
                "storeganise.dispatch.max-delay=PT1S"
        })
public abstract class HubTestSupport {

    public static final String SECRET = "whsec-test-primary";
    public static final String SECOND_SECRET = "whsec-test-rotated";

    private static final Path DATA_DIR = tempDir();

    @LocalServerPort
    protected int port;

    @Autowired
    protected CamelContext camelContext;

    @Autowired
    protected ProducerTemplate producer;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA_DIR::toString);
        StoreganiseStub.register(registry);
    }

    /**
     * Every test starts with the Storeganise stand-in as its fixtures define it, a closed circuit
     * breaker and an empty cache: a test that simulated an outage or a bad key must not leak it into
     * the next test class sharing this hub.
     */
    @BeforeEach
    void resetStoreganiseStandIn() {
        StoreganiseStub.get().reset();
        CircuitBreakerCall breaker = camelContext.getRegistry().lookupByNameAndType("storeganiseCircuitBreaker", CircuitBreakerCall.class);
        if (breaker != null) {
            breaker.reset();
        }
        Cache<?, ?> cache = camelContext.getRegistry().lookupByNameAndType("storeganiseApiCache", Cache.class);
        if (cache != null) {
            cache.invalidateAll();
        }
        StoreganiseApiHealth health = camelContext.getRegistry().lookupByNameAndType("storeganiseApiHealth", StoreganiseApiHealth.class);
        if (health != null) {
            health.answered();
        }
    }

    protected String webhookUrl() {
        return "http://localhost:" + port + "/webhooks/storeganise";
    }

    protected HttpResponse<String> postSigned(String body) {
        return Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body));
    }

    /**
     * Completes when the dispatch consumer has taken the stored event with this id from the queue
     * {@code times} times. Only the consumer's own exchange counts, not the per-destination copies
     * the delivery fan-out (a split) makes of it.
     */
    protected NotifyBuilder whenDispatched(String eventId, int times) {
        return new NotifyBuilder(camelContext).fromRoute("dispatch-events")
                .filter(PredicateBuilder.and(header("SgEventId").isEqualTo(eventId), exchangeProperty(Exchange.CORRELATION_ID).isNull()))
                .whenDone(times).create();
    }

    /** Completes when the event with this id has been through the given route once. */
    protected NotifyBuilder whenRouteHandled(String routeId, String eventId) {
        return new NotifyBuilder(camelContext).fromCurrentRoute(routeId)
                .filter(header("SgEventId").isEqualTo(eventId)).whenDone(1).create();
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("hub-test-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
