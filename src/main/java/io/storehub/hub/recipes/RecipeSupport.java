package io.storehub.hub.recipes;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.JsonPaths;
import io.storehub.hub.support.KeepHeaders;

/**
 * Small steps of the recipes (routes/recipe-*.camel.yaml) that YAML expresses badly, as functions of
 * their arguments: appending a charge to a unit rental only once, the SMS gateway's form body, Zapier's flat fields.
 */
public class RecipeSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A recipe's request to its gateway carries only these of the event's headers. */
    static final KeepHeaders EVENT_HEADERS = new KeepHeaders("SgEventId,SgEventType,SgFamily");

    /**
     * The PUT {@code {"charges": [...existing, charge]}} of the rental read fresh, or null when a charge
     * with the same {@code note} (naming the event) is there already: an earlier attempt added it.
     */
    public static Map<String, Object> appendCharge(Object rental, String charge) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> added = JSON.readValue(charge, LinkedHashMap.class);
        List<Object> charges = new ArrayList<>();
        if (rental instanceof Map<?, ?> r && r.get("charges") instanceof List<?> existing) {
            charges.addAll(existing);
        }
        Object note = added.get("note");
        if (note != null && charges.stream().anyMatch(c -> c instanceof Map<?, ?> m && Objects.equals(m.get("note"), note))) {
            return null;
        }
        charges.add(added);
        Map<String, Object> put = new LinkedHashMap<>();
        put.put("charges", charges);
        return put;
    }

    /** The Twilio-shaped form body {@code To=...&From=...&Body=...}, the number without spaces, dots, dashes, brackets. */
    public static String smsForm(String to, String from, String text) {
        return "To=" + enc(to.replaceAll("[\\s().-]", "")) + "&From=" + enc(from) + "&Body=" + enc(text == null ? "" : text.strip());
    }

    /** The phone number of the event's customer (enriched customer, else summary), or null. */
    public static String phone(Map<String, Object> enriched) {
        return JsonPaths.first(enriched, "customer.phone summary.customerPhone");
    }

    /**
     * Zapier's fields: nested objects become keys joined with {@code __} ({@code customer__email}), lists
     * of plain values one comma-separated text, lists of objects indexed keys ({@code invoice__entries__0__amount}).
     */
    public static Map<String, Object> flatten(Map<String, Object> source) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", source, flat);
        return flat;
    }

    private static void flatten(String prefix, Object value, Map<String, Object> flat) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty() && !prefix.isEmpty()) {
                flat.put(prefix, null);
            }
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "__" + k, v, flat));
        } else if (value instanceof List<?> list) {
            if (list.stream().allMatch(v -> v == null || !(v instanceof Map || v instanceof List))) {
                flat.put(prefix, String.join(", ", list.stream().map(String::valueOf).toList()));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    flatten(prefix + "__" + i, list.get(i), flat);
                }
            }
        } else {
            flat.put(prefix, value);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
