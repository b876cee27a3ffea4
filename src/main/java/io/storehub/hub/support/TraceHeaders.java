package io.storehub.hub.support;

import java.util.Locale;
import java.util.Set;

/**
 * The headers that carry trace context: the fields of the standard OpenTelemetry propagators (W3C trace
 * context and baggage, B3, Jaeger, X-Ray, OT) and the ids camel-opentelemetry2 can add. Such headers
 * leave the hub only where a destination asks for them (DeliveryHeaderFilter, MailHeaderFilter).
 */
public final class TraceHeaders {

    private static final Set<String> NAMES = Set.of("traceparent", "tracestate", "baggage", "b3", "x-b3-traceid", "x-b3-spanid",
        "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "uber-trace-id", "x-amzn-trace-id", "ot-tracer-traceid",
        "ot-tracer-spanid", "ot-tracer-sampled", "camel_trace_id", "camel_span_id");

    private TraceHeaders() {
    }

    /** Whether this HTTP or MIME header (or its JMS-safe form, {@code -} written {@code __dash__}) carries trace context. */
    public static boolean isTraceHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("__dash__", "-");
        return NAMES.contains(n) || n.startsWith("uberctx-") || n.startsWith("ot-baggage-");
    }
}
