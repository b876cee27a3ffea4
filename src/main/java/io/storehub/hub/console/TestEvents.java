package io.storehub.hub.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storehub.hub.dispatch.EventCatalog;
import io.storehub.hub.support.HttpRejection;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import io.storehub.hub.tenant.AccessScope;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * "Send a test event" of the console, like bin/send-event: the type's sample (samples/events/TYPE.json in the jar)
 * with a fresh id and {@code created}, signed with the hub's first webhook secret and POSTed by the route to the
 * hub's own webhook, so it takes the real path.
 */
public class TestEvents implements CamelContextAware {

    /** Exchange property: the id of the test event being sent. */
    public static final String SENT_ID = "SgTestEventId";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private CamelContext camelContext;
    private String secrets = "";
    private String webhookUrl = "";
    private String webhookPath = "/webhooks/storeganise";

    /** The types the form offers: every documented type, each has a sample. */
    public static List<String> types() {
        return EventCatalog.TYPES.stream().map(t -> t.type()).toList();
    }

    /** The sample of a type with a fresh id and created time, as compact JSON bytes. */
    static byte[] sample(String type, Instant now) throws IOException {
        if (type == null || !types().contains(type)) {
            throw new HttpRejection(400, "unknown_type", "Choose one of the 37 documented event types.");
        }
        try (InputStream in = TestEvents.class.getClassLoader().getResourceAsStream("samples/events/" + type + ".json")) {
            if (in == null) {
                throw new HttpRejection(500, "sample_missing", "The sample of " + type + " is not in the hub's jar.");
            }
            ObjectNode event = (ObjectNode) MAPPER.readTree(in);
            // ObjectId-shaped like Storeganise's (and bin/send-event's): seconds, then random
            byte[] random = new byte[8];
            RANDOM.nextBytes(random);
            event.put("id", String.format("%08x", now.getEpochSecond()) + HexFormat.of().formatHex(random));
            event.put("created", now.truncatedTo(ChronoUnit.MILLIS).toString());
            return MAPPER.writeValueAsBytes(event);
        }
    }

    /** Before the route's HTTP call: the signed body, its headers and the hub's own webhook URL; nothing of the console request travels. */
    public void prepare(Exchange exchange) throws Exception {
        if (!AccessScope.of(exchange).isAll()) { // signed with the hub's own secret, to its own webhook: not a tenant's
            throw new HttpRejection(403, "global_admin_only", "Test events go to the hub's own webhook: only the global admin sends them.");
        }
        String type = Forms.read(exchange).get("type");
        byte[] body = sample(type, Instant.now());
        String id = MAPPER.readTree(body).path("id").asText();
        Message in = exchange.getIn();
        in.getHeaders().clear();
        in.setHeader(Exchange.HTTP_METHOD, "POST");
        in.setHeader(Exchange.HTTP_URI, url());
        in.setHeader(Exchange.CONTENT_TYPE, "application/json;charset=UTF-8");
        String secret = firstSecret();
        if (secret != null) {
            in.setHeader("sg-signature", sign(secret, body));
        }
        in.setBody(body);
        exchange.setProperty(SENT_ID, id);
        exchange.setProperty("SgTestEventType", type);
    }

    /** After it: back to the events list, showing what the webhook answered. */
    public void answer(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String id = exchange.getProperty(SENT_ID, String.class);
        ConsoleView.redirect(exchange, "/console/events?notice=sent&event=" + id + "&status=" + status);
    }

    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    private String firstSecret() {
        return Arrays.stream(secrets.split(",")).map(String::trim).filter(s -> !s.isEmpty()).findFirst().orElse(null);
    }

    /** storeganise.console.webhook-url, else this hub on localhost at the port it listens on (resolved now, not at start-up). */
    String url() {
        if (!webhookUrl.isBlank()) {
            return webhookUrl.trim();
        }
        String port = null;
        // Spring Boot (the port it bound), camel-main / Camel JBang, Camel Quarkus (Camel K)
        for (String key : List.of("local.server.port", "server.port", "camel.server.port", "quarkus.http.port")) {
            port = camelContext.getPropertiesComponent().resolveProperty(key).filter(p -> !p.isBlank() && !"0".equals(p)).orElse(null);
            if (port != null) {
                break;
            }
        }
        return "http://127.0.0.1:" + (port != null ? port : "8080") + webhookPath;
    }

    public void setSecrets(String secrets) {
        this.secrets = secrets == null ? "" : secrets;
    }

    public void setWebhookUrl(String webhookUrl) {
        this.webhookUrl = webhookUrl == null ? "" : webhookUrl;
    }

    public void setWebhookPath(String webhookPath) {
        this.webhookPath = webhookPath;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
