package io.storehub.hub.deliver;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.tenant.AccessScope;
import org.apache.camel.Exchange;

/** An admin request about parked deliveries ({@link DeadLetters}): its parameters and the JMS selector they make; a bad one is a 400. */
final class ReplayRequest {

    private ReplayRequest() {
    }

    /**
     * The query parameters (platform-http headers) overlaid with a JSON object body, if any, as the caller means them:
     * a tenant's caller's short destination and event id are its own ({@code crm} is {@code acme~crm}; {@link AccessScope#qualified}).
     */
    static Map<String, String> input(Exchange exchange, AccessScope scope) throws Exception {
        Map<String, String> in = new LinkedHashMap<>();
        for (String key : List.of("destination", "eventId", "from", "to", "all", "limit")) {
            String value = exchange.getIn().getHeader(key, String.class);
            if (value != null && !value.isBlank()) {
                in.put(key, value.trim());
            }
        }
        String body = exchange.getIn().getBody(String.class);
        if (body != null && !body.isBlank()) {
            in.putAll(ReplayFilter.fields(body, "The body, when present, must be a JSON object such as {\"destination\": \"crm\", \"all\": true}."));
        }
        for (String key : List.of("destination", "eventId")) {
            if (in.get(key) != null) {
                in.put(key, scope.qualified(in.get(key)));
            }
        }
        return in;
    }

    static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new HttpRejection(400, "invalid_" + name, name + " must be an ISO-8601 instant such as 2026-11-21T00:00:00Z.");
        }
    }

    static int parseInt(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new HttpRejection(400, "invalid_limit", "limit must be a number.");
        }
    }

    /** The JMS selector of {@code in}, kept to the caller's scope (a tenant's: its own destinations' deliveries only); null selects all. */
    static String selector(Map<String, String> in, AccessScope scope) {
        List<String> terms = new ArrayList<>();
        String destination = in.get("destination");
        if (destination != null) {
            if (!AccessScope.DESTINATION.matcher(destination).matches()) {
                throw new HttpRejection(400, "invalid_destination", "destination must be a destination name (letters, digits, - and _).");
            }
            terms.add(DestinationRegistry.DESTINATION + " = '" + destination + "'");
        }
        String eventId = in.get("eventId");
        if (eventId != null) {
            if (!AccessScope.EVENT_ID.matcher(eventId).matches()) {
                throw new HttpRejection(400, "invalid_event_id", "eventId must be a Storeganise event id.");
            }
            terms.add(Headers.EVENT_ID + " = '" + eventId + "'");
        }
        if (in.get("from") != null) {
            terms.add("JMSTimestamp >= " + instant("from", in.get("from")).toEpochMilli());
        }
        if (in.get("to") != null) {
            terms.add("JMSTimestamp < " + instant("to", in.get("to")).toEpochMilli());
        }
        String own = scope.selector(DestinationRegistry.DESTINATION);
        if (own != null) {
            terms.add(own);
        }
        return terms.isEmpty() ? null : String.join(" AND ", terms);
    }
}
