package io.storehub.hub.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces on (docs/operations.md, Traces), exported through the OpenTelemetry SDK's autoconfiguration to
 * the SDK's in-memory exporter ({@link MemorySpanExporterProvider}): one trace per event from the webhook
 * through the durable queue to the Storeganise API calls and every delivery attempt, retries included;
 * the caller's traceparent honoured; trace headers only to http destinations that ask for them.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "otel.traces.exporter=memory",
                "otel.bsp.schedule.delay=20",
                "storeganise.webhook.secrets=" + TracingTest.SECRET,
                "storeganise.admin.token=tracing-admin-token",
                "storeganise.delivery.initial-delay=PT0.2S",
                "storeganise.delivery.max-delay=PT0.5S",
                "storeganise.destinations.traced.type=http",
                "storeganise.destinations.traced.propagate-trace=true",
                "storeganise.destinations.plain.type=http",
                "storeganise.destinations.team.type=slack",
                "storeganise.destinations.zap.type=zapier",
                "storeganise.destinations.mail.type=email",
                "storeganise.destinations.mail.to=ops@example.com",
                "storeganise.destinations.mail.from=hub@example.com",
                "storeganise.destinations.mail.host=127.0.0.1",
                "storeganise.destinations.mail.security=none",
                "storeganise.destinations.flaky.type=http",
                "storeganise.destinations.flaky.propagate-trace=true",
                "storeganise.subscriptions[0].events[0]=user.created",
                "storeganise.subscriptions[0].to[0]=traced",
                "storeganise.subscriptions[0].to[1]=plain",
                "storeganise.subscriptions[0].to[2]=team",
                "storeganise.subscriptions[0].to[3]=zap",
                "storeganise.subscriptions[0].to[4]=mail",
                "storeganise.subscriptions[1].events[0]=user.updated",
                "storeganise.subscriptions[1].to[0]=flaky"
        })
class TracingTest {

    static final String SECRET = "whsec-tracing-test";
    private static final String USER = "6b0167333e7c1d9a421c0401";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort().containerThreads(10));
    private static final GreenMail SMTP = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    private static final Path DATA_DIR;

    static {
        RECEIVER.start();
        SMTP.start();
        try {
            DATA_DIR = Files.createTempDirectory("hub-tracing-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            RECEIVER.stop();
            SMTP.stop();
        }));
    }

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camelContext;

    @Autowired
    ConnectionFactory connectionFactory;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        StoreganiseStub.register(registry);
        registry.add("storeganise.data-dir", DATA_DIR::toString);
        registry.add("storeganise.destinations.traced.url", () -> RECEIVER.baseUrl() + "/hooks/traced");
        registry.add("storeganise.destinations.plain.url", () -> RECEIVER.baseUrl() + "/hooks/plain");
        registry.add("storeganise.destinations.flaky.url", () -> RECEIVER.baseUrl() + "/hooks/flaky");
        registry.add("storeganise.destinations.team.webhook-url", () -> RECEIVER.baseUrl() + "/services/T0/B0/SLACK");
        registry.add("storeganise.destinations.zap.url", () -> RECEIVER.baseUrl() + "/hooks/catch/1/zap/");
        registry.add("storeganise.destinations.mail.port", () -> SMTP.getSmtp().getPort());
    }

    @BeforeEach
    void receiversAnswerOk() {
        RECEIVER.resetAll();
        RECEIVER.stubFor(post(urlPathMatching("/hooks/.*")).willReturn(okJson("{\"received\":true}")));
        RECEIVER.stubFor(post(urlPathMatching("/services/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @Test
    void theWebhookTheQueueHopTheApiCallAndEveryDeliveryAreOneTrace() throws Exception {
        String id = postUserEvent("user.created", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> received("/hooks/traced", id).size() == 1
                && received("/hooks/plain", id).size() == 1 && received("/hooks/catch/1/zap/", id).size() == 1);
        String traceId = traceIdOf(id);

        // complete: every span ended, the consumer's (the parent of the rest) last
        List<SpanData> trace = await().atMost(Duration.ofSeconds(10)).until(() -> spans(traceId),
                s -> s.stream().filter(TracingTest::isDeliveryCall).count() >= 3 && roots(s).size() == 1);
        SpanData root = onlyRoot(trace);
        assertThat(String.valueOf(attribute(root, "http.url"))).as(describe(trace)).endsWith("/webhooks/storeganise");
        SpanData consumer = consumerOf(trace, "storeganise.events");
        assertThat(ancestors(trace, consumer)).contains(root.getSpanId());
        SpanData apiCall = trace.stream().filter(s -> String.valueOf(attribute(s, "http.url", "url.full")).contains("/v1/admin/users/" + USER))
                .findFirst().orElseThrow(() -> new AssertionError("no Storeganise API span in " + describe(trace)));
        assertThat(ancestors(trace, apiCall)).contains(consumer.getSpanId());
        for (SpanData call : trace.stream().filter(TracingTest::isDeliveryCall).toList()) {
            assertThat(ancestors(trace, call)).contains(consumer.getSpanId());
        }
    }

    @Test
    void theTraceContextTravelsInTheDurableMessage() throws Exception {
        camelContext.getRouteController().stopRoute("dispatch-events");
        String traceId;
        SpanData webhook;
        try {
            String id = postUserEvent("user.created", null);
            Map<String, String> properties = await().atMost(Duration.ofSeconds(10)).until(() -> queuedProperties("storeganise.events", id),
                    p -> p != null);
            assertThat(properties.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            traceId = properties.get("traceparent").substring(3, 35);
            webhook = await().atMost(Duration.ofSeconds(10)).until(() -> spans(traceId), s -> !s.isEmpty()).get(0);
            assertThat(webhook.getAttributes().asMap().toString()).contains("camel-platform-http");
            assertThat(properties.get("traceparent").substring(36, 52)).isEqualTo(webhook.getSpanId());
        } finally {
            camelContext.getRouteController().startRoute("dispatch-events");
        }
        // the consumer, started again after the webhook's trace ended, continues it from the stored message
        List<SpanData> trace = await().atMost(Duration.ofSeconds(20)).until(() -> spans(traceId),
                s -> s.stream().anyMatch(span -> isConsumerOf(span, "storeganise.events")));
        assertThat(ancestors(trace, consumerOf(trace, "storeganise.events"))).as(describe(trace)).contains(webhook.getSpanId());
    }

    @Test
    void aTraceparentSentByTheCallerIsHonoured() throws Exception {
        String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        String id = postUserEvent("user.created", "00-" + callerTrace + "-" + callerSpan + "-01");

        assertThat(traceIdOf(id)).isEqualTo(callerTrace);
        List<SpanData> trace = await().atMost(Duration.ofSeconds(10)).until(() -> spans(callerTrace), s -> !s.isEmpty());
        SpanData webhook = trace.stream().filter(s -> String.valueOf(attribute(s, "http.url")).contains("/webhooks/storeganise"))
                .findFirst().orElseThrow(() -> new AssertionError("no webhook span in " + describe(trace)));
        assertThat(webhook.getParentSpanId()).isEqualTo(callerSpan);
    }

    @Test
    void traceHeadersGoOnlyToAnHttpDestinationThatAsksForThem() throws Exception {
        int mails = SMTP.getReceivedMessages().length;
        int slackMessages = slackMessages().size();
        String id = postUserEvent("user.created", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> received("/hooks/traced", id).size() == 1 && received("/hooks/plain", id).size() == 1
                && slackMessages().size() == slackMessages + 1 && received("/hooks/catch/1/zap/", id).size() == 1
                && SMTP.getReceivedMessages().length == mails + 1);
        String traceId = traceIdOf(id);

        assertThat(received("/hooks/traced", id).get(0).getHeader("traceparent")).startsWith("00-" + traceId + "-");
        assertThat(traceHeaders(received("/hooks/plain", id).get(0))).isEmpty();
        assertThat(traceHeaders(slackMessages().get(slackMessages))).isEmpty();
        assertThat(traceHeaders(received("/hooks/catch/1/zap/", id).get(0))).isEmpty();
        MimeMessage mail = SMTP.getReceivedMessages()[mails];
        assertThat(Collections.list(mail.getAllHeaderLines())).isNotEmpty().noneMatch(h -> h.toLowerCase().startsWith("traceparent"));
    }

    @Test
    void aRetryTakenFromTheQueueJoinsTheEventsTrace() throws Exception {
        RECEIVER.stubFor(post(urlPathEqualTo("/hooks/flaky")).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        RECEIVER.stubFor(post(urlPathEqualTo("/hooks/flaky")).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"received\":true}")));
        String id = postUserEvent("user.updated", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> received("/hooks/flaky", id).size() == 2);
        String traceId = traceIdOf(id);

        List<SpanData> trace = await().atMost(Duration.ofSeconds(10)).until(() -> spans(traceId),
                s -> s.stream().filter(TracingTest::isDeliveryCall).count() == 2 && roots(s).size() == 1);
        SpanData retried = consumerOf(trace, "storeganise.deliveries");
        SpanData secondCall = trace.stream().filter(TracingTest::isDeliveryCall).filter(s -> ancestors(trace, s).contains(retried.getSpanId()))
                .findFirst().orElseThrow(() -> new AssertionError("the retry's call is not under the delivery queue's consumer: " + describe(trace)));
        assertThat(ancestors(trace, secondCall)).contains(onlyRoot(trace).getSpanId());
        for (LoggedRequest attempt : received("/hooks/flaky", id)) {
            assertThat(attempt.getHeader("traceparent")).startsWith("00-" + traceId + "-");
        }
    }

    // ------------------------------------------------------------------ helpers

    private String postUserEvent(String type, String traceparent) {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, type, Instant.now(), "{\"userId\":\"" + USER + "\"}");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/storeganise"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("sg-signature", Webhooks.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        HttpResponse<String> response = Webhooks.send(request.build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return id;
    }

    /** The trace id GET /admin/events/{id} shows, once the history has it. */
    private String traceIdOf(String eventId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> r = Webhooks.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/events/" + eventId))
                    .header("Authorization", "Bearer " + "tracing-admin-token").GET().build());
            if (r.statusCode() != 200) {
                return null;
            }
            JsonNode traceId = JSON.readTree(r.body()).path("traceId");
            return traceId.isTextual() ? traceId.asText() : null;
        }, t -> t != null);
    }

    private static List<SpanData> spans(String traceId) {
        return MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    /** The spans whose parent is not in the list (one, the webhook's, once a trace is complete). */
    private static List<SpanData> roots(List<SpanData> trace) {
        Set<String> ids = new HashSet<>();
        trace.forEach(s -> ids.add(s.getSpanId()));
        return trace.stream().filter(s -> !ids.contains(s.getParentSpanId())).toList();
    }

    private static SpanData onlyRoot(List<SpanData> trace) {
        List<SpanData> roots = roots(trace);
        assertThat(roots).as(describe(trace)).hasSize(1);
        return roots.get(0);
    }

    /** The span of a queue consumer's route (the message taken from the queue). */
    private static SpanData consumerOf(List<SpanData> trace, String queue) {
        return trace.stream().filter(s -> isConsumerOf(s, queue))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no consumer span of " + queue + " in " + describe(trace)));
    }

    private static boolean isConsumerOf(SpanData s, String queue) {
        return "EVENT_RECEIVED".equals(attribute(s, "op")) && String.valueOf(attribute(s, "camel.uri")).startsWith("jms://queue:" + queue + "?");
    }

    /** A call of the destinations' HTTP client (delivery-http). */
    private static boolean isDeliveryCall(SpanData s) {
        return "EVENT_SENT".equals(attribute(s, "op")) && String.valueOf(attribute(s, "http.url")).startsWith(RECEIVER.baseUrl());
    }

    private static List<String> ancestors(List<SpanData> trace, SpanData span) {
        Map<String, SpanData> byId = new HashMap<>();
        trace.forEach(s -> byId.put(s.getSpanId(), s));
        List<String> answer = new java.util.ArrayList<>();
        for (SpanData s = byId.get(span.getParentSpanId()); s != null; s = byId.get(s.getParentSpanId())) {
            answer.add(s.getSpanId());
        }
        return answer;
    }

    private static Object attribute(SpanData s, String... keys) {
        for (var e : s.getAttributes().asMap().entrySet()) {
            for (String k : keys) {
                if (e.getKey().getKey().equals(k)) {
                    return e.getValue();
                }
            }
        }
        return null;
    }

    private static String describe(List<SpanData> spans) {
        StringBuilder b = new StringBuilder();
        for (SpanData s : spans) {
            b.append('\n').append(s.getKind()).append(' ').append(s.getName()).append(" span=").append(s.getSpanId())
                    .append(" parent=").append(s.getParentSpanId()).append(' ').append(s.getAttributes().asMap());
        }
        return b.toString();
    }

    private static List<LoggedRequest> received(String path, String eventId) {
        return RECEIVER.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getUrl().startsWith(path) && r.getBodyAsString().contains(eventId)).toList();
    }

    /** What the Slack stand-in received, oldest first (a Slack message names no event id). */
    private static List<LoggedRequest> slackMessages() {
        List<LoggedRequest> all = new java.util.ArrayList<>(RECEIVER.findAll(anyRequestedFor(urlPathEqualTo("/services/T0/B0/SLACK"))));
        all.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
        return all;
    }

    private static List<String> traceHeaders(LoggedRequest r) {
        return r.getHeaders().all().stream().map(h -> h.key().toLowerCase())
                .filter(k -> k.equals("traceparent") || k.equals("tracestate") || k.equals("baggage")).toList();
    }

    /** The JMS properties of the message of this event waiting on a queue (browsed), or null. */
    private Map<String, String> queuedProperties(String queue, String eventId) throws Exception {
        try (JMSContext context = connectionFactory.createContext()) {
            QueueBrowser browser = context.createBrowser(context.createQueue(queue), "SgEventId = '" + eventId + "'");
            try {
                for (Object o : Collections.list(browser.getEnumeration())) {
                    Message m = (Message) o;
                    Map<String, String> p = new HashMap<>();
                    for (Object name : Collections.list(m.getPropertyNames())) {
                        p.put(String.valueOf(name), m.getStringProperty(String.valueOf(name)));
                    }
                    return p;
                }
                return null;
            } finally {
                browser.close();
            }
        }
    }
}
