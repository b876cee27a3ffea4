package io.storehub.hub.recipes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
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
 * Recipe failure-alert sent by e-mail: with {@code failure-alert.to} an email destination, a delivery parked
 * for a destination (an http destination answering 400) opens an incident: one alert e-mail to that destination's
 * address, through GreenMail as the SMTP server (as the delivery tests use it). Its own context: the recipe
 * tests' context alerts to Slack, and there is one alert destination per hub.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "storeganise.webhook.secrets=" + HubTestSupport.SECRET,
                "storeganise.delivery.max-attempts=3",
                "storeganise.delivery.initial-delay=PT0.2S",
                "storeganise.delivery.max-delay=PT0.4S",
                "storeganise.admin.token=" + RecipeFailureAlertEmailTest.ADMIN_TOKEN,
                // failure alerts to an email destination; the timer never fires during the test
                "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops-mail",
                "storeganise.recipes.failure-alert.interval=PT1H",
                "storeganise.recipes.failure-alert.check-every=1h",
                "storeganise.destinations.ops-mail.type=email",
                "storeganise.destinations.ops-mail.to=" + RecipeFailureAlertEmailTest.OPS,
                "storeganise.destinations.ops-mail.from=hub@example.com",
                "storeganise.destinations.ops-mail.host=127.0.0.1",
                "storeganise.destinations.ops-mail.security=none",
                // a plain http destination whose deliveries the test makes fail (parked)
                "storeganise.destinations.legacy-crm.type=http",
                "storeganise.subscriptions[1].events[0]=site.updated",
                "storeganise.subscriptions[1].to[0]=legacy-crm",
        })
class RecipeFailureAlertEmailTest {

    static final String ADMIN_TOKEN = "admin-alert-mail-0123456789";
    static final String OPS = "ops@example.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WireMockServer LEGACY_CRM = new WireMockServer(options().dynamicPort().containerThreads(10));
    private static final GreenMail SMTP = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    private static final Path DATA_DIR;

    static {
        LEGACY_CRM.start();
        SMTP.start();
        try {
            DATA_DIR = Files.createTempDirectory("hub-alert-mail-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LEGACY_CRM.stop();
            SMTP.stop();
        }));
    }

    @LocalServerPort
    int port;

    @Autowired
    ProducerTemplate producer;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("storeganise.data-dir", DATA_DIR::toString);
        StoreganiseStub.register(registry);
        registry.add("storeganise.destinations.ops-mail.port", () -> SMTP.getSmtp().getPort());
        registry.add("storeganise.destinations.legacy-crm.url", () -> LEGACY_CRM.baseUrl() + "/hooks/storage");
    }

    @Test
    void aParkedDeliveryGivesOneAlertEmailNamingItsDestination() throws Exception {
        LEGACY_CRM.stubFor(post(urlPathEqualTo("/hooks/storage")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"unknown field siteCode\"}")));
        String event = postSigned("site.updated", "{\"siteId\":\"" + Webhooks.newId() + "\"}");
        await().atMost(20, TimeUnit.SECONDS).until(() -> parked(event, "legacy-crm"));
        int before = SMTP.getReceivedMessages().length;

        Object sent = producer.requestBodyAndHeader("direct:recipe-failure-alert", null, "SgAlertNow", Instant.now());

        assertThat(sent).as("alerts sent by this check").isEqualTo(1);
        await().atMost(10, TimeUnit.SECONDS).until(() -> SMTP.getReceivedMessages().length > before);
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(before + 1);
        MimeMessage alert = received[before];
        assertThat(Arrays.stream(alert.getRecipients(Message.RecipientType.TO)).map(Object::toString)).containsExactly(OPS);
        assertThat(alert.getSubject()).isEqualTo("[storeganise hub] legacy-crm is failing");
        assertThat(text(alert)).contains("legacy-crm is failing (incident 1", "First error: ", "unknown field siteCode", "(HTTP 400)",
                "Failed so far: 1 deliveries, 1 parked", "/console/events?destination=legacy-crm");
    }

    private String postSigned(String type, String dataJson) {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, type, Instant.now(), dataJson);
        var response = Webhooks.post("http://localhost:" + port + "/webhooks/storeganise", body, Webhooks.sign(HubTestSupport.SECRET, body));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("webhook refused: " + response.body());
        }
        return id;
    }

    /** Whether /admin/dead-letters lists this event's delivery to this destination. */
    private boolean parked(String eventId, String destination) throws IOException {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port
                + "/admin/dead-letters?destination=" + destination)).header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build();
        for (JsonNode d : JSON.readTree(Webhooks.send(request).body()).get("deadLetters")) {
            if (eventId.equals(d.get("eventId").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The plain-text part of a message (itself when it is not multipart). */
    private static String text(Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return part.getContent().toString();
        }
        if (part.getContent() instanceof Multipart parts) {
            for (int i = 0; i < parts.getCount(); i++) {
                String text = text(parts.getBodyPart(i));
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }
}
