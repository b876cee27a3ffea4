package io.storehub.hub.deliver;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.history.DeliveryMatches;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.SettingText;
import io.storehub.hub.tenant.AccessScope;

/**
 * The filter of a bulk replay ({@link BulkReplay}), from the admin API's JSON body or the console's form;
 * anything unknown, or a bad value, is a 400 with a JSON reason.
 */
public record ReplayFilter(DeliveryMatches.Filter filter, String status, boolean dryRun) {

    /** {@code failed}: the last attempt failed and the delivery waits for its next one, or is parked. */
    public static final Map<String, List<String>> STATUSES = Map.of(
            "parked", List.of("parked"),
            "failed", List.of("retrying", "deferred", "parked"));
    static final Set<String> FIELDS = Set.of("destination", "status", "type", "from", "to", "error", "dryRun");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.*-]{1,255}");

    /** The JSON object body of {@code POST /admin/deliveries/replay}. */
    static Map<String, String> fromJson(String body) {
        return fields(body, "Send a JSON object such as {\"destination\": \"crm\", \"status\": \"parked\", \"type\": \"invoice.*\", \"dryRun\": true}.");
    }

    /** A JSON object's fields, null ones left out; any other body is a 400 {@code invalid_body} saying {@code detail}. */
    static Map<String, String> fields(String body, String detail) {
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (Exception e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new HttpRejection(400, "invalid_body", detail);
        }
        Map<String, String> in = new LinkedHashMap<>();
        json.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                in.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
            }
        });
        return in;
    }

    /** Checks {@code in} (blank means absent); a tenant's caller names its own destinations short ({@code crm} is {@code acme~crm}). */
    static ReplayFilter parse(Map<String, String> in, DestinationRegistry registry, AccessScope scope) {
        for (String key : in.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new HttpRejection(400, "unknown_field", "Unknown field '" + clip(key) + "'; the filter has " + String.join(", ", FIELDS.stream().sorted().toList()) + ".");
            }
        }
        String destination = scope.qualified(value(in, "destination"));
        if (destination == null) {
            throw new HttpRejection(400, "destination_required", "Name the destination whose deliveries to replay: \"destination\": \"<name>\".");
        }
        if (!AccessScope.DESTINATION.matcher(destination).matches() || !scope.sees(destination) || registry.get(destination) == null) {
            throw registry.unknown(clip(destination), scope::sees);
        }
        String status = value(in, "status") == null ? "parked" : value(in, "status");
        if (!STATUSES.containsKey(status)) {
            throw new HttpRejection(400, "invalid_status", "status is parked (the default) or failed (waiting for a retry, or parked).");
        }
        String type = value(in, "type");
        if (type != null && !TYPE.matcher(type).matches()) {
            throw new HttpRejection(400, "invalid_type", "type is an event type or a glob such as invoice.* (letters, digits, . _ - and *).");
        }
        Instant from = instant(in, "from");
        Instant to = instant(in, "to");
        if (from != null && to != null && from.isAfter(to)) {
            throw new HttpRejection(400, "invalid_range", "from (" + from + ") is after to (" + to + ").");
        }
        String error = value(in, "error");
        if (error != null && error.length() > 200) {
            throw new HttpRejection(400, "invalid_error", "error is a text of at most 200 characters to find in the last error.");
        }
        String dryRun = value(in, "dryRun");
        if (dryRun != null && !"true".equalsIgnoreCase(dryRun) && !"false".equalsIgnoreCase(dryRun)) {
            throw new HttpRejection(400, "invalid_dry_run", "dryRun is true or false.");
        }
        return new ReplayFilter(new DeliveryMatches.Filter(destination, STATUSES.get(status), type, from, to, error), status,
                "true".equalsIgnoreCase(dryRun));
    }

    /** The filter in words, for the audit entry and the logs: {@code crm, parked, type invoice.*, error "timeout"}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(filter.destination()).append(", ").append(status);
        asFields().forEach((name, value) -> {
            if (!name.equals("destination") && !name.equals("status")) {
                sb.append(", ").append(name).append(' ').append(name.equals("error") ? '"' + value + '"' : value);
            }
        });
        return sb.toString();
    }

    /** The filter as the fields it was read from (absent ones left out), for links and forms. */
    public Map<String, String> asFields() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("destination", filter.destination());
        out.put("status", status);
        out.put("type", filter.type());
        out.put("from", filter.from() == null ? null : filter.from().toString());
        out.put("to", filter.to() == null ? null : filter.to().toString());
        out.put("error", filter.error());
        out.values().removeIf(Objects::isNull);
        return out;
    }

    private static Instant instant(Map<String, String> in, String name) {
        String value = value(in, name);
        return value == null ? null : ReplayRequest.instant(name, value);
    }

    private static String value(Map<String, String> in, String name) {
        return SettingText.blankToNull(in.get(name));
    }

    private static String clip(String s) {
        String safe = s.replaceAll("[^A-Za-z0-9_.*:~-]", "?");
        return safe.length() > 64 ? safe.substring(0, 64) + "..." : safe;
    }
}
