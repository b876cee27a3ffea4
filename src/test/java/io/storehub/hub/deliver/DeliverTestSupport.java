package io.storehub.hub.deliver;

import io.storehub.hub.support.DeliveryNotifications;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.dispatch.EventCatalog;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.QueueBrowser;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.apache.camel.builder.Builder.header;

/**
 * A running hub with destinations of every type pointing at stand-ins that behave like the real
 * services: WireMock servers for Slack (incoming webhooks and chat.postMessage), Zapier catch hooks
 * and a CRM, and GreenMail as the SMTP server. One Spring context and one set of servers for all
 * delivery tests (its own data directory, so it can live beside {@link HubTestSupport}'s).
 *
 * <p>Configured with the flat keys Spring makes of application.yaml lists, as a user's environment
 * would: subscription 0 replaces the default "everything to the log" one.
 */
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=" + HubTestSupport.SECRET,
                "storeganise.dispatch.max-attempts=3",
                "storeganise.dispatch.initial-delay=PT0.2S",
                "storeganise.dispatch.max-delay=PT1S",
                "storeganise.delivery.max-attempts=4",
                "storeganise.delivery.initial-delay=PT0.2S",
                "storeganise.delivery.max-delay=PT0.5S",
                "storeganise.delivery.rate-limit-max-wait=PT0.3S",
                "storeganise.delivery.back-off.initial=PT1S",
                "storeganise.delivery.back-off.max=PT2S",
                "storeganise.admin.token=" + DeliverTestSupport.ADMIN_TOKEN,
                "storeganise.destinations.site-team.type=slack",
                "storeganise.destinations.slack-bot.type=slack",
                "storeganise.destinations.slack-bot.token=xoxb-test-token",
                "storeganise.destinations.slack-bot.channel=#front-desk",
                "storeganise.destinations.burst.type=slack",
                "storeganise.destinations.burst.rate-limit=4/s",
                "storeganise.destinations.burst-unlimited.type=slack",
                "storeganise.destinations.burst-unlimited.rate-limit=none",
                "storeganise.destinations.accounts.type=email",
                "storeganise.destinations.accounts.to=accounts@example.com",
                "storeganise.destinations.accounts.from=hub@example.com",
                "storeganise.destinations.accounts.host=127.0.0.1",
                "storeganise.destinations.crm.type=http",
                "storeganise.destinations.crm.auth.bearer=crm-secret-token",
                "storeganise.destinations.crm.headers.X-Source=storeganise-hub",
                "storeganise.destinations.crm-mapped.type=http",
                "storeganise.destinations.crm-mapped.template=crm-example",
                "storeganise.destinations.zap.type=zapier",
                // signed deliveries (Standard Webhooks), with two secrets as during a rotation: the spec's form and plain text
                "storeganise.destinations.crm-signed.type=http",
                "storeganise.destinations.crm-signed.signing-secret[0]=" + DeliverTestSupport.SIGNING_SECRET,
                "storeganise.destinations.crm-signed.signing-secret[1]=" + DeliverTestSupport.OLD_SIGNING_SECRET,
                "storeganise.destinations.audit.type=log",
                "storeganise.destinations.flaky.type=http",
                "storeganise.destinations.ordered-crm.type=http",
                "storeganise.destinations.unordered-crm.type=http",
                "storeganise.destinations.unordered-crm.ordered=false",
                "storeganise.destinations.move-in-charge.type=route",
                "storeganise.destinations.move-in-charge.endpoint=direct:add-move-in-charge",
                // the example custom route (routes/examples/) is loaded too, with the Storeganise API stand-in
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,file:routes/examples/*.camel.yaml",
                "storeganise.api.key=test-api-key",
                "storeganise.subscriptions[0].events[0]=job.unit_moveIn.*",
                "storeganise.subscriptions[0].events[1]=job.unit_moveOut.*",
                "storeganise.subscriptions[0].to[0]=site-team",
                "storeganise.subscriptions[1].events[0]=unitRental.invoice.created",
                "storeganise.subscriptions[1].events[1]=invoice.*",
                "storeganise.subscriptions[1].filter=${body[invoice][total]} > 0",
                "storeganise.subscriptions[1].to[0]=accounts",
                "storeganise.subscriptions[1].to[1]=zap",
                "storeganise.subscriptions[2].events[0]=job.unit_moveIn.completed",
                "storeganise.subscriptions[2].to[0]=crm",
                "storeganise.subscriptions[2].to[1]=audit",
                "storeganise.subscriptions[2].to[2]=move-in-charge",
                "storeganise.subscriptions[3].events[0]=user.*",
                "storeganise.subscriptions[3].to=slack-bot,crm-mapped",
                "storeganise.subscriptions[4].events[0]=unit.*",
                "storeganise.subscriptions[4].to[0]=flaky",
                "storeganise.subscriptions[5].events[0]=job.valetOrder.*",
                "storeganise.subscriptions[5].to[0]=ordered-crm",
                "storeganise.subscriptions[5].to[1]=unordered-crm"
        })
public abstract class DeliverTestSupport {

    public static final String ADMIN_TOKEN = "admin-test-token-0123456789";
    public static final String SLACK_WEBHOOK_PATH = "/services/T0000/B0000/XXXXXXXX";
    public static final String BURST_WEBHOOK_PATH = "/services/T0000/B0000/BURSTBURST";
    public static final String UNLIMITED_WEBHOOK_PATH = "/services/T0000/B0000/UNLIMITED";
    public static final String CRM_PATH = "/hooks/storage";
    public static final String CRM_MAPPED_PATH = "/hooks/mapped";
    public static final String FLAKY_PATH = "/hooks/flaky";
    public static final String ORDERED_PATH = "/hooks/ordered";
    public static final String UNORDERED_PATH = "/hooks/unordered";
    public static final String ZAPIER_PATH = "/hooks/catch/123456/abcdef/";
    public static final String CRM_SIGNED_PATH = "/hooks/signed";
    /** whsec_ and the base64 of 32 random bytes, as a Standard Webhooks sender hands it to a receiver. */
    public static final String SIGNING_SECRET = "whsec_2Rk3fUVtq0dW3b1m6D9oZg8yX4cJpQ7sL5nHvE1aTuM=";
    /** A secret in another form: its UTF-8 bytes are the key. */
    public static final String OLD_SIGNING_SECRET = "previous-crm-signing-secret-0123456789";

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final WireMockServer SLACK = new WireMockServer(options().dynamicPort().containerThreads(20)
            .extensions(new RollingWindowLimit()));
    protected static final WireMockServer ZAPIER = new WireMockServer(options().dynamicPort().containerThreads(20));
    protected static final WireMockServer CRM = new WireMockServer(options().dynamicPort().containerThreads(20));
    /** Stands in for the Storeganise API that the example custom route writes to. */
    protected static final WireMockServer STOREGANISE = new WireMockServer(options().dynamicPort().containerThreads(10));
    protected static final GreenMail SMTP = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    private static final Path DATA_DIR;

    static {
        SLACK.start();
        ZAPIER.start();
        CRM.start();
        STOREGANISE.start();
        SMTP.start();
        try {
            DATA_DIR = Files.createTempDirectory("hub-deliver-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            SLACK.stop();
            ZAPIER.stop();
            CRM.stop();
            STOREGANISE.stop();
            SMTP.stop();
        }));
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected CamelContext camelContext;

    @Autowired
    protected ProducerTemplate producer;

    @Autowired
    protected MeterRegistry meters;

    @Autowired
    protected ConnectionFactory connectionFactory;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA_DIR::toString);
        registry.add("storeganise.destinations.site-team.webhook-url", () -> SLACK.baseUrl() + SLACK_WEBHOOK_PATH);
        registry.add("storeganise.destinations.burst.webhook-url", () -> SLACK.baseUrl() + BURST_WEBHOOK_PATH);
        registry.add("storeganise.destinations.burst-unlimited.webhook-url", () -> SLACK.baseUrl() + UNLIMITED_WEBHOOK_PATH);
        registry.add("storeganise.destinations.slack-bot.api-url", () -> SLACK.baseUrl() + "/api/chat.postMessage");
        registry.add("storeganise.destinations.crm.url", () -> CRM.baseUrl() + CRM_PATH);
        registry.add("storeganise.destinations.crm-mapped.url", () -> CRM.baseUrl() + CRM_MAPPED_PATH);
        registry.add("storeganise.destinations.flaky.url", () -> CRM.baseUrl() + FLAKY_PATH);
        registry.add("storeganise.destinations.ordered-crm.url", () -> CRM.baseUrl() + ORDERED_PATH);
        registry.add("storeganise.destinations.unordered-crm.url", () -> CRM.baseUrl() + UNORDERED_PATH);
        registry.add("storeganise.destinations.crm-signed.url", () -> CRM.baseUrl() + CRM_SIGNED_PATH);
        registry.add("storeganise.destinations.zap.url", () -> ZAPIER.baseUrl() + ZAPIER_PATH);
        registry.add("storeganise.api.base-url", () -> STOREGANISE.baseUrl() + "/api");
        registry.add("storeganise.destinations.accounts.port", () -> SMTP.getSmtp().getPort());
        registry.add("storeganise.destinations.accounts.security", () -> "none");
    }

    protected String hubUrl(String path) {
        return "http://localhost:" + port + path;
    }

    protected String webhookUrl() {
        return hubUrl("/webhooks/storeganise");
    }

    /** Posts a signed webhook like Storeganise does; returns the event id. */
    protected String postSigned(String type, String dataJson) {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, type, java.time.Instant.now(), dataJson);
        var response = Webhooks.post(webhookUrl(), body, Webhooks.sign(HubTestSupport.SECRET, body));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("webhook refused: " + response.body());
        }
        return id;
    }

    /** An enriched event shaped per docs/enriched-event.md, for the given type, with the given extra keys. */
    protected static Map<String, Object> enriched(String id, String type, Map<String, Object> data, Map<String, Object> extra) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("created", "2026-11-21T14:48:19.230Z");
        event.put("type", type);
        event.put("data", data);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("type", type);
        body.put("family", EventCatalog.familyOf(type));
        body.putAll(extra);
        return body;
    }

    /** Sends an enriched event into direct:deliver the way a family route does. */
    protected void deliver(Map<String, Object> enriched) {
        Map<String, Object> event = asMap(enriched.get("event"));
        producer.sendBodyAndHeaders("direct:deliver", enriched, Map.of(
                "SgEventId", event.get("id"),
                "SgEventType", enriched.get("type"),
                "SgFamily", enriched.get("family"),
                "SgReceivedAt", System.currentTimeMillis()));
    }

    /** Stubs answering like the real services when all is well. */
    protected static void servicesAnswerOk() {
        SLACK.resetAll();
        ZAPIER.resetAll();
        CRM.resetAll();
        STOREGANISE.resetAll();
        STOREGANISE.stubFor(post(urlPathMatching("/api/v1/admin/unit-rentals/[0-9a-f]+/charges")).willReturn(okJson("{\"id\":\"6b016c353e7c1d9a421c0999\"}")));
        SLACK.stubFor(post(urlPathMatching("/services/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("ok")));
        SLACK.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson("{\"ok\":true,\"channel\":\"C024BE91L\",\"ts\":\"1503435956.000247\"}")));
        ZAPIER.stubFor(post(urlPathMatching("/hooks/catch/.*")).willReturn(okJson(
                "{\"attempt\":\"018bb2b4-1d2b-4d5a-9f43-8e1b2c3d4e5f\",\"id\":\"018bb2b4-1d2b-4d5a-9f43-8e1b2c3d4e60\","
                        + "\"request_id\":\"018bb2b4-1d2b-4d5a-9f43-8e1b2c3d4e61\",\"status\":\"success\"}")));
        CRM.stubFor(post(urlPathMatching("/hooks/.*")).willReturn(okJson("{\"received\":true}")));
    }

    /** Puts one delivery message on the delivery queue, as the fan-out does. */
    protected void queueDelivery(String eventId, String type, String destination, Map<String, Object> enriched) throws Exception {
        producer.sendBodyAndHeaders("jms:queue:storeganise.deliveries?exchangePattern=InOnly", JSON.writeValueAsString(enriched),
                Map.of("SgEventId", eventId, "SgEventType", type, "SgFamily", EventCatalog.familyOf(type),
                        "SgReceivedAt", System.currentTimeMillis(), "SgDestination", destination));
    }

    /** See {@link DeliveryNotifications#whenDeliveryHandled}. */
    protected NotifyBuilder whenDeliveryHandled(String eventId, String destination, int times) {
        return DeliveryNotifications.whenDeliveryHandled(camelContext, eventId, destination, times);
    }

    protected double deliveries(String destination, String outcome) {
        Counter c = meters.find("storeganise.deliveries").tag("destination", destination).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    /** Requests a WireMock server received whose body or headers mention this text. */
    protected static List<LoggedRequest> requestsMentioning(WireMockServer server, String text) {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl())).stream()
                .filter(r -> r.getBodyAsString().contains(text) || r.getHeaders().all().stream().anyMatch(h -> h.values().contains(text)))
                .toList();
    }

    /** How many messages on a queue match a JMS selector (browsed, not consumed). */
    protected int queued(String queue, String selector) throws Exception {
        try (JMSContext context = connectionFactory.createContext()) {
            QueueBrowser browser = context.createBrowser(context.createQueue(queue), selector);
            try {
                return Collections.list(browser.getEnumeration()).size();
            } finally {
                browser.close();
            }
        }
    }

    /** The parked delivery of this event to this destination, as /admin/dead-letters lists it, or null. */
    protected JsonNode parkedDelivery(String destination, String eventId) throws Exception {
        HttpResponse<String> list = admin("GET", "/admin/dead-letters?destination=" + destination, null);
        for (JsonNode d : JSON.readTree(list.body()).get("deadLetters")) {
            if (eventId.equals(d.get("eventId").asText())) {
                return d;
            }
        }
        return null;
    }

    /** Calls an admin endpoint with the admin token. */
    protected HttpResponse<String> admin(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hubUrl(path)))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(20));
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return Webhooks.send(request.build());
    }

    @SuppressWarnings("unchecked")
    protected static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
