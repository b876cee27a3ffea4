package io.storehub.hub.deliver;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.tenant.AccessScope;
import org.apache.camel.Exchange;

/**
 * What an admin request about parked deliveries asks for ({@link DeadLetters}): its parameters, from
 * the query and a JSON body, and the JMS selector choosing the parked messages; a bad parameter is a
 * 400 with a JSON error.
 */
final class ReplayRequest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReplayRequest() {
    }

    /**
     * The query parameters and body ({@link #input(Exchange)}) as the caller means them: a tenant's caller's short
     * destination and event id are its own ({@code crm} is {@code acme~crm}; {@link AccessScope#qualified}).
     */
    static Map<String, String> input(Exchange exchange, AccessScope scope) throws Exception {
        Map<String, String> in = input(exchange);
        for (String key : List.of("destination", "eventId")) {
            if (in.get(key) != null) {
                in.put(key, scope.qualified(in.get(key)));
            }
        }
        return in;
    }

    /** The query parameters (platform-http headers) overlaid with a JSON object body, if any. */
    static Map<String, String> input(Exchange exchange) throws Exception {
        Map<String, String> in = new LinkedHashMap<>();
        for (String key : List.of("destination", "eventId", "from", "to", "all", "limit")) {
            String value = exchange.getIn().getHeader(key, String.class);
            if (value != null && !value.isBlank()) {
                in.put(key, value.trim());
            }
        }
        String body = exchange.getIn().getBody(String.class);
        if (body != null && !body.isBlank()) {
            Map<String, Object> json;
            try {
                json = MAPPER.readValue(body, new TypeReference<>() {
                });
            } catch (Exception e) {
                throw new HttpRejection(400, "invalid_body", "The body, when present, must be a JSON object such as {\"destination\": \"crm\", \"all\": true}.");
            }
            json.forEach((k, v) -> {
                if (v != null) {
                    in.put(k, String.valueOf(v));
                }
            });
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

    /** {@link #selector(Map)} kept to the caller's scope (a tenant's: its own destinations' deliveries only); null selects all. */
    static String selector(Map<String, String> in, AccessScope scope) {
        String chosen = selector(in);
        String own = scope.selector(DestinationRegistry.DESTINATION);
        if (own == null) {
            return chosen.isEmpty() ? null : chosen;
        }
        return chosen.isEmpty() ? own : chosen + " AND " + own;
    }

    static String selector(Map<String, String> in) {
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
        return String.join(" AND ", terms);
    }

}
