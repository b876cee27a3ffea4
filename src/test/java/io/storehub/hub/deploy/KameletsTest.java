package io.storehub.hub.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the Kamelets of {@code k8s/camel-k/kamelets/} on camel-main (as Camel K and Camel JBang
 * load them): the webhook source in front of a collecting route, and the enrich action against a
 * stubbed Storeganise API.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KameletsTest {

    private static final String SECRET = "kamelet-test-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BlockingQueue<Exchange> emitted = new LinkedBlockingQueue<>();

    private static WireMockServer storeganiseApi;
    private static Main main;
    private static int port;

    @BeforeAll
    static void boot() throws Exception {
        storeganiseApi = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        storeganiseApi.start();
        storeganiseApi.stubFor(get(urlEqualTo("/api/v1/admin/jobs/0123456789abcdef01234567"))
                .withHeader("Authorization", equalTo("ApiKey test-api-key"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"0123456789abcdef01234567\",\"type\":\"unit_moveIn\",\"state\":\"completed\"}")));

        port = freePort();
        Properties props = new Properties();
        props.setProperty("camel.component.kamelet.location", "file:k8s/camel-k/kamelets");
        props.setProperty("camel.server.enabled", "true");
        props.setProperty("camel.server.host", "127.0.0.1");
        props.setProperty("camel.server.port", Integer.toString(port));
        props.setProperty("api.url", storeganiseApi.baseUrl() + "/api");

        main = new Main();
        main.setOverrideProperties(props);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:storeganise-webhook-source?path=hooks/storeganise&secret=" + SECRET)
                        .routeId("webhook-source-test")
                        .process(emitted::add);
                from("direct:enrich").routeId("enrich-test")
                        .to("kamelet:storeganise-enrich-action?apiUrl={{api.url}}&apiKey=RAW(test-api-key)"
                                + "&resourcePath=RAW(/v1/admin/jobs/${body[data][jobId]})");
            }
        });
        main.start();
    }

    @AfterAll
    static void shutdown() throws Exception {
        try {
            if (main != null) {
                main.stop();
            }
        } finally {
            if (storeganiseApi != null) {
                storeganiseApi.stop();
            }
        }
    }

    @Test
    void webhookSourceEmitsAVerifiedEventAndAcknowledgesIt() throws Exception {
        emitted.clear();
        String body = event("a1b2c3d4e5f6a1b2c3d4e5f6");

        HttpResponse<String> response = post(body, sign(body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"accepted\",\"id\":\"a1b2c3d4e5f6a1b2c3d4e5f6\"}");
        Exchange event = emitted.poll(5, TimeUnit.SECONDS);
        assertThat(event).isNotNull();
        assertThat(event.getMessage().getHeader("SgEventId")).isEqualTo("a1b2c3d4e5f6a1b2c3d4e5f6");
        assertThat(event.getMessage().getHeader("SgEventType")).isEqualTo("job.unit_moveIn.completed");
        assertThat(event.getMessage().getHeader("sg-signature")).as("HTTP headers are not passed on").isNull();
        assertThat(event.getMessage().getBody(String.class)).isEqualTo(body);
        assertThat(event.getPattern()).as("sent as an event, no reply awaited").isEqualTo(ExchangePattern.InOnly);
    }

    @Test
    void webhookSourceRefusesABadSignatureAndEmitsNothing() throws Exception {
        emitted.clear();
        String body = event("ffffffffffffffffffffffff");

        HttpResponse<String> response = post(body, sign(body.replace("completed", "cancelled")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_signature");
        assertThat(emitted.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void enrichActionAttachesTheRecordTheEventPointsAt() throws Exception {
        String body = event("0a0a0a0a0a0a0a0a0a0a0a0a");
        ProducerTemplate producer = main.getCamelContext().createProducerTemplate();

        String enriched = producer.requestBody("direct:enrich", body, String.class);

        JsonNode tree = JSON.readTree(enriched);
        assertThat(tree.path("event").path("id").asText()).isEqualTo("0a0a0a0a0a0a0a0a0a0a0a0a");
        assertThat(tree.path("resource").path("state").asText()).isEqualTo("completed");
    }

    private static String event(String id) {
        return "{\"id\":\"" + id + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"job.unit_moveIn.completed\","
                + "\"data\":{\"jobId\":\"0123456789abcdef01234567\"}}";
    }

    private static HttpResponse<String> post(String body, String signature) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/storeganise"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("sg-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
