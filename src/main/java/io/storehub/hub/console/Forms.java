package io.storehub.hub.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.storehub.hub.support.SettingText;
import org.apache.camel.Exchange;

/**
 * The fields of a console form (application/x-www-form-urlencoded), read once per request. Spring
 * Boot's platform-http hands the parsed form over as the body (a map), Vert.x as the raw body: both
 * are read here, repeated fields (check boxes) kept as lists.
 */
final class Forms {

    private static final String PROPERTY = "SgConsoleForm";

    private Forms() {
    }

    /** The first value of a query parameter (platform-http header), or null. */
    static String first(Exchange exchange, String name) {
        Object value = exchange.getIn().getHeader(name);
        if (value instanceof List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        }
        return value == null ? null : value.toString();
    }

    /** The first value of a query parameter, trimmed; null when absent or blank. */
    static String query(Exchange exchange, String name) {
        return SettingText.blankToNull(first(exchange, name));
    }

    /** A query parameter as a number (a figure in a redirect's notice); 0 when absent or not a number. */
    static long number(Exchange exchange, String name) {
        try {
            String value = query(exchange, name);
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The query parameters of these names that are given, trimmed. */
    static Map<String, String> queries(Exchange exchange, List<String> names) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : names) {
            String value = query(exchange, name);
            if (value != null) {
                given.put(name, value);
            }
        }
        return given;
    }

    /** The first value of each field. */
    static Map<String, String> read(Exchange exchange) {
        Map<String, String> first = new LinkedHashMap<>();
        all(exchange).forEach((k, v) -> first.put(k, v.isEmpty() ? null : v.get(0)));
        return first;
    }

    /** Every value of each field. */
    @SuppressWarnings("unchecked")
    static Map<String, List<String>> all(Exchange exchange) {
        Map<String, List<String>> cached = exchange.getProperty(PROPERTY, Map.class);
        if (cached != null) {
            return cached;
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        Object body = exchange.getIn().getBody();
        if (body instanceof Map<?, ?> map) {
            // Spring Boot's platform-http: the form as a map, its values still URL-encoded
            map.forEach((k, v) -> {
                List<String> decoded = new ArrayList<>();
                values(v).forEach(x -> decoded.add(URLDecoder.decode(x, StandardCharsets.UTF_8)));
                fields.put(URLDecoder.decode(String.valueOf(k), StandardCharsets.UTF_8), decoded);
            });
        } else {
            String text = exchange.getIn().getBody(String.class);
            if (text != null && !text.isBlank()) {
                for (String pair : text.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    fields.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                }
            }
        }
        exchange.setProperty(PROPERTY, fields);
        return fields;
    }

    private static List<String> values(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            c.forEach(x -> out.add(String.valueOf(x)));
        } else if (v instanceof String[] a) {
            out.addAll(List.of(a));
        } else if (v != null) {
            out.add(v.toString());
        }
        return out;
    }
}
