package io.storehub.hub.ops;

import java.nio.file.Path;

import io.storehub.hub.boot.HubApplication;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class StartupConfigurationTest {

    @TempDir
    Path dataDir;

    @Test
    void refusesToStartWithoutAWebhookSecret(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(HubApplication.class)
                .run("--storeganise.data-dir=" + dataDir, "--server.port=0", "--storeganise.webhook.secrets="))
                .hasRootCauseMessage("No webhook secret configured: set STOREGANISE_WEBHOOK_SECRET (storeganise.webhook.secrets), "
                        + "or storeganise.webhook.verify-signature=false to accept unsigned webhooks (unsafe).");
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "No webhook secret configured");
    }

    @Test
    void refusesADedupeWindowShorterThanSevenDays() {
        assertThatThrownBy(() -> HubProcess.start(dataDir, "storeganise.webhook.dedupe-window=P1D"))
                .rootCause().hasMessageContaining("storeganise.webhook.dedupe-window");
    }

    @Test
    void startsWithVerificationExplicitlyOffAndSaysSoLoudly(CapturedOutput output) {
        try (ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubApplication.class)
                .run("--storeganise.data-dir=" + dataDir, "--server.port=0", "--storeganise.webhook.secrets=",
                        "--storeganise.webhook.verify-signature=false")) {
            assertThat(output.getAll()).contains("WEBHOOK SIGNATURE VERIFICATION IS OFF");
            String body = Webhooks.event(Webhooks.newId(), "user.created");
            assertThat(Webhooks.post(HubProcess.webhookUrl(hub), body, null).statusCode()).isEqualTo(200);
        }
    }
}
