package io.storehub.hub.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.MustacheFactory;
import io.storehub.hub.support.HttpRejection;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Renders the console's pages from the Mustache templates in the jar ({@code console/*.mustache}) with
 * mustache.java, whose {@code {{value}}} escapes HTML: every value that came from an event is written
 * with it (the templates never use the unescaped {@code {{{value}}}}). Also writes the responses, each
 * with the headers that keep the pages private and inert: a Content-Security-Policy that allows only
 * the console's own script and style files (no inline script runs, even if escaping were ever missed),
 * no framing, no caching, no referrer.
 */
public final class ConsoleView {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final MustacheFactory mustache = new DefaultMustacheFactory("console");

    /** Answers the template {@code console/<name>.mustache} rendered with {@code model} as an HTML page. */
    public void page(Exchange exchange, int status, String template, Map<String, Object> model) {
        StringWriter out = new StringWriter();
        mustache.compile(template + ".mustache").execute(out, model);
        text(exchange, status, "text/html; charset=utf-8", out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** 303 See Other to a console path (after a POST, or to the sign-in page). */
    static void redirect(Exchange exchange, String location) {
        if (!location.startsWith("/console")) {
            throw new IllegalArgumentException("console redirects stay in the console: " + location);
        }
        Message out = clear(exchange, 303);
        out.setHeader("Location", location);
        out.setBody(new byte[0]);
    }

    static void text(Exchange exchange, int status, String contentType, byte[] body) {
        Message out = clear(exchange, status);
        out.setHeader(Exchange.CONTENT_TYPE, contentType);
        out.setBody(body);
    }

    /** The response starts from no headers (request headers must not echo back), plus the security headers. */
    static Message clear(Exchange exchange, int status) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        // a cookie the sign-in or sign-out decided on (an exchange property: never a request header echoed)
        Object cookie = exchange.getProperty(ConsoleSecurity.SET_COOKIE_PROPERTY);
        if (cookie != null) {
            out.setHeader("Set-Cookie", cookie);
        }
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader("Content-Security-Policy", CSP);
        out.setHeader("X-Content-Type-Options", "nosniff");
        out.setHeader("X-Frame-Options", "DENY");
        out.setHeader("Referrer-Policy", "no-referrer");
        out.setHeader("Cache-Control", "no-store");
        return out;
    }

    private static final Set<String> ASSETS = Set.of("console.css", "console.js");

    /** GET /console/static/{file}: the console's own CSS and JavaScript, from the jar. */
    public void asset(Exchange exchange) throws IOException {
        String file = exchange.getIn().getHeader("file", String.class);
        if (file == null || !ASSETS.contains(file)) {
            throw new HttpRejection(404, "not_found", "No such file.");
        }
        try (InputStream in = ConsoleView.class.getClassLoader().getResourceAsStream("console/static/" + file)) {
            if (in == null) {
                throw new HttpRejection(404, "not_found", "No such file.");
            }
            text(exchange, 200, file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
                    in.readAllBytes());
            exchange.getMessage().setHeader("Cache-Control", "private, max-age=300");
        }
    }

    /** The events-per-minute chart as SVG geometry: 60 bars in a 600 x 120 box (rendered by the template, no script). */
    static Map<String, Object> chart(List<Map<String, Object>> perMinute) {
        long max = Math.max(1, perMinute.stream().mapToLong(p -> (Long) p.get("count")).max().orElse(0));
        List<Map<String, Object>> bars = new ArrayList<>();
        int i = 0;
        for (Map<String, Object> p : perMinute) {
            long count = (Long) p.get("count");
            long height = count == 0 ? 0 : Math.max(1, Math.round(100.0 * count / max));
            Map<String, Object> bar = new LinkedHashMap<>();
            bar.put("x", i * 10);
            bar.put("y", 105 - height);
            bar.put("height", height);
            bar.put("count", count);
            bar.put("label", ((String) p.get("minute")).substring(11, 16) + " UTC");
            bars.add(bar);
            i++;
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("bars", bars);
        chart.put("max", max);
        chart.put("first", bars.isEmpty() ? "" : bars.get(0).get("label"));
        chart.put("last", bars.isEmpty() ? "" : bars.get(bars.size() - 1).get("label"));
        return chart;
    }
}
