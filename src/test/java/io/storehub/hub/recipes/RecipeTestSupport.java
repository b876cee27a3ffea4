package io.storehub.hub.recipes;

import io.storehub.hub.support.DeliveryNotifications;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
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

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.apache.camel.builder.Builder.header;

/**
 * The hub with every recipe switched on, the way a user does it (storeganise.recipes.<name>.enabled and
 * settings), enriching from the shared WireMock Storeganise ({@link StoreganiseStub}, which also answers
 * the write-back) and delivering to WireMock stand-ins shaped like the real services: a card payment
 * gateway, Twilio, HubSpot, Slack, Zapier, a Xero-shaped accounting API and failing plain http destinations. One context for the recipe tests (RecipeFailureAlertEmailTest has its own: a hub has one alert destination).
 */
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=" + HubTestSupport.SECRET,
                "storeganise.dispatch.max-attempts=3",
                "storeganise.dispatch.initial-delay=PT0.2S",
                "storeganise.dispatch.max-delay=PT1S",
                "storeganise.delivery.max-attempts=3",
                "storeganise.delivery.initial-delay=PT0.2S",
                "storeganise.delivery.max-delay=PT0.4S",
                "storeganise.admin.token=" + RecipeTestSupport.ADMIN_TOKEN,
                "storeganise.recipes.move-in-charge.enabled=true",
                "storeganise.recipes.move-in-charge.title=Padlock",
                "storeganise.recipes.move-in-charge.amount=12.5",
                "storeganise.recipes.payment.enabled=true",
                "storeganise.recipes.payment.gateway-token=sk_test_gateway",
                "storeganise.recipes.move-in-slack.enabled=true",
                "storeganise.recipes.sms.enabled=true",
                "storeganise.recipes.sms.account-sid=" + RecipeTestSupport.TWILIO_SID,
                "storeganise.recipes.sms.auth-token=twilio-auth-token",
                "storeganise.recipes.sms.from=+447700900000",
                "storeganise.recipes.crm.enabled=true",
                "storeganise.recipes.crm.token=pat-eu1-test",
                "storeganise.recipes.zapier.enabled=true",
                "storeganise.recipes.zapier.events=user.*",
                "storeganise.recipes.accounting.enabled=true",
                "storeganise.recipes.accounting.token=xero-access-token",
                "storeganise.recipes.accounting.tenant-id=" + RecipeTestSupport.XERO_TENANT,
                // failure alerts to a Slack destination of their own and as Storeganise tasks; the timer never
                // fires during the tests
                "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops-alerts",
                "storeganise.recipes.failure-alert.storeganise-task=true",
                "storeganise.recipes.failure-alert.hub-url=https://hub.example.com",
                "storeganise.recipes.failure-alert.interval=PT1H",
                "storeganise.recipes.failure-alert.check-every=1h",
                "storeganise.destinations.ops-alerts.type=slack",
                // a plain http destination whose deliveries a test makes fail (parked)
                "storeganise.destinations.legacy-crm.type=http",
                "storeganise.subscriptions[1].events[0]=site.updated",
                "storeganise.subscriptions[1].to[0]=legacy-crm",
                // more for the incident tests: other failing http destinations, and events to the alert
                // destination itself
                "storeganise.destinations.legacy-erp.type=http",
                "storeganise.subscriptions[2].events[0]=site.created",
                "storeganise.subscriptions[2].to[0]=legacy-erp",
                "storeganise.subscriptions[3].events[0]=site.deleted",
                "storeganise.subscriptions[3].to[0]=ops-alerts",
                "storeganise.destinations.legacy-wms.type=http",
                "storeganise.subscriptions[4].events[0]=site.archived",
                "storeganise.subscriptions[4].to[0]=legacy-wms",
        })
public abstract class RecipeTestSupport {

    public static final String ADMIN_TOKEN = "admin-recipes-0123456789";
    public static final String KEY = StoreganiseStub.KEY;
    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final StoreganiseStub STOREGANISE = StoreganiseStub.get();
    public static final String TWILIO_SID = "AC0123456789abcdef0123456789abcdef";
    public static final String SLACK_PATH = "/services/T0SITE/B0SITE/movein";
    protected static final WireMockServer GATEWAY = server();
    protected static final WireMockServer SLACK = server();
    protected static final WireMockServer TWILIO = server();
    protected static final WireMockServer HUBSPOT = server();
    protected static final WireMockServer ZAPIER = server();
    public static final String ZAPIER_PATH = "/hooks/catch/1234567/abcdefg/";
    protected static final WireMockServer ACCOUNTING = server();
    protected static final WireMockServer LEGACY_CRM = server();
    protected static final WireMockServer LEGACY_ERP = server();
    protected static final WireMockServer LEGACY_WMS = server();
    public static final String ALERTS_PATH = "/services/T0OPS/B0OPS/alerts";
    public static final String XERO_TENANT = "0f3c0ab1-7c5e-4d6a-9b1e-5a1f2c3d4e5f";
    public static final String XERO_INVOICES = "/api.xro/2.0/Invoices";
    private static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("hub-recipes-test-");
            // every invoice event of any recipe test reaches recipe-accounting: accepted unless a test says otherwise
            ACCOUNTING.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                    com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(XERO_INVOICES)).atPriority(10)
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"Status\":\"OK\",\"Invoices\":[]}")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected CamelContext camelContext;

    @Autowired
    protected ProducerTemplate producer;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA_DIR::toString);
        StoreganiseStub.register(registry);
        registry.add("storeganise.recipes.payment.gateway-url", () -> GATEWAY.baseUrl() + "/v1/charges");
        registry.add("storeganise.recipes.move-in-slack.webhook-url", () -> SLACK.baseUrl() + SLACK_PATH);
        registry.add("storeganise.recipes.sms.api-url", TWILIO::baseUrl);
        registry.add("storeganise.recipes.crm.api-url", HUBSPOT::baseUrl);
        registry.add("storeganise.recipes.zapier.url", () -> ZAPIER.baseUrl() + ZAPIER_PATH);
        registry.add("storeganise.recipes.accounting.base-url", () -> ACCOUNTING.baseUrl() + "/api.xro/2.0");
        registry.add("storeganise.destinations.ops-alerts.webhook-url", () -> SLACK.baseUrl() + ALERTS_PATH);
        registry.add("storeganise.destinations.legacy-crm.url", () -> LEGACY_CRM.baseUrl() + "/hooks/storage");
        registry.add("storeganise.destinations.legacy-erp.url", () -> LEGACY_ERP.baseUrl() + "/hooks/erp");
        registry.add("storeganise.destinations.legacy-wms.url", () -> LEGACY_WMS.baseUrl() + "/hooks/wms");
    }

    private static WireMockServer server() {
        WireMockServer server = new WireMockServer(com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                .dynamicPort().containerThreads(10));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    /** Posts a signed webhook like Storeganise does; returns the event id. */
    protected String postSigned(String type, String dataJson) {
        return postSigned(Webhooks.newId(), type, dataJson);
    }

    protected String postSigned(String id, String type, String dataJson) {
        String body = Webhooks.event(id, type, Instant.now(), dataJson);
        var response = Webhooks.post("http://localhost:" + port + "/webhooks/storeganise", body, Webhooks.sign(HubTestSupport.SECRET, body));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("webhook refused: " + response.body());
        }
        return id;
    }

    /** See {@link DeliveryNotifications#whenDeliveryHandled}. */
    protected NotifyBuilder whenDeliveryHandled(String eventId, String destination, int times) {
        return DeliveryNotifications.whenDeliveryHandled(camelContext, eventId, destination, times);
    }

    /** A fixture of the Storeganise stub under another id, answered to GETs with the hub's key (a resource of this test only). */
    protected static String stubResource(String collection, String fixtureId, String newId, String... replacements) {
        String body = StoreganiseStub.fixture(collection + "/" + fixtureId).replace(fixtureId, newId);
        for (int i = 0; i < replacements.length; i += 2) {
            body = body.replace(replacements[i], replacements[i + 1]);
        }
        stubStoreganise(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(StoreganiseStub.API + "/v1/admin/" + collection + "/" + newId)), 200, body);
        return body;
    }

    protected static void stubStoreganise(MappingBuilder request, int status, String body) {
        STOREGANISE.server().stubFor(request.atPriority(1).withHeader("Authorization", equalTo("ApiKey " + KEY))
                .willReturn(StoreganiseStub.json(status, body)));
    }

    protected static List<LoggedRequest> storeganiseRequests(String method, String path) {
        return STOREGANISE.server().getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getMethod().getName().equals(method) && r.getUrl().startsWith(StoreganiseStub.API + path))
                .map(r -> (LoggedRequest) r).toList();
    }

    protected static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parked delivery of this event to this destination, as /admin/dead-letters lists it, or null. */
    protected JsonNode parked(String eventId, String destination) {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port
                + "/admin/dead-letters?destination=" + destination)).header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build();
        for (JsonNode d : json(Webhooks.send(request).body()).get("deadLetters")) {
            if (eventId.equals(d.get("eventId").asText())) {
                return d;
            }
        }
        return null;
    }

    /** A fresh 24-hex id. */
    protected static String newId() {
        return Webhooks.newId();
    }
}
