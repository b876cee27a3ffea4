package io.storehub.hub.enrich;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Start-up with and without the Storeganise API configured (hubs of their own: the settings differ). */
@ExtendWith(OutputCaptureExtension.class)
class EnrichConfigurationTest {

    @TempDir
    Path dataDir;

    @Test
    void withoutAnApiUrlTheHubRunsWarnsOnceAndDeliversEventsWithEverythingMissing(CapturedOutput output) {
        try (ConfigurableApplicationContext hub = HubProcess.start(dataDir)) {
            Map<String, Map<String, Object>> delivered = EnrichTestSupport.watchDeliveries(HubProcess.camel(hub));
            String first = Webhooks.newId();
            String second = Webhooks.newId();
            for (String id : List.of(first, second)) {
                String body = EnrichTestSupport.sample("job.unit_moveIn.completed", id);
                assertThat(Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body)).statusCode())
                        .isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> delivered.containsKey(first) && delivered.containsKey(second));

            assertThat(delivered.get(first).get("missing")).isEqualTo(List.of("job", "unitRental", "unit", "customer", "site"));
            // nothing known but the event: the headline says what happened and when (no site: UTC)
            assertThat(EnrichTestSupport.at(delivered.get(first), "summary.headline")).asString()
                    .matches("A move-in job was completed: \\d+ \\w+ \\d{4}, \\d\\d:\\d\\d UTC\\.");
            assertThat(output.getAll().split("Storeganise API not configured", -1)).as("one warning, at start-up").hasSize(2);
        }
    }

    @Test
    void anApiUrlWithoutAKeyRefusesToStartWithAOneLineReason() {
        assertThatThrownBy(() -> HubProcess.start(dataDir, "storeganise.api.base-url=https://mybusiness.storeganise.com/api"))
                .rootCause().hasMessage("storeganise.api.base-url is set but storeganise.api.key is not: set STOREGANISE_API_KEY "
                        + "to a Storeganise API key (role api), or unset the base URL to run without enrichment.");
    }

    @Test
    void anApiUrlThatIsNotAUrlRefusesToStart() {
        assertThatThrownBy(() -> HubProcess.start(dataDir, "storeganise.api.base-url=mybusiness.storeganise.com",
                "storeganise.api.key=k"))
                .rootCause().hasMessageContaining("it must be an http(s) URL such as https://mybusiness.storeganise.com/api");
    }
}
