package io.storehub.hub.enrich;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The examples of samples/enriched/ are what the hub delivers. Each example's webhook (its {@code event},
 * with a fresh id and {@code created}) is posted signed, enriched from the WireMock Storeganise (the
 * fixtures of src/test/resources/storeganise) and delivered to an {@code http} destination; what that
 * destination receives has the example's field names, nesting and list lengths, and its values, but for
 * those made of the event's own id and time: {@code event.id} and {@code event.created} are the ones
 * posted, a {@code summary.date} that is a moment is the posted {@code created} to the second, and the
 * headline's date and time are compared as a date and time.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=" + HubTestSupport.SECRET,
                "storeganise.dispatch.max-attempts=3",
                "storeganise.dispatch.initial-delay=PT0.2S",
                "storeganise.dispatch.max-delay=PT1S",
                // the links of the examples
                "storeganise.enrich.admin-url=https://mybusiness.storeganise.com",
                // every event to one http destination (subscription 0 replaces the default "everything to the log")
                "storeganise.destinations.samples.type=http",
                "storeganise.subscriptions[0].events[0]=*",
                "storeganise.subscriptions[0].to[0]=samples"
        })
class EnrichedSamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Path.of("samples/enriched");
    private static final String HOOK = "/hooks/samples";
    /** How the headline writes a moment: "29 Nov 2026, 09:21". */
    private static final String WHEN = "\\d{1,2} [A-Za-z]{3,4} \\d{4}, \\d\\d:\\d\\d";
    private static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort().containerThreads(10));
    private static final Path DATA_DIR;

    static {
        RECEIVER.start();
        RECEIVER.stubFor(post(urlPathEqualTo(HOOK)).willReturn(ok()));
        Runtime.getRuntime().addShutdownHook(new Thread(RECEIVER::stop));
        try {
            DATA_DIR = Files.createTempDirectory("hub-samples-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camelContext;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA_DIR::toString);
        StoreganiseStub.register(registry);
        registry.add("storeganise.destinations.samples.url", () -> RECEIVER.baseUrl() + HOOK);
    }

    @BeforeEach
    void storeganiseAsItsFixturesDefineIt() {
        StoreganiseStub.get().reset();
        camelContext.getRegistry().lookupByNameAndType("storeganiseApiCache", Cache.class).invalidateAll();
    }

    static Stream<String> samples() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
            assertThat(names).as("one example per family at least").hasSizeGreaterThanOrEqualTo(15);
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void theHubDeliversWhatTheExampleShows(String sample) throws Exception {
        ObjectNode expected = (ObjectNode) JSON.readTree(SAMPLES.resolve(sample).toFile());
        assertThat(sample).isEqualTo(expected.path("type").asText() + ".json");
        String id = Webhooks.newId();
        Instant created = Instant.now();
        ObjectNode webhook = expected.get("event").deepCopy();
        webhook.put("id", id);
        webhook.put("created", created.toString());
        String body = JSON.writeValueAsString(webhook);
        assertThat(Webhooks.post("http://localhost:" + port + "/webhooks/storeganise", body,
                Webhooks.sign(HubTestSupport.SECRET, body)).statusCode()).isEqualTo(200);

        LoggedRequest delivered = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> RECEIVER.findAll(postRequestedFor(urlPathEqualTo(HOOK))).stream()
                        .filter(r -> r.getBodyAsString().contains(id)).findFirst().orElse(null), r -> r != null);
        ObjectNode actual = (ObjectNode) JSON.readTree(delivered.getBodyAsString());

        // what the event's own id and time make
        assertThat(actual.at("/event/id").asText()).isEqualTo(id);
        assertThat(Instant.parse(actual.at("/event/created").asText())).isEqualTo(created);
        ((ObjectNode) actual.get("event")).set("id", expected.at("/event/id"));
        ((ObjectNode) actual.get("event")).set("created", expected.at("/event/created"));
        if (expected.at("/summary/date").asText().contains("T") && actual.get("summary") instanceof ObjectNode summary) {
            assertThat(OffsetDateTime.parse(summary.path("date").asText()).toInstant())
                    .as("summary.date: the moment of the event").isEqualTo(created.truncatedTo(ChronoUnit.SECONDS));
            summary.set("date", expected.at("/summary/date"));
            String headline = summary.path("headline").asText();
            assertThat(headline).as("summary.headline names the moment").containsPattern(WHEN);
            summary.set("headline", new TextNode(headline.replaceAll(WHEN, "WHEN")));
            ((ObjectNode) expected.get("summary")).set("headline",
                    new TextNode(expected.at("/summary/headline").asText().replaceAll(WHEN, "WHEN")));
        }

        assertThat(differences("", expected, actual)).as(sample + " as delivered:\n" + actual.toPrettyString()).isEmpty();
    }

    /** Field by field: missing and unexpected fields, list lengths, and different values, by path. */
    private static List<String> differences(String path, JsonNode expected, JsonNode actual) {
        List<String> found = new ArrayList<>();
        if (actual == null || actual.isMissingNode()) {
            found.add(path + ": missing");
        } else if (expected.isObject() && actual.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!expected.has(name)) {
                    found.add(path + "/" + name + ": not in the example");
                } else {
                    found.addAll(differences(path + "/" + name, expected.get(name), actual.get(name)));
                }
            }
        } else if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                found.add(path + ": " + expected.size() + " items in the example, " + actual.size() + " delivered");
            } else {
                Iterator<JsonNode> e = expected.elements();
                Iterator<JsonNode> a = actual.elements();
                for (int i = 0; e.hasNext(); i++) {
                    found.addAll(differences(path + "/" + i, e.next(), a.next()));
                }
            }
        } else if (!expected.equals(actual)) {
            found.add(path + ": " + expected + " in the example, " + actual + " delivered");
        }
        return found;
    }
}
