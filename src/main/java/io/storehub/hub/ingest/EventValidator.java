package io.storehub.hub.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.SettingText;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks the envelope: string {@code id} and {@code type}, {@code created} no older than {@code maxAge}
 * (replay protection: nothing else is signed with a time), an object {@code data} if present. Sets the
 * id and type headers, drops the HTTP request's; the body stays the bytes received.
 */
public class EventValidator implements Processor {

    private Duration maxAge = Duration.ofHours(72);
    private Clock clock = Clock.systemUTC();

    @Override
    public void process(Exchange exchange) throws Exception {
        JsonNode event = exchange.getProperty(SignatureVerifier.PARSED_EVENT, JsonNode.class);
        exchange.removeProperty(SignatureVerifier.PARSED_EVENT);
        if (event == null) {
            requireUtf8(exchange.getIn().getBody(byte[].class));
            try {
                event = SignatureVerifier.MAPPER.readTree(exchange.getIn().getBody(byte[].class));
            } catch (Exception e) {
                throw invalid("The body is not valid JSON: " + SettingText.firstLine(e.getMessage()));
            }
        }
        if (event == null || !event.isObject()) {
            throw invalid("The body must be a JSON object with id, type, created and data.");
        }
        String id = text(event, "id");
        // Storeganise ids are 24-hex ObjectIds; this admits any plain token but nothing that needs escaping
        if (!isToken(id, 100)) {
            throw invalid("'id' must be 1 to 100 letters, digits or . _ : - characters.");
        }
        String type = text(event, "type");
        if (!isToken(type, 200)) {
            throw invalid("'type' must be a dotted event name such as job.unit_moveIn.created.");
        }
        Instant created = created(event);
        if (created.isBefore(clock.instant().minus(maxAge))) {
            throw new HttpRejection(400, "stale_event", "The event was created at " + created
                    + ", more than " + maxAge.toHours() + " h ago (storeganise.webhook.max-event-age); refusing a possible replay.");
        }
        JsonNode data = event.get("data");
        if (data != null && !data.isObject()) {
            throw invalid("'data', when present, must be a JSON object.");
        }
        if (data != null) {
            exchange.setProperty(EntityKey.DATA, data);
        }
        // only the hub's own headers travel with the stored event (not the HTTP request's)
        exchange.getIn().getHeaders().keySet().removeIf(name -> !name.startsWith("Sg"));
        exchange.getIn().setHeader(Headers.EVENT_ID, id);
        exchange.getIn().setHeader(Headers.EVENT_TYPE, type);
        exchange.getIn().setHeader(Headers.RECEIVED_AT, exchange.getClock().getCreated());
    }

    /** 1 to {@code max} of A-Z a-z 0-9 . _ : - (a loop, not a regex: this runs for every webhook). */
    static boolean isToken(String value, int max) {
        int n = value.length();
        if (n == 0 || n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** JSON is UTF-8 (RFC 8259); a body that is not is refused by name, not as a parse error or a failure to store. */
    private static void requireUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new HttpRejection(400, "invalid_encoding",
                    "The body is not valid UTF-8 text; a Storeganise event is JSON, which is always UTF-8.");
        }
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual()) {
            throw invalid("'" + field + "' is required and must be a string.");
        }
        return value.textValue();
    }

    private static Instant created(JsonNode event) {
        String created = text(event, "created");
        try {
            Instant utc = utcMillis(created);
            return utc != null ? utc : OffsetDateTime.parse(created).toInstant();
        } catch (java.time.DateTimeException e) { // unparseable, or an impossible date
            throw invalid("'created' must be an ISO-8601 timestamp such as 2021-11-21T11:26:32.105Z.");
        }
    }

    /** Storeganise's form ({@code 2021-11-21T11:26:32.105Z}) read by hand, else null: java.time's parser was the costliest step. */
    static Instant utcMillis(String s) {
        if (s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(19) != '.' || s.charAt(23) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int millis = digits(s, 20, 3);
        if ((year | month | day | hour | minute | second | millis) < 0) {
            return null;
        }
        // LocalDateTime.of checks the ranges (month 13, February 30, ...) and throws DateTimeException
        return java.time.LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000)
                .toInstant(java.time.ZoneOffset.UTC);
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static HttpRejection invalid(String detail) {
        return new HttpRejection(400, "invalid_event", detail);
    }

    /** ISO-8601 duration, e.g. {@code PT72H}. */
    public void setMaxAge(String maxAge) {
        this.maxAge = Duration.parse(maxAge);
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
