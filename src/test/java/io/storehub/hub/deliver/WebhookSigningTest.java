package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.StandardWebhooksReceiver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Standard Webhooks signature of the hub against the spec's published test vector, and the secrets it accepts. */
class WebhookSigningTest {

    // The signing test vector of the Standard Webhooks reference libraries: standard-webhooks/standard-webhooks,
    // libraries/javascript/src/webhook.test.ts, test "sign function works" (the same values are in the other
    // languages' tests of that repository).
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String PAYLOAD = "{\"test\": 2432232314}";
    private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void theSpecsTestVectorIsSignedAsPublished() {
        List<byte[]> keys = WebhookSigning.keys(List.of(SECRET), "signing-secret");

        assertThat(WebhookSigning.signature(keys, MSG_ID, TIMESTAMP, PAYLOAD)).isEqualTo(EXPECTED);
    }

    @Test
    void theTestsOwnJdkFormulaAgreesWithTheTestVector() throws Exception {
        // the independent implementation DeliverySigningTest checks deliveries with
        assertThat("v1," + StandardWebhooksReceiver.sign(StandardWebhooksReceiver.key(SECRET), MSG_ID, Long.toString(TIMESTAMP),
                PAYLOAD.getBytes(StandardCharsets.UTF_8))).isEqualTo(EXPECTED);
    }

    @Test
    void severalSecretsGiveOneSignatureEachSpaceSeparated() {
        List<byte[]> keys = WebhookSigning.keys(List.of(SECRET, "a-plain-text-secret-of-24+bytes"), "signing-secret");

        String header = WebhookSigning.signature(keys, MSG_ID, TIMESTAMP, PAYLOAD);

        String[] signatures = header.split(" ");
        assertThat(signatures).hasSize(2);
        assertThat(signatures[0]).isEqualTo(EXPECTED);
        assertThat(signatures[1]).startsWith("v1,").isNotEqualTo(EXPECTED);
    }

    @Test
    void theWebhookIdIsStablePerEventAndDestinationAndAValidToken() {
        String id = WebhookSigning.webhookId("6b01af335f2b8c0d1771a405", "crm");

        assertThat(id).matches("msg_[A-Za-z0-9_-]{32}").doesNotContain(".");
        assertThat(WebhookSigning.webhookId("6b01af335f2b8c0d1771a405", "crm")).isEqualTo(id);
        assertThat(WebhookSigning.webhookId("6b01af335f2b8c0d1771a405", "zap")).isNotEqualTo(id);
        assertThat(WebhookSigning.webhookId("6b01af335f2b8c0d1771a406", "crm")).isNotEqualTo(id);
    }

    @Test
    void aSecretThatIsNotBase64AfterWhsecOrTooShortIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> WebhookSigning.keys(List.of("whsec_not*base64!"), "storeganise.destinations.crm.signing-secret"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.destinations.crm.signing-secret starts with whsec_ but the rest is not base64")
                .hasMessageNotContaining("not*base64!");
        assertThatThrownBy(() -> WebhookSigning.keys(List.of(SECRET, "short-secret"), "storeganise.destinations.crm.signing-secret"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.destinations.crm.signing-secret[1] gives a key of 12 bytes; Standard Webhooks keys are 24 to 64 bytes")
                .hasMessageNotContaining("short-secret");
    }
}
