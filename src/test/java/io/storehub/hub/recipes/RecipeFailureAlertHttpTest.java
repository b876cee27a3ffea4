package io.storehub.hub.recipes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.deliver.DestinationHealth;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recipe failure-alert to an http destination: the incident's messages are JSON posted to that destination's
 * URL with its authorization (an http sink stand-in), one when it opens and one when it recovers.
 */
class RecipeFailureAlertHttpTest {

    @TempDir
    Path dataDir;

    @Test
    void anHttpDestinationReceivesTheIncidentAsJson() throws Exception {
        WireMockServer sink = new WireMockServer(options().dynamicPort());
        WireMockServer crm = new WireMockServer(options().dynamicPort());
        sink.start();
        crm.start();
        try {
            sink.stubFor(post(urlPathEqualTo("/incidents")).willReturn(aResponse().withStatus(204)));
            crm.stubFor(post(urlPathEqualTo("/hooks")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad site\"}")));
            try (ConfigurableApplicationContext hub = HubProcess.start(dataDir,
                    "storeganise.recipes.failure-alert.enabled=true",
                    "storeganise.recipes.failure-alert.to=pager",
                    "storeganise.recipes.failure-alert.hub-url=https://hub.example.com/",
                    "storeganise.destinations.pager.type=http",
                    "storeganise.destinations.pager.url=" + sink.baseUrl() + "/incidents",
                    "storeganise.destinations.pager.auth.bearer=pager-token",
                    "storeganise.destinations.crm.type=http",
                    "storeganise.destinations.crm.url=" + crm.baseUrl() + "/hooks",
                    "storeganise.subscriptions[0].events[0]=site.*",
                    "storeganise.subscriptions[0].to[0]=crm")) {
                DestinationHealth health = HubProcess.camel(hub).getRegistry().lookupByNameAndType("destinationHealth", DestinationHealth.class);
                postSite(hub);
                await().atMost(Duration.ofSeconds(30)).until(() -> health.describe("crm").containsKey("lastFailureAt"));
                check(hub);
                crm.stubFor(post(urlPathEqualTo("/hooks")).willReturn(aResponse().withStatus(200)));
                postSite(hub);
                await().atMost(Duration.ofSeconds(30)).until(() -> "ok".equals(health.describe("crm").get("state")));
                check(hub);
            }
            List<LoggedRequest> sent = sink.findAll(postRequestedFor(urlPathEqualTo("/incidents")));
            assertThat(sent).hasSize(2);
            assertThat(sent).allMatch(r -> "Bearer pager-token".equals(r.getHeader("Authorization")));
            ObjectMapper json = new ObjectMapper();
            JsonNode opened = json.readTree(sent.get(0).getBodyAsString());
            assertThat(opened.get("type").asText()).isEqualTo("hub.incident.open");
            assertThat(opened.get("destination").asText()).isEqualTo("crm");
            assertThat(opened.get("httpStatus").asInt()).isEqualTo(400);
            assertThat(opened.get("firstError").asText()).contains("bad site");
            assertThat(opened.get("failed").asInt()).isEqualTo(1);
            assertThat(opened.get("consoleUrl").asText()).isEqualTo("https://hub.example.com/console/events?destination=crm");
            JsonNode recovered = json.readTree(sent.get(1).getBodyAsString());
            assertThat(recovered.get("type").asText()).isEqualTo("hub.incident.recovery");
            assertThat(recovered.get("parked").asInt()).isEqualTo(1);
            assertThat(recovered.get("replayUrl").asText()).isEqualTo("https://hub.example.com/console/dead-letters?destination=crm");
        } finally {
            sink.stop();
            crm.stop();
        }
    }

    private static void postSite(ConfigurableApplicationContext hub) {
        String body = Webhooks.event(Webhooks.newId(), "site.updated", Instant.now(), "{\"siteId\":\"" + Webhooks.newId() + "\"}");
        assertThat(Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body)).statusCode()).isEqualTo(200);
    }

    private static void check(ConfigurableApplicationContext hub) {
        HubProcess.camel(hub).createProducerTemplate().requestBody("direct:recipe-failure-alert", (Object) null);
    }
}
