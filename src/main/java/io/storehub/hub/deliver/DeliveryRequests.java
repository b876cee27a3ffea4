package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.Message;

/**
 * Turns a rendered message into the request its destination expects (method, URL, headers, auth; an
 * e-mail's addresses and parts). Every other header is dropped first: camel-http and camel-mail send
 * message headers as HTTP and MIME headers, and nothing internal may leak to a destination.
 */
public class DeliveryRequests {

    /** Exchange properties set by the e-mail rendering route. */
    public static final String SUBJECT = "SgSubject";
    public static final String TEXT = "SgText";
    public static final String MAIL_URI = "SgMailUri";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DestinationRegistry registry;

    /** Body: the JSON to send. Signed at the send, so each attempt carries its own timestamp and the same {@code webhook-id}. */
    public void http(Exchange exchange) {
        Destination d = registry.destination(exchange);
        Message m = clear(exchange);
        m.setHeader(Exchange.HTTP_URI, d.settings.url);
        // as camel-http's enum: a String would be converted through a type-converter look-up per request
        m.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(d.method));
        m.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
        // lets the receiver drop a repeat in the window between its 2xx and the hub recording it
        m.setHeader("Idempotency-Key", exchange.getProperty(DestinationRegistry.DELIVERY_KEY));
        m.setHeader("X-Storeganise-Event-Id", exchange.getProperty(DestinationRegistry.EVENT_ID));
        m.setHeader("X-Storeganise-Event-Type", exchange.getProperty(Headers.EVENT_TYPE));
        d.headers.forEach(m::setHeader);
        if (d.authorization != null) {
            m.setHeader("Authorization", d.authorization);
        }
        if (d.isSigned()) {
            // the signed payload and the bytes sent are one and the same: the body goes out as these bytes
            String payload = m.getBody(String.class);
            String id = WebhookSigning.webhookId(exchange.getProperty(DestinationRegistry.EVENT_ID, String.class), d.name);
            long timestamp = Instant.now().getEpochSecond();
            m.setBody(payload.getBytes(StandardCharsets.UTF_8));
            m.setHeader(WebhookSigning.ID, id);
            m.setHeader(WebhookSigning.TIMESTAMP, Long.toString(timestamp));
            m.setHeader(WebhookSigning.SIGNATURE, WebhookSigning.signature(d.signingKeys, id, timestamp, payload));
        }
    }

    /**
     * Body: the rendered text, posted to the incoming webhook or to chat.postMessage with the bot token. Through
     * camel-http, not camel-slack: camel-slack 4.17 reports a failure without the HTTP status or Retry-After.
     */
    public void slack(Exchange exchange) throws Exception {
        Destination d = registry.destination(exchange);
        String text = exchange.getIn().getBody(String.class).strip().replaceAll("\n{3,}", "\n\n");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("channel", d.usesSlackApi() ? d.settings.channel : null);
        payload.put("text", text);
        payload.put("username", d.settings.username);
        payload.put("icon_emoji", d.settings.iconEmoji);
        payload.values().removeIf(Objects::isNull);
        Message m = clear(exchange);
        m.setBody(MAPPER.writeValueAsString(payload));
        m.setHeader(Exchange.HTTP_URI, d.usesSlackApi() ? d.apiUrl : d.settings.webhookUrl);
        m.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
        if (d.usesSlackApi()) {
            m.setHeader("Authorization", "Bearer " + d.settings.token);
        }
        exchange.setProperty("SgSlackApi", d.usesSlackApi());
    }

    /** Body: the rendered HTML; properties SgSubject and SgText: the subject and the plain-text part. */
    public void email(Exchange exchange) {
        Destination d = registry.destination(exchange);
        String subject = exchange.getProperty(SUBJECT, "", String.class).strip().replaceAll("\\s+", " ");
        String text = exchange.getProperty(TEXT, "", String.class).strip();
        Message m = clear(exchange);
        m.setHeader("Subject", subject);
        m.setHeader("To", d.to);
        m.setHeader("From", d.from);
        if (d.cc != null) {
            m.setHeader("Cc", d.cc);
        }
        if (d.bcc != null) {
            m.setHeader("Bcc", d.bcc);
        }
        if (d.settings.replyTo != null) {
            m.setHeader("Reply-To", d.settings.replyTo);
        }
        m.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=UTF-8");
        // camel-mail sends a multipart/alternative: the body as HTML and this header as the text part
        m.setHeader("CamelMailAlternativeBody", text);
        exchange.setProperty(MAIL_URI, d.mailUri);
    }

    private static Message clear(Exchange exchange) {
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        return m;
    }

    public void setRegistry(DestinationRegistry registry) {
        this.registry = registry;
    }
}
