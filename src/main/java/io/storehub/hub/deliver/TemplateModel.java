package io.storehub.hub.deliver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.dispatch.EventCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * What the message templates see: every key of the enriched event plus {@code view}, ready-made fields
 * with fallbacks when enrichment is missing, so templates stay logic-less (docs/destinations.md, Templates).
 */
public class TemplateModel implements Processor {

    public static final String VIEW = "view";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private static final Map<String, String> ID_LABELS = Map.ofEntries(
            Map.entry("jobId", "Job"), Map.entry("unitRentalId", "Rental"), Map.entry("oldRentalId", "Previous rental"),
            Map.entry("newRentalId", "New rental"), Map.entry("invoiceId", "Invoice"), Map.entry("unitId", "Unit"),
            Map.entry("userId", "User"), Map.entry("siteId", "Site"), Map.entry("addonId", "Add-on"),
            Map.entry("valetOrderId", "Valet order"), Map.entry("itemIds", "Items"), Map.entry("changedKeys", "Changed"));

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getIn().setBody(model(exchange.getIn().getBody()));
    }

    /** The template model of an enriched event given as a map, JSON text or JSON bytes. */
    public static Map<String, Object> model(Object enriched) throws Exception {
        Map<String, Object> event = asMap(enriched);
        Map<String, Object> model = new LinkedHashMap<>(event);
        model.put(VIEW, view(event));
        return model;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object body) throws Exception {
        if (body instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        if (body instanceof byte[] bytes) {
            return MAPPER.readValue(bytes, JSON_OBJECT);
        }
        if (body instanceof String text) {
            return MAPPER.readValue(text, JSON_OBJECT);
        }
        throw new IllegalArgumentException("The enriched event must be a map or JSON, not " + (body == null ? "null" : body.getClass().getName()));
    }

    private static final List<String> FETCHED =
            List.of("job", "unitRental", "unit", "customer", "site", "invoice", "valetOrder", "addon", "settings");

    static Map<String, Object> view(Map<String, Object> e) {
        Map<String, Object> view = new LinkedHashMap<>();
        Map<String, Object> event = map(e.get("event"));
        Map<String, Object> summary = map(e.get("summary"));
        String type = text(e.get("type"), text(event.get("type"), "unknown"));
        EventCatalog.EventType known = EventCatalog.find(type);
        String meaning = EventCatalog.meaningOf(type);
        view.put("eventId", text(event.get("id"), null));
        view.put("type", type);
        view.put("family", text(e.get("family"), EventCatalog.familyOf(type)));
        view.put("created", text(event.get("created"), null));
        view.put("title", known != null ? known.title() : humanize(type));
        view.put("meaning", meaning);
        view.put("headline", text(summary.get("headline"), meaning));
        // "enriched" means something was actually fetched: when every resource was missing (404s, no
        // API configured) the message falls back to the ids, which is all a reader has to go on
        view.put("enriched", !summary.isEmpty() && FETCHED.stream().anyMatch(k -> !map(e.get(k)).isEmpty()));

        Map<String, Object> customer = map(e.get("customer"));
        Map<String, Object> site = map(e.get("site"));
        Map<String, Object> unit = map(e.get("unit"));
        String customerName = text(summary.get("customerName"), personName(customer));
        String siteName = text(summary.get("siteName"), text(map(site.get("title")).get("en"), text(site.get("title"), null)));
        String siteCode = text(summary.get("siteCode"), text(site.get("code"), null));
        String amount = text(map(summary.get("amount")).get("formatted"), null);
        List<Map<String, String>> facts = new ArrayList<>();
        put(view, facts, "customer", "Customer", customerName);
        put(view, facts, "email", "Email", text(summary.get("customerEmail"), text(customer.get("email"), null)));
        put(view, facts, "phone", "Phone", text(summary.get("customerPhone"), text(customer.get("phone"), null)));
        put(view, facts, "unit", "Unit", text(summary.get("unitName"), text(unit.get("name"), null)));
        put(view, facts, "site", "Site", siteName == null ? siteCode : siteCode == null ? siteName : siteName + " (" + siteCode + ")");
        put(view, facts, "date", "Date", text(summary.get("date"), null));
        put(view, facts, "amount", "Amount", amount);
        view.put("facts", facts);

        List<Map<String, String>> ids = new ArrayList<>();
        map(event.get("data")).forEach((k, v) -> {
            String value = v instanceof List<?> list ? String.join(", ", list.stream().map(String::valueOf).toList())
                    : v instanceof Map<?, ?> || v == null ? null : String.valueOf(v);
            if (value != null && !value.isEmpty()) {
                ids.add(Map.of("label", ID_LABELS.getOrDefault(k, humanize(k)), "key", k, "value", value));
            }
        });
        view.put("ids", ids);
        view.put("idsText", String.join(" · ", ids.stream().map(i -> i.get("label") + " " + i.get("value")).toList()));
        Object changed = map(event.get("data")).get("changedKeys");
        if (changed instanceof List<?> keys && !keys.isEmpty()) {
            view.put("changed", String.join(", ", keys.stream().map(String::valueOf).toList()));
        }

        Map<String, Object> links = map(e.get("links"));
        Object link = links.containsKey("admin") ? links.get("admin") : links.values().stream().findFirst().orElse(null);
        if (link instanceof String s && !s.isBlank()) {
            view.put("link", s);
        }
        return view;
    }

    private static void put(Map<String, Object> view, List<Map<String, String>> facts, String key, String label, String value) {
        if (value != null && !value.isBlank()) {
            view.put(key, value);
            facts.add(Map.of("label", label, "value", value));
        }
    }

    private static String personName(Map<String, Object> person) {
        String full = (text(person.get("firstName"), "") + " " + text(person.get("lastName"), "")).trim();
        return text(person.get("name"), full.isEmpty() ? null : full);
    }

    /** "job.unit_moveIn.completed" -> "Job unit move in completed"; for types the table does not know. */
    static String humanize(String name) {
        String spaced = name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("[._]+", " ").trim().toLowerCase();
        return spaced.isEmpty() ? name : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String text(Object value, String fallback) {
        if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
            return fallback;
        }
        String s = String.valueOf(value);
        return s.isBlank() ? fallback : s;
    }
}
