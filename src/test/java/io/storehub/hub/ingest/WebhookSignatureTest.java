package io.storehub.hub.ingest;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class WebhookSignatureTest extends HubTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void acceptsSignatureOverTheRawBytes() throws Exception {
        String id = Webhooks.newId();
        // odd spacing: only the raw bytes match, the compact re-serialisation would not
        String body = "{ \"id\": \"" + id + "\", \"created\": \"" + Instant.now() + "\", \"type\": \"user.created\", \"data\": {\"userId\": \"u1\"} }";
        HttpResponse<String> response = Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"status\":\"accepted\",\"id\":\"" + id + "\"}"));
    }

    @Test
    void acceptsSignatureOverTheNodeReserialisedBody() throws Exception {
        String id = Webhooks.newId();
        // What Storeganise's add-on template signs: JSON.stringify(JSON.parse(body)). The delivered body is
        // pretty-printed, has integer-like keys out of order and numbers V8 prints differently from Java.
        String compact = "{\"id\":\"" + id + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"invoice.payments.updated\","
                + "\"data\":{\"2\":\"b\",\"10\":\"c\",\"invoiceId\":\"i1\",\"amount\":1.5,\"total\":100,\"tiny\":1e-7,\"note\":\"line\\nbreak \\u0001 caf\u00e9\"}}";
        String delivered = "{\n  \"id\": \"" + id + "\",\n  \"created\": \"" + JSON.readTree(compact).get("created").asText()
                + "\",\n  \"type\": \"invoice.payments.updated\",\n  \"data\": {\"10\": \"c\", \"2\": \"b\", \"invoiceId\": \"i1\", "
                + "\"amount\": 1.50, \"total\": 100.0, \"tiny\": 0.0000001, \"note\": \"line\\nbreak \\u0001 caf\u00e9\"}\n}";
        HttpResponse<String> response = Webhooks.post(webhookUrl(), delivered, Webhooks.sign(SECRET, compact));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("accepted");
    }

    @Test
    void acceptsTheSecondOfTwoConfiguredSecrets() {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        HttpResponse<String> response = Webhooks.post(webhookUrl(), body, Webhooks.sign(SECOND_SECRET, body));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void refusesAWrongSignatureWith401AndAJsonReason() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        HttpResponse<String> response = Webhooks.post(webhookUrl(), body, Webhooks.sign("not-the-secret", body));
        assertRejected(response, 401, "invalid_signature");
    }

    @Test
    void refusesASignatureOfAnotherBody() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        String signature = Webhooks.sign(SECRET, body.replace("user.updated", "user.created"));
        assertRejected(Webhooks.post(webhookUrl(), body, signature), 401, "invalid_signature");
    }

    @Test
    void refusesAMissingSignature() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        assertRejected(Webhooks.post(webhookUrl(), body, null), 401, "missing_signature");
    }

    @Test
    void refusesATruncatedSignature() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        String signature = Webhooks.sign(SECRET, body);
        assertRejected(Webhooks.post(webhookUrl(), body, signature.substring(0, 20)), 401, "invalid_signature");
    }

    @Test
    void refusesANonBase64Signature() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        assertRejected(Webhooks.post(webhookUrl(), body, "sha256=%%%not*base64%%%"), 401, "invalid_signature");
    }

    @Test
    void refusesAHexSignatureOfTheRightHmac() throws Exception {
        // the right HMAC in the wrong encoding is still wrong: Storeganise sends base64
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        byte[] mac = Base64.getDecoder().decode(Webhooks.sign(SECRET, body));
        assertRejected(Webhooks.post(webhookUrl(), body, java.util.HexFormat.of().formatHex(mac)), 401, "invalid_signature");
    }

    @Test
    void refusesTrailingContentEvenWhenTheJsonBeforeItIsSigned() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        assertRejected(Webhooks.post(webhookUrl(), body + " {\"id\":\"injected\"}", Webhooks.sign(SECRET, body)), 401,
                "invalid_signature");
    }

    @Test
    void neverLogsSecretsOrSignatures(CapturedOutput output) {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        String good = Webhooks.sign(SECRET, body);
        String bad = Webhooks.sign("wrong", body);
        Webhooks.post(webhookUrl(), body, good);
        Webhooks.post(webhookUrl(), body, bad);
        assertThat(output.getAll()).doesNotContain(SECRET, SECOND_SECRET, good, bad);
    }

    @Test
    void aFloodOfWrongSignaturesIsLoggedInAFewLinesNotOnePerRequest(CapturedOutput output) throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.updated");
        String bad = Webhooks.sign("wrong", body);
        for (int i = 0; i < 30; i++) {
            assertRejected(Webhooks.post(webhookUrl(), body, bad), 401, "invalid_signature");
        }

        // one line per 10 s (storeganise.log.rejection-interval); two if the posts straddle an interval's end
        assertThat(output.getAll().lines().filter(line -> line.contains("Request rejected: 401 invalid_signature")).count())
                .isLessThanOrEqualTo(2);
    }

    static void assertRejected(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("error").asText()).isEqualTo(code);
        assertThat(error.get("detail").asText()).isNotBlank();
        assertThat(error.size()).isEqualTo(2);
    }
}
