package io.storehub.hub.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.enrich.CircuitBreakerCall;
import io.storehub.hub.enrich.StoreganiseApiHealth;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;

/**
 * A running hub with the event history, the admin API and the console, its own data directory and
 * destinations pointing at a WireMock server: {@code ops-crm} (http, bearer token, a secret key in its
 * URL, not ordered), {@code team-slack} (a Slack incoming webhook, whose path is the secret), {@code big-invoices}
 * (http, behind a subscription filter that the sample invoices never pass) and {@code audit} (the log).
 * Enrichment comes from the Storeganise stand-in ({@link StoreganiseStub}, the sample story). Every
 * secret of the configuration is listed in {@link #SECRETS}, so tests can prove none is ever shown.
 */
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=" + HubTestSupport.SECRET,
                "storeganise.admin.token=" + ConsoleTestSupport.ADMIN_TOKEN,
                "storeganise.console.username=" + ConsoleTestSupport.CONSOLE_USER,
                "storeganise.console.password=" + ConsoleTestSupport.CONSOLE_PASSWORD,
                "storeganise.console.login-attempts-per-address=5",
                "storeganise.console.refresh-seconds=1",
                "storeganise.console.trace-url=https://grafana.example/explore?traceId={traceId}",
                "storeganise.dispatch.max-attempts=3",
                "storeganise.dispatch.initial-delay=PT0.2S",
                "storeganise.dispatch.max-delay=PT0.5S",
                "storeganise.delivery.max-attempts=4",
                "storeganise.delivery.initial-delay=PT0.2S",
                "storeganise.delivery.max-delay=PT0.5S",
                // bulk replays move their deliveries two at a time here, so every test of them crosses pages
                "storeganise.delivery.replay-batch-size=2",
                "storeganise.destinations.ops-crm.type=http",
                "storeganise.destinations.ops-crm.auth.bearer=" + ConsoleTestSupport.CRM_TOKEN,
                // the tests park and replay many deliveries of the sample story's job to this destination: not in
                // per-entity order, so one test's parked delivery never holds another's (docs/ordering.md)
                "storeganise.destinations.ops-crm.ordered=false",
                "storeganise.destinations.team-slack.type=slack",
                "storeganise.destinations.team-slack.rate-limit=50/s",
                "storeganise.destinations.big-invoices.type=http",
                "storeganise.destinations.audit.type=log",
                "storeganise.subscriptions[0].events[0]=job.unit_moveIn.*",
                "storeganise.subscriptions[0].to[0]=ops-crm",
                "storeganise.subscriptions[0].to[1]=team-slack",
                "storeganise.subscriptions[1].events[0]=user.*",
                "storeganise.subscriptions[1].events[1]=unit.*",
                "storeganise.subscriptions[1].to[0]=audit",
                "storeganise.subscriptions[2].events[0]=invoice.*",
                "storeganise.subscriptions[2].filter=${body[invoice][total]} > 1000000",
                "storeganise.subscriptions[2].to[0]=big-invoices",
                "storeganise.subscriptions[3].events[0]=invoice.*",
                "storeganise.subscriptions[3].to[0]=audit"
        })
public abstract class ConsoleTestSupport {

    public static final String ADMIN_TOKEN = "console-admin-token-5b7c1e90a2";
    public static final String CONSOLE_USER = "ops-lead";
    public static final String CONSOLE_PASSWORD = "console-password-77d0c4";
    public static final String CRM_TOKEN = "crm-bearer-secret-3e1f";
    public static final String HOOK_KEY = "hook-key-secret-9a8b7c";
    public static final String SLACK_PATH = "/services/T0SECRET/B0SECRET/slackpathsecret42";
    public static final String CRM_PATH = "/hooks/ops";
    public static final String BIG_PATH = "/hooks/big";
    /** Every secret value the hub under test is configured with. */
    public static final List<String> SECRETS = List.of(HubTestSupport.SECRET, ADMIN_TOKEN, CONSOLE_PASSWORD, CRM_TOKEN, HOOK_KEY,
            "slackpathsecret42", "T0SECRET", StoreganiseStub.KEY);

    /** The job, rental, customer and site of the sample story (src/test/resources/storeganise). */
    public static final String JOB = "6b016b353e7c1d9a421c0455";
    public static final String CUSTOMER = "6b0167333e7c1d9a421c0401";
    public static final String CUSTOMER_EMAIL = "jane.doe@example.com";
    public static final String SITE = "641029803e7c1d9a420a1101";
    public static final String UNIT = "64103a603e7c1d9a420a1f21";
    public static final String RENTAL = "6b016c353e7c1d9a421c0462";
    public static final String INVOICE = "6b017fe73e7c1d9a421c04a0";

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final WireMockServer DESTINATIONS = new WireMockServer(options().dynamicPort().containerThreads(20));
    private static final Path DATA_DIR;

    static {
        DESTINATIONS.start();
        try {
            DATA_DIR = Files.createTempDirectory("hub-console-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(DESTINATIONS::stop));
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected CamelContext camelContext;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA_DIR::toString);
        registry.add("storeganise.destinations.ops-crm.url", () -> DESTINATIONS.baseUrl() + CRM_PATH + "?key=" + HOOK_KEY);
        registry.add("storeganise.destinations.team-slack.webhook-url", () -> DESTINATIONS.baseUrl() + SLACK_PATH);
        registry.add("storeganise.destinations.big-invoices.url", () -> DESTINATIONS.baseUrl() + BIG_PATH);
        StoreganiseStub.register(registry);
    }

    /** Destinations answer 200, the Storeganise stand-in holds its fixtures, its breaker is closed, its cache empty. */
    @BeforeEach
    void standInsAnswerOk() {
        DESTINATIONS.resetAll();
        DESTINATIONS.stubFor(post(urlPathMatching("/hooks/.*")).willReturn(okJson("{\"received\":true}")));
        DESTINATIONS.stubFor(post(urlPathEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
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

    protected String hubUrl(String path) {
        return "http://localhost:" + port + path;
    }

    /** Posts a signed webhook like Storeganise does; returns the event id. */
    protected String postEvent(String type, String dataJson) {
        String id = Webhooks.newId();
        postBody(Webhooks.event(id, type, Instant.now(), dataJson));
        return id;
    }

    protected HttpResponse<String> postBody(String body) {
        HttpResponse<String> response = Webhooks.post(hubUrl("/webhooks/storeganise"), body, Webhooks.sign(HubTestSupport.SECRET, body));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("webhook refused: " + response.body());
        }
        return response;
    }

    /** Calls the admin API with the admin token. */
    protected HttpResponse<String> admin(String method, String path) {
        return Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl(path))).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    protected JsonNode adminJson(String path) throws IOException {
        HttpResponse<String> response = admin("GET", path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The event's record (GET /admin/events/{id}) once it satisfies the condition. */
    protected JsonNode awaitEvent(String id, Predicate<JsonNode> condition) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            // a delivery's success record is written at once, its other facts by the history's writer: read once it caught up
            if (!camelContext.getRegistry().findSingleByType(EventHistory.class).caughtUp()) {
                return null;
            }
            HttpResponse<String> response = admin("GET", "/admin/events/" + id);
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        }, e -> e != null && condition.test(e));
    }

    /** The delivery of an event to a destination as the record lists it, or an empty node. */
    protected static JsonNode delivery(JsonNode event, String destination) {
        for (JsonNode d : event.get("deliveries")) {
            if (destination.equals(d.get("destination").asText())) {
                return d;
            }
        }
        return JSON.createObjectNode();
    }

    /** The timeline steps of a kind (and destination, if given). */
    protected static List<JsonNode> steps(JsonNode event, String kind, String destination) {
        List<JsonNode> steps = new java.util.ArrayList<>();
        for (JsonNode s : event.get("timeline")) {
            if (kind.equals(s.get("kind").asText()) && (destination == null || destination.equals(s.path("destination").asText()))) {
                steps.add(s);
            }
        }
        return steps;
    }

    /** Requests the destinations' stand-in received that mention this text. */
    protected static List<LoggedRequest> requestsMentioning(String text) {
        return DESTINATIONS.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getBodyAsString().contains(text) || r.getHeaders().all().stream().anyMatch(h -> h.values().contains(text)))
                .toList();
    }

    protected static String jobEvent(String jobId) {
        return "{\"jobId\":\"" + jobId + "\"}";
    }
}
