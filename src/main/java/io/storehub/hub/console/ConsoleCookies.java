package io.storehub.hub.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.Exchange;

/** The console's cookies: reading the request's, and writing one (HttpOnly, SameSite=Strict, Secure over HTTPS). */
final class ConsoleCookies {

    private ConsoleCookies() {
    }

    static Map<String, String> cookies(Exchange exchange) {
        Map<String, String> cookies = new LinkedHashMap<>();
        Object header = exchange.getIn().getHeader("Cookie");
        if (header == null) {
            return cookies;
        }
        Iterable<?> values = header instanceof Iterable<?> it ? it : List.of(header);
        for (Object value : values) {
            for (String part : value.toString().split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    String v = part.substring(eq + 1).trim();
                    // RFC 6265 allows the value in double quotes (Java's own cookie handler sends it so)
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    cookies.putIfAbsent(part.substring(0, eq).trim(), v);
                }
            }
        }
        return cookies;
    }

    /** A cookie for the console only: HttpOnly, SameSite=Strict, Secure over HTTPS (no Expires: it holds a comma). */
    static String cookie(Exchange exchange, String name, String value, String path, long maxAgeSeconds) {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure(exchange) ? "; Secure" : "");
    }

    static boolean secure(Exchange exchange) {
        String forwarded = exchange.getIn().getHeader("X-Forwarded-Proto", String.class);
        if (forwarded != null) {
            return forwarded.trim().toLowerCase(Locale.ROOT).startsWith("https");
        }
        String url = exchange.getIn().getHeader(Exchange.HTTP_URL, String.class);
        return url != null && url.toLowerCase(Locale.ROOT).startsWith("https:");
    }
}
