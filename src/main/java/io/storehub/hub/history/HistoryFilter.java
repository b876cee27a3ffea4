package io.storehub.hub.history;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.SettingText;
import io.storehub.hub.tenant.AccessScope;

/**
 * The filters of a history search ({@code GET /admin/events} and the console's events page), validated;
 * {@link #parse} builds it from query parameters and answers a 400 naming the parameter that is wrong. {@code tenant}
 * keeps one tenant's events (docs/tenants.md); the caller's own scope is applied on top by {@link HistoryQueries#search}.
 */
public record HistoryFilter(String type, String outcome, String destination, String entity, String email, Instant from, Instant to,
                            String q, String cursor, int limit, String tenant) {

    static final List<String> EVENT_STATUSES = List.of("received", "dispatched", "unsubscribed", "retrying", "parked");
    static final List<String> DELIVERY_STATUSES = List.of("queued", "delivered", "retrying", "deferred", "parked", "replayed", "skipped");
    /** Every status an event or a delivery can have, and {@code duplicate} (Storeganise delivered it again). */
    public static final List<String> OUTCOMES = Stream.of(EVENT_STATUSES, DELIVERY_STATUSES, List.of("duplicate")).flatMap(List::stream)
            .distinct().toList();
    private static final Pattern TYPE_GLOB = Pattern.compile("[A-Za-z0-9._:*-]{1,200}");
    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._:@+-]{1,320}");

    public static HistoryFilter parse(Map<String, String> in) {
        String type = checked(in, "type", TYPE_GLOB, "type must be an event type or a pattern with * such as job.unit_moveIn.*");
        String outcome = value(in, "outcome");
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new HttpRejection(400, "invalid_outcome", "outcome must be one of " + String.join(", ", OUTCOMES) + ".");
        }
        String destination = checked(in, "destination", AccessScope.DESTINATION,
                "destination must be a destination name (letters, digits, - and _).");
        String tenant = checked(in, "tenant", AccessScope.TENANT_NAME, "tenant must be a tenant's name (letters, digits, - and _).");
        String entity = checked(in, "entity", TEXT, "entity must be an id such as 6b016c353e7c1d9a421c0462.");
        String email = value(in, "email");
        if (email != null && (!TEXT.matcher(email).matches() || !email.contains("@"))) {
            throw new HttpRejection(400, "invalid_email", "email must be an e-mail address.");
        }
        String q = checked(in, "q", TEXT, "q is matched against event ids: letters, digits and . _ : - only.");
        int limit = 50;
        String l = value(in, "limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = 0; // refused below, as one out of range
            }
            if (limit < 1 || limit > 500) {
                throw new HttpRejection(400, "invalid_limit", "limit must be a number from 1 to 500.");
            }
        }
        return new HistoryFilter(type, outcome, destination, entity, email == null ? null : email.toLowerCase(Locale.ROOT),
                time("from", value(in, "from")), time("to", value(in, "to")), q, value(in, "cursor"), limit, tenant);
    }

    /** The parameter's value, or null; a 400 {@code invalid_<key>} when it does not match {@code pattern}. */
    private static String checked(Map<String, String> in, String key, Pattern pattern, String message) {
        String v = value(in, key);
        if (v != null && !pattern.matcher(v).matches()) {
            throw new HttpRejection(400, "invalid_" + key, message);
        }
        return v;
    }

    /** The filter as query parameters (without cursor): for "older" links and refreshes. */
    public Map<String, String> asParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "tenant", tenant);
        put(p, "type", type);
        put(p, "outcome", outcome);
        put(p, "destination", destination);
        put(p, "entity", entity);
        put(p, "email", email);
        put(p, "from", from == null ? null : from.toString());
        put(p, "to", to == null ? null : to.toString());
        put(p, "q", q);
        return p;
    }

    private static void put(Map<String, String> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }

    private static String value(Map<String, String> in, String key) {
        return SettingText.blankToNull(in.get(key));
    }

    /** ISO-8601 instant; a date-time without zone (an HTML datetime-local field) or a date is UTC. */
    static Instant time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw new HttpRejection(400, "invalid_" + name, name + " must be an ISO-8601 time such as 2026-11-21T10:00:00Z.");
                }
            }
        }
    }
}
