package io.storehub.hub.tenant;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
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
import com.github.tomakehurst.wiremock.WireMockServer;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One hub with two tenants and access for each (docs/tenants.md, Access): the global admin token and the hub's own
 * console user; {@code acme} (token {@code acme-token}, console user alice) whose sink takes every delivery, and
 * {@code globex} (token {@code globex-token}, console user bob) whose sink refuses every delivery (parked at once);
 * a tenant file that is refused. Shared by the API and the browser tests (one Spring context).
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=hub-own-secret",
                "storeganise.admin.token=" + TenantAccessSupport.GLOBAL_TOKEN,
                "storeganise.console.username=root",
                "storeganise.console.password=root-password",
                "storeganise.tenants.acme.webhook.secrets=acme-secret",
                "storeganise.tenants.acme.admin-token=acme-token",
                "storeganise.tenants.acme.console.username=alice",
                "storeganise.tenants.acme.console.password=alice-password",
                "storeganise.tenants.acme.destinations.sink.type=http",
                "storeganise.tenants.acme.subscriptions[0].events[0]=*",
                "storeganise.tenants.acme.subscriptions[0].to[0]=sink",
                "storeganise.tenants.globex.webhook.secrets=globex-secret",
                "storeganise.tenants.globex.admin-token=globex-token",
                "storeganise.tenants.globex.console.username=bob",
                "storeganise.tenants.globex.console.password=bob-password",
                "storeganise.tenants.globex.destinations.sink.type=http",
                "storeganise.tenants.globex.subscriptions[0].events[0]=*",
                "storeganise.tenants.globex.subscriptions[0].to[0]=sink",
                "storeganise.tenant-files-poll=300",
                "storeganise.history.flush-interval=PT0.1S",
                "storeganise.delivery.max-attempts=2",
                "storeganise.delivery.initial-delay=PT0.2S",
                "storeganise.delivery.max-delay=PT0.5S",
                // globex's sink refuses everything: its destination backs off, briefly here, so that a later
                // test's delivery is still tried (and parked) within its wait, whatever the order of the tests
                "storeganise.delivery.back-off.initial=PT1S",
                "storeganise.delivery.back-off.max=PT2S"
        })
abstract class TenantAccessSupport {

    static final String GLOBAL_TOKEN = "global-admin-token";
    static final ObjectMapper JSON = new ObjectMapper();
    static final WireMockServer SINKS = new WireMockServer(options().dynamicPort());
    static final Path DATA = TenantsTest.tempDir("hub-tenant-access-");
    static final Path FILES = TenantsTest.tempDir("hub-tenant-access-files-");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camelContext;

    @BeforeAll
    static void standIns() throws IOException {
        if (!SINKS.isRunning()) {
            SINKS.start();
            SINKS.stubFor(post(urlPathEqualTo("/sink/acme")).willReturn(aResponse().withStatus(200)));
            // a permanent refusal: globex's deliveries are parked at once
            SINKS.stubFor(post(urlPathEqualTo("/sink/globex")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"no\"}")));
        }
        // a tenant file with a mistake: refused, shown to the global admin on the console's destinations page
        Files.writeString(FILES.resolve("broken.yaml"), """
                webhook:
                  secrets: broken-secret
                destinations:
                  sink:
                    type: http
                    url: not-a-url
                """);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA::toString);
        registry.add("storeganise.tenant-files", FILES::toString);
        registry.add("storeganise.tenants.acme.destinations.sink.url", () -> sinks() + "/sink/acme");
        registry.add("storeganise.tenants.globex.destinations.sink.url", () -> sinks() + "/sink/globex");
    }

    private static String sinks() {
        if (!SINKS.isRunning()) {
            SINKS.start();
        }
        return SINKS.baseUrl();
    }

    // ---------------------------------------------------------------- webhooks

    /** One event id posted to acme, globex and the hub's own webhook; answers it once all three are in the history. */
    String sameIdAtBothTenantsAndTheHub() {
        String id = Webhooks.newId();
        assertThat(webhook("acme", id)).isEqualTo(200);
        assertThat(webhook("globex", id)).isEqualTo(200);
        assertThat(webhook(null, id)).isEqualTo(200);
        for (String key : List.of("acme~" + id, "globex~" + id, id)) {
            awaitEvent(key, e -> true);
        }
        return id;
    }

    /** Posts a user.created event with this id to a tenant's webhook (null: the hub's own); answers its status. */
    int webhook(String tenant, String id) {
        String body = Webhooks.event(id, "user.created", Instant.now(), "{\"userId\":\"u-" + id + "\"}");
        String secret = tenant == null ? "hub-own-secret" : tenant + "-secret";
        String url = "http://localhost:" + port + "/webhooks/storeganise" + (tenant == null ? "" : "/" + tenant);
        return Webhooks.post(url, body, Webhooks.sign(secret, body)).statusCode();
    }

    /** Waits until the global admin sees this event (qualified id) in the history as {@code until} says. */
    JsonNode awaitEvent(String key, Predicate<JsonNode> until) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> r = admin("GET", "/admin/events/" + key, GLOBAL_TOKEN, null);
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        }, e -> e != null && until.test(e));
    }

    static String deliveryStatus(JsonNode event, String destination) {
        for (JsonNode d : event.path("deliveries")) {
            if (destination.equals(d.path("destination").asText())) {
                return d.path("status").asText();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- admin API

    HttpResponse<String> admin(String method, String path, String token, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode adminJson(String path, String token) throws IOException {
        HttpResponse<String> r = admin("GET", path, token, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
