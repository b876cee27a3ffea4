package io.storehub.hub.enrich;

import java.time.Duration;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API key never shows: not in logs (even with the hub's and Camel's DEBUG logging on), failure
 * reasons, parked messages, health or metrics, whatever the call's outcome.
 */
@ExtendWith(OutputCaptureExtension.class)
class EnrichSecretsTest extends EnrichTestSupport {

    private static final String[] VERBOSE = {"io.storehub", "org.apache.camel"};

    @AfterEach
    void quiet() {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        for (String logger : VERBOSE) {
            logging.setLogLevel(logger, null);
        }
    }

    @Test
    void theApiKeyNeverAppearsInLogsReasonsParkedMessagesHealthOrMetrics(CapturedOutput output) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        for (String logger : VERBOSE) {
            logging.setLogLevel(logger, LogLevel.DEBUG);
        }
        // answered, not found, 5xx then 200, a timeout then 200, an add-on call, a refused add-on call
        storeganise.server().stubFor(get(urlPathEqualTo("/api/v1/admin/sites/" + SITE)).atPriority(1).inScenario("s")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(StoreganiseStub.json(503, "{}")).willSetStateTo("slow"));
        storeganise.server().stubFor(get(urlPathEqualTo("/api/v1/admin/sites/" + SITE)).atPriority(1).inScenario("s")
                .whenScenarioStateIs("slow").willReturn(StoreganiseStub.json(200, "{}").withFixedDelay(3000)).willSetStateTo("ok"));
        delivered(send("job.unit_moveIn.completed"));
        delivered(send("job.unit_moveIn.cancelled"));
        delivered(send("unit.blocked"));
        storeganise.server().stubFor(any(urlPathMatching("/tenant-b/.*")).willReturn(StoreganiseStub.json(404, "{}")));
        String addon = Webhooks.newId();
        delivered(sendBody(addonEvent(addon, "http://localhost:" + storeganise.port() + "/tenant-b/api"), addon));
        String refused = Webhooks.newId();
        delivered(sendBody(addonEvent(refused, "https://evil.example/api"), refused));
        // and a refused key, parked
        storeganise.server().stubFor(any(urlPathMatching("/api/.*")).atPriority(1).willReturn(StoreganiseStub.json(401, "{}")));
        String id = send("invoice.state.updated");
        Exchange parked = parked(id, Duration.ofSeconds(15));

        assertThat(parked).isNotNull();
        assertThat(parked.getMessage().getHeaders().toString()).doesNotContain(StoreganiseStub.KEY);
        assertThat(parked.getMessage().getBody(String.class)).doesNotContain(StoreganiseStub.KEY);
        assertThat(hubGet("/actuator/health").body()).doesNotContain(StoreganiseStub.KEY);
        assertThat(hubGet("/actuator/prometheus").body()).doesNotContain(StoreganiseStub.KEY);
        assertThat(camelContext.getRegistry().lookupByName("storeganiseApi").toString()).doesNotContain(StoreganiseStub.KEY);
        assertThat(output.getAll()).as("the calls were logged at DEBUG").contains("Executing http GET method", "Http responseCode: 503",
                "SocketTimeoutException", "Storeganise refused the API key");
        assertThat(output.getAll()).doesNotContain(StoreganiseStub.KEY);
    }

    private static String addonEvent(String id, String apiUrl) {
        return "{\"id\":\"" + id + "\",\"created\":\"" + java.time.Instant.now() + "\",\"type\":\"addon.installed\",\"data\":"
                + "{\"addonId\":\"663393003e7c1d9a420b2201\"},\"apiUrl\":\"" + apiUrl + "\",\"addonId\":\"663393003e7c1d9a420b2201\"}";
    }
}
