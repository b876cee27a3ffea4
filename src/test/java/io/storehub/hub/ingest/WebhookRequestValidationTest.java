package io.storehub.hub.ingest;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.storehub.hub.ingest.WebhookSignatureTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

class WebhookRequestValidationTest extends HubTestSupport {

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH"})
    void answers405ToAnythingButPost(String method) throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.created");
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhookUrl()))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("sg-signature", Webhooks.sign(SECRET, body))
                .build();
        HttpResponse<String> response = Webhooks.send(request);
        assertRejected(response, 405, "method_not_allowed");
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void answers415ToANonJsonContentType() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.created");
        assertRejected(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body), "text/plain"), 415,
                "unsupported_media_type");
        assertRejected(Webhooks.post(webhookUrl(), "jobId=1", Webhooks.sign(SECRET, "jobId=1"), "application/x-www-form-urlencoded"),
                415, "unsupported_media_type");
    }

    @Test
    void answers415ToAMalformedFormBody() throws Exception {
        // a JSON body declared as a form: the servlet binding must not try to parse it before the route
        String body = Webhooks.event(Webhooks.newId(), "user.created");
        assertRejected(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body), "application/x-www-form-urlencoded"),
                415, "unsupported_media_type");
        assertRejected(Webhooks.post(webhookUrl(), "a=%zz&b", Webhooks.sign(SECRET, "a=%zz&b"), "application/x-www-form-urlencoded"),
                415, "unsupported_media_type");
    }

    @Test
    void answers415ToAMultipartBody() throws Exception {
        String boundary = "hub-test-boundary";
        String event = Webhooks.event(Webhooks.newId(), "user.created");
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"event\"; filename=\"event.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + event + "\r\n--" + boundary + "--\r\n";
        assertRejected(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body), "multipart/form-data; boundary=" + boundary),
                415, "unsupported_media_type");
        // and a broken one (no closing boundary)
        assertRejected(Webhooks.post(webhookUrl(), "--x\r\ngarbage", Webhooks.sign(SECRET, "--x\r\ngarbage"), "multipart/form-data; boundary=x"),
                415, "unsupported_media_type");
    }

    @Test
    void answers400ToASignedBodyThatIsNotUtf8() throws Exception {
        String id = Webhooks.newId();
        byte[] body = Webhooks.event(id, "user.created", Instant.now(), "{\"note\":\"caf\u00e9\"}").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhookUrl()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json")
                .header("sg-signature", Webhooks.sign(SECRET, body))
                .build();
        HttpResponse<String> response = Webhooks.send(request);
        assertRejected(response, 400, "invalid_encoding");
        assertThat(response.body()).contains("UTF-8");
    }

    @Test
    void answersJsonToAnUnknownPath() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.created");
        HttpResponse<String> response = Webhooks.post(webhookUrl() + "-typo", body, Webhooks.sign(SECRET, body));
        assertRejected(response, 404, "not_found");
    }

    @Test
    void answers415WhenTheContentTypeIsMissing() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.created");
        assertRejected(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body), null), 415, "unsupported_media_type");
    }

    @Test
    void acceptsJsonContentTypesWithParameters() {
        String body = Webhooks.event(Webhooks.newId(), "user.created");
        assertThat(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body), "application/json").statusCode()).isEqualTo(200);
        String other = Webhooks.event(Webhooks.newId(), "user.created");
        assertThat(Webhooks.post(webhookUrl(), other, Webhooks.sign(SECRET, other), "Application/JSON; charset=utf-8").statusCode())
                .isEqualTo(200);
    }

    @Test
    void answers413WhenTheDeclaredLengthIsOverTheCap() throws Exception {
        String body = bigEvent(1024 * 1024 + 10);
        assertRejected(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body)), 413, "payload_too_large");
    }

    @Test
    void answers413ForAChunkedBodyOverTheCap() throws Exception {
        // no Content-Length: the hub must stop reading at the cap
        byte[] body = bigEvent(2 * 1024 * 1024).getBytes();
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhookUrl()))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .header("Content-Type", "application/json")
                .header("sg-signature", Webhooks.sign(SECRET, body))
                .build();
        assertRejected(Webhooks.send(request), 413, "payload_too_large");
    }

    @Test
    void acceptsABodyJustUnderTheCap() {
        String body = bigEvent(1024 * 1024 - 100);
        assertThat(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body)).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json at all",
            "[1,2,3]",
            "\"just a string\"",
            "{\"created\":\"2030-01-01T00:00:00Z\",\"type\":\"user.created\",\"data\":{}}",
            "{\"id\":42,\"created\":\"2030-01-01T00:00:00Z\",\"type\":\"user.created\",\"data\":{}}",
            "{\"id\":\"a b\",\"created\":\"2030-01-01T00:00:00Z\",\"type\":\"user.created\",\"data\":{}}",
            "{\"id\":\"x1\",\"created\":\"2030-01-01T00:00:00Z\",\"data\":{}}",
            "{\"id\":\"x1\",\"created\":\"2030-01-01T00:00:00Z\",\"type\":[\"user.created\"],\"data\":{}}",
            "{\"id\":\"x1\",\"type\":\"user.created\",\"data\":{}}",
            "{\"id\":\"x1\",\"created\":\"yesterday\",\"type\":\"user.created\",\"data\":{}}",
            "{\"id\":\"x1\",\"created\":1637493992105,\"type\":\"user.created\",\"data\":{}}",
            "{\"id\":\"x1\",\"created\":\"2030-01-01T00:00:00Z\",\"type\":\"user.created\",\"data\":[1]}",
            "{\"id\":\"x1\",\"created\":\"2030-01-01T00:00:00Z\",\"type\":\"user.created\",\"data\":\"jobId\"}"
    })
    void answers400ToASignedBodyThatIsNotAStoreganiseEvent(String body) throws Exception {
        assertRejected(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body)), 400, "invalid_event");
    }

    @Test
    void answers400ToAnEmptyBody() throws Exception {
        assertRejected(Webhooks.post(webhookUrl(), "", Webhooks.sign(SECRET, "")), 400, "empty_body");
    }

    @Test
    void answers400ToAnEventOlderThanTheReplayWindow() throws Exception {
        String body = Webhooks.event(Webhooks.newId(), "user.created", Instant.now().minus(Duration.ofHours(73)), "{}");
        assertRejected(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body)), 400, "stale_event");
    }

    @Test
    void acceptsAnEventJustInsideTheReplayWindowAndOneWithoutData() {
        String body = Webhooks.event(Webhooks.newId(), "user.created", Instant.now().minus(Duration.ofHours(71)), "{}");
        assertThat(Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body)).statusCode()).isEqualTo(200);
        String noData = "{\"id\":\"" + Webhooks.newId() + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"business.updated\"}";
        assertThat(Webhooks.post(webhookUrl(), noData, Webhooks.sign(SECRET, noData)).statusCode()).isEqualTo(200);
    }

    @Test
    void acceptsAnUndocumentedEventType() {
        String body = Webhooks.event(Webhooks.newId(), "billing.run.finished");
        HttpResponse<String> response = Webhooks.post(webhookUrl(), body, Webhooks.sign(SECRET, body));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"accepted\"");
    }

    private static String bigEvent(int size) {
        String head = "{\"id\":\"" + Webhooks.newId() + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"items.updated\",\"data\":{\"pad\":\"";
        String tail = "\"}}";
        return head + "x".repeat(size - head.length() - tail.length()) + tail;
    }
}
