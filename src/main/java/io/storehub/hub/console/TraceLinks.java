package io.storehub.hub.console;

import java.util.regex.Pattern;

/**
 * The link of an event's trace in the operator's tracing UI: {@code storeganise.console.trace-url} with
 * {@code {traceId}} replaced (e.g. {@code https://grafana.example/explore?traceId={traceId}}). Without that
 * setting the console shows the trace id as text.
 */
final class TraceLinks {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private final String template;

    TraceLinks(String template) {
        this.template = template == null || template.isBlank() ? null : template.trim();
    }

    /** The link of this trace, or null (no template, or not a trace id). */
    String link(Object traceId) {
        if (template == null || !(traceId instanceof String id) || !TRACE_ID.matcher(id).matches()) {
            return null;
        }
        return template.replace("{traceId}", id);
    }
}
