package io.storehub.hub.tenant;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Storeganise businesses served by one hub: {@code acme} configured in the application's properties,
 * {@code globex} from its tenant file; each with its own WireMock Storeganise API (its own key) and its own
 * sink. Through the real path: signed webhooks on each tenant's URL, enrichment, delivery.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=hub-own-secret",
                "storeganise.tenants.acme.webhook.secrets=acme-secret",
                "storeganise.tenants.acme.api.key=acme-key",
                "storeganise.tenants.acme.destinations.sink.type=http",
                "storeganise.tenants.acme.subscriptions[0].events[0]=*",
                "storeganise.tenants.acme.subscriptions[0].to[0]=sink",
                // add-on events on the shared URL from this host are acme's (their apiUrl is not called here)
                "storeganise.tenants.acme.api.addon-hosts=acme.storeganise.test",
                "storeganise.api.addon.allowed-hosts=nothing.example",
                "storeganise.tenant-files-poll=300",
                "storeganise.admin.token=" + TenantsTest.ADMIN_TOKEN,
                "storeganise.delivery.max-attempts=2",
                "storeganise.delivery.initial-delay=PT0.2S",
                "storeganise.delivery.max-delay=PT0.5S"
        })
class TenantsTest {

    static final String ADMIN_TOKEN = "tenants-admin-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static final WireMockServer ACME_API = new WireMockServer(options().dynamicPort());
    static final WireMockServer GLOBEX_API = new WireMockServer(options().dynamicPort());
    static final WireMockServer SINKS = new WireMockServer(options().dynamicPort());
    static final Path DATA = tempDir("hub-tenants-");
    static final Path FILES = tempDir("hub-tenant-files-");
    static final String JOB = "5bf540e8d986a91cd713affe";

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camelContext;

    TenantDirectory tenants;

    @BeforeEach
    void directory() {
        tenants = TenantDirectory.of(camelContext);
    }

    @BeforeAll
    static void standIns() {
        for (WireMockServer s : List.of(ACME_API, GLOBEX_API, SINKS)) {
            s.start();
        }
        SINKS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching("/sink/.*")).willReturn(aResponse().withStatus(200)));
        ACME_API.stubFor(get(urlPathEqualTo("/api/v1/admin/jobs/" + JOB)).withHeader("Authorization", equalTo("ApiKey acme-key"))
                .willReturn(okJson("{\"id\":\"" + JOB + "\",\"type\":\"unit_moveIn\",\"state\":\"acme-state\"}")));
        GLOBEX_API.stubFor(get(urlPathEqualTo("/api/v1/admin/jobs/" + JOB)).withHeader("Authorization", equalTo("ApiKey globex-key"))
                .willReturn(okJson("{\"id\":\"" + JOB + "\",\"type\":\"unit_moveIn\",\"state\":\"globex-state\"}")));
        writeGlobex("/sink/globex");
    }

    @AfterAll
    static void stopStandIns() {
        for (WireMockServer s : List.of(ACME_API, GLOBEX_API, SINKS)) {
            s.stop();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA::toString);
        registry.add("storeganise.tenant-files", FILES::toString);
        registry.add("storeganise.tenants.acme.api.base-url", () -> ACME_API.baseUrl() + "/api");
        registry.add("storeganise.tenants.acme.destinations.sink.url", () -> SINKS.baseUrl() + "/sink/acme");
    }

    @Test
    void theSameEventIdAtTwoTenantsIsTwoEventsEachEnrichedFromItsOwnApiAndDeliveredToItsOwnSink() throws Exception {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, "job.unit_moveIn.created");
        HttpResponse<String> acme = post("acme", body, "acme-secret");
        HttpResponse<String> globex = post("globex", body, "globex-secret");
        assertThat(acme.statusCode()).as(acme.body()).isEqualTo(200);
        assertThat(globex.statusCode()).as(globex.body()).isEqualTo(200);
        assertThat(JSON.readTree(acme.body()).get("status").asText()).isEqualTo("accepted");
        assertThat(JSON.readTree(globex.body()).get("status").asText()).isEqualTo("accepted");

        JsonNode atAcme = await().atMost(Duration.ofSeconds(20)).until(() -> delivered("/sink/acme", id), d -> d != null);
        JsonNode atGlobex = await().atMost(Duration.ofSeconds(20)).until(() -> delivered(currentGlobexSink(), id), d -> d != null);
        assertThat(atAcme.get("tenant").asText()).isEqualTo("acme");
        assertThat(atAcme.toString()).contains("acme-state").doesNotContain("globex-state");
        assertThat(atGlobex.get("tenant").asText()).isEqualTo("globex");
        assertThat(atGlobex.toString()).contains("globex-state").doesNotContain("acme-state");
        // each sink got its tenant's event once, and never the other tenant's
        assertThat(count("/sink/acme", id)).isEqualTo(1);
        assertThat(count(currentGlobexSink(), id)).isEqualTo(1);

        // a retry at one tenant is a duplicate there only
        assertThat(JSON.readTree(post("acme", body, "acme-secret").body()).get("status").asText()).isEqualTo("duplicate");
    }

    @Test
    void anotherTenantsSecretIsRefused() {
        String body = Webhooks.event(Webhooks.newId(), "job.unit_moveIn.created");
        assertThat(post("acme", body, "globex-secret").statusCode()).isEqualTo(401);
        assertThat(post("globex", body, "acme-secret").statusCode()).isEqualTo(401);
        // nor does the hub's own secret open a tenant's URL, or a tenant's the hub's own
        assertThat(post("acme", body, "hub-own-secret").statusCode()).isEqualTo(401);
        assertThat(Webhooks.post(base(), body, Webhooks.sign("acme-secret", body)).statusCode()).isEqualTo(401);
    }

    @Test
    void anUnknownTenantIsAnsweredAsAnyUnknownPath() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "job.unit_moveIn.created");
        HttpResponse<String> unknown = post("initech", body, "acme-secret");
        HttpResponse<String> nowhere = Webhooks.post("http://localhost:" + port + "/no/such/path", body, Webhooks.sign("acme-secret", body));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo(JSON.readTree(nowhere.body()).get("error").asText());
        assertThat(unknown.body()).doesNotContain("tenant").doesNotContain("acme").doesNotContain("globex");
    }

    @Test
    void aTenantFileAddedWhileRunningIsServed() throws Exception {
        Files.writeString(FILES.resolve("initial.yaml"), """
                webhook:
                  secrets: initial-secret
                destinations:
                  sink:
                    type: http
                    url: %s/sink/initial
                subscriptions:
                  - events: ["*"]
                    to: [sink]
                """.formatted(SINKS.baseUrl()));
        await().atMost(Duration.ofSeconds(10)).until(() -> tenants.get("initial") != null);
        String id = Webhooks.newId();
        assertThat(post("initial", Webhooks.event(id, "user.created", Instant.now(), "{\"userId\":\"u1\"}"), "initial-secret").statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("/sink/initial", id), d -> d != null);
    }

    @Test
    void aChangedTenantFileIsAppliedAndABadOneRefusedKeepingTheRunningConfiguration() throws Exception {
        Tenant before = tenants.get("globex");
        writeGlobex("/sink/globex-moved");
        await().atMost(Duration.ofSeconds(10)).until(() -> tenants.get("globex") != before);
        String moved = Webhooks.newId();
        post("globex", Webhooks.event(moved, "user.created", Instant.now(), "{\"userId\":\"u2\"}"), "globex-secret");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("/sink/globex-moved", moved), d -> d != null);

        Tenant good = tenants.get("globex");
        Files.writeString(FILES.resolve("globex.yaml"), """
                webhook:
                  secrets: globex-secret
                destinations:
                  sink:
                    type: http
                    url: not-a-url
                subscriptions:
                  - events: ["*"]
                    to: [sink]
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> tenants.refusals().containsKey("globex.yaml"));
        assertThat(tenants.refusals().get("globex.yaml")).contains("storeganise.tenants.globex.destinations.sink.url");
        assertThat(tenants.get("globex")).isSameAs(good);
        String kept = Webhooks.newId();
        assertThat(post("globex", Webhooks.event(kept, "user.created", Instant.now(), "{\"userId\":\"u3\"}"), "globex-secret").statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("/sink/globex-moved", kept), d -> d != null);
        writeGlobex("/sink/globex");
        await().atMost(Duration.ofSeconds(10)).until(() -> !tenants.refusals().containsKey("globex.yaml"));
    }

    @Test
    void anAddonEventOnTheSharedUrlGoesToTheTenantOfItsApiUrlHost() throws Exception {
        String id = Webhooks.newId();
        String body = "{\"id\":\"" + id + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"user.created\","
                + "\"apiUrl\":\"https://acme.storeganise.test/api\",\"addonId\":\"addon1\",\"data\":{\"userId\":\"u9\"}}";
        HttpResponse<String> accepted = Webhooks.post(base(), body, Webhooks.sign("hub-own-secret", body));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        JsonNode delivered = await().atMost(Duration.ofSeconds(20)).until(() -> delivered("/sink/acme", id), d -> d != null);
        assertThat(delivered.get("tenant").asText()).isEqualTo("acme");
    }

    @Test
    void anAddonEventFromAHostNoTenantServesIsRefused() throws Exception {
        String body = "{\"id\":\"" + Webhooks.newId() + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"user.created\","
                + "\"apiUrl\":\"https://stranger.storeganise.test/api\",\"addonId\":\"addon1\",\"data\":{\"userId\":\"u9\"}}";
        HttpResponse<String> refused = Webhooks.post(base(), body, Webhooks.sign("hub-own-secret", body));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("unknown_addon_host");
    }

    @Test
    void aFailingDestinationOfOneTenantHoldsNothingOfAnother() throws Exception {
        // the same entity (job) at both tenants; acme's sink refuses this entity's events
        String job = Webhooks.newId().substring(0, 24);
        SINKS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/sink/acme"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(job))
                .willReturn(aResponse().withStatus(503)));
        String first = Webhooks.newId();
        String second = Webhooks.newId();
        String data = "{\"jobId\":\"" + job + "\"}";
        post("acme", Webhooks.event(first, "job.unit_moveIn.created", Instant.now(), data), "acme-secret");
        await().atMost(Duration.ofSeconds(10)).until(() -> SINKS.findAll(postRequestedFor(urlPathEqualTo("/sink/acme")))
                .stream().anyMatch(r -> r.getBodyAsString().contains(first)));
        post("acme", Webhooks.event(second, "job.unit_moveIn.updated", Instant.now(), data), "acme-secret");
        // globex: the same ids and the same entity, delivered at once, behind nothing of acme's
        post("globex", Webhooks.event(first, "job.unit_moveIn.created", Instant.now(), data), "globex-secret");
        post("globex", Webhooks.event(second, "job.unit_moveIn.updated", Instant.now(), data), "globex-secret");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(currentGlobexSink(), second) != null);
        assertThat(delivered(currentGlobexSink(), first)).isNotNull();
    }

    @Test
    void aTenantsEventIsDeliveredAgainOnlyToThatTenantsDestinations() throws Exception {
        String id = Webhooks.newId();
        post("acme", Webhooks.event(id, "user.created", Instant.now(), "{\"userId\":\"u4\"}"), "acme-secret");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("/sink/acme", id), d -> d != null);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin("GET", "/admin/events/acme~" + id).statusCode() == 200);

        HttpResponse<String> elsewhere = admin("POST", "/admin/events/acme~" + id + "/redeliver?destination=globex~sink");
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(400);
        // the destinations it names are the event's tenant's only
        assertThat(elsewhere.body()).endsWith("configured: acme~sink.\"}");
        HttpResponse<String> again = admin("POST", "/admin/events/acme~" + id + "/redeliver?destination=acme~sink");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> count("/sink/acme", id) == 2);
        assertThat(count(currentGlobexSink(), id)).isZero();
    }

    // ---------------------------------------------------------------- helpers

    HttpResponse<String> admin(String method, String path) {
        return Webhooks.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(20))
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    }

    String currentGlobexSink() {
        return tenants.get("globex").settings().getProperty("storeganise.destinations.sink.url").replace(SINKS.baseUrl(), "");
    }


    HttpResponse<String> post(String tenant, String body, String secret) {
        return Webhooks.post(base() + "/" + tenant, body, Webhooks.sign(secret, body));
    }

    String base() {
        return "http://localhost:" + port + "/webhooks/storeganise";
    }

    static JsonNode delivered(String path, String eventId) throws IOException {
        for (LoggedRequest r : SINKS.findAll(postRequestedFor(urlPathEqualTo(path)))) {
            JsonNode body = JSON.readTree(r.getBodyAsString());
            if (body.toString().contains(eventId)) {
                return body;
            }
        }
        return null;
    }

    static long count(String path, String eventId) {
        return SINKS.findAll(postRequestedFor(urlPathEqualTo(path))).stream().filter(r -> r.getBodyAsString().contains(eventId)).count();
    }

    static void writeGlobex(String sinkPath) {
        try {
            Files.writeString(FILES.resolve("globex.yaml"), """
                    webhook:
                      secrets: [globex-secret]
                    api:
                      base-url: %s/api
                      key: globex-key
                    destinations:
                      sink:
                        type: http
                        url: %s%s
                    subscriptions:
                      - events: ["*"]
                        to: [sink]
                    """.formatted(GLOBEX_API.baseUrl(), SINKS.baseUrl(), sinkPath));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
