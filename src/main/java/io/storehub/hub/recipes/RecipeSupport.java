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
import org.apache.camel.Exchange;

/**
 * Small steps of the recipes (routes/recipe-*.camel.yaml) that YAML expresses badly: appending a
 * charge to a unit rental only once, the SMS gateway's form body, Zapier's flat fields.
 */
public class RecipeSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Body: the unit rental as Storeganise has it now; property {@code SgCharge}: the charge to add (JSON).
     * Sets the body to the PUT {@code {"charges": [...existing, new]}}, or to null when a charge with the
     * same {@code note} (which names the event) is already there: added by an earlier attempt whose
     * success was not recorded, so it is not added again.
     */
    @SuppressWarnings("unchecked")
    public void appendCharge(Exchange exchange) throws IOException {
        Map<String, Object> charge = JSON.readValue(exchange.getProperty("SgCharge", String.class), LinkedHashMap.class);
        Object rental = exchange.getIn().getBody();
        List<Object> charges = new ArrayList<>();
        if (rental instanceof Map<?, ?> r && r.get("charges") instanceof List<?> existing) {
            charges.addAll(existing);
        }
        Object note = charge.get("note");
        boolean there = note != null && charges.stream().anyMatch(c -> c instanceof Map<?, ?> m && Objects.equals(m.get("note"), note));
        if (there) {
            exchange.getIn().setBody(null);
            return;
        }
        charges.add(charge);
        Map<String, Object> put = new LinkedHashMap<>();
        put.put("charges", charges);
        exchange.getIn().setBody(put);
    }

    /**
     * The Twilio-shaped form body {@code To=...&From=...&Body=...} from the properties {@code SgSmsTo}
     * (spaces, dots, dashes and brackets removed) and {@code SgSmsText}, and header {@code SgSmsFrom};
     * header {@code Authorization: Basic} from header {@code SgSmsAuth} ({@code sid:token}).
     */
    public void smsForm(Exchange exchange) {
        String to = exchange.getProperty("SgSmsTo", String.class).replaceAll("[\\s().-]", "");
        String text = exchange.getProperty("SgSmsText", String.class).strip();
        String from = exchange.getIn().getHeader("SgSmsFrom", String.class);
        String auth = exchange.getIn().getHeader("SgSmsAuth", String.class);
        exchange.getIn().removeHeaders("SgSms*");
        if (auth != null) {
            exchange.getIn().setHeader("Authorization", "Basic "
                    + java.util.Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
        }
        exchange.getIn().setBody("To=" + enc(to) + "&From=" + enc(from) + "&Body=" + enc(text));
    }

    /** The phone number of the event's customer (enriched customer, else summary), or null. */
    @SuppressWarnings("unchecked")
    public static String phone(Map<String, Object> enriched) {
        Object customer = enriched.get("customer");
        if (customer instanceof Map<?, ?> c && c.get("phone") instanceof String p && !p.isBlank()) {
            return p;
        }
        Object summary = enriched.get("summary");
        if (summary instanceof Map<?, ?> s && s.get("customerPhone") instanceof String p && !p.isBlank()) {
            return p;
        }
        return null;
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
