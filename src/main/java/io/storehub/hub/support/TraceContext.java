package io.storehub.hub.support;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanStorageManager;
import org.apache.camel.telemetry.SpanStorageManagerExchange;
import org.apache.camel.telemetry.Tracer;
import org.apache.camel.telemetry.propagation.CamelJMSHeadersSpanContextPropagationInjector;

/**
 * The trace an exchange belongs to, as camel-opentelemetry2 keeps it (its current span is stored on the
 * exchange): its id for the event history, and its context written into a message the hub sends to
 * the broker by hand ({@link JmsGroupSend}), under the JMS-safe names a {@code jms:} producer would use,
 * so the consumer's span continues the trace. With tracing off no span is stored and both are a
 * property look-up that finds nothing.
 */
public final class TraceContext {

    private static final SpanStorageManager SPANS = new SpanStorageManagerExchange();
    // what the tracer adds to the injected context when asked to include the ids (traceHeadersInclusion)
    private static final String TRACE_ID = "CAMEL_TRACE_ID";

    private TraceContext() {
    }

    /** Copies the exchange's current trace context into its message headers (JMS-safe names); nothing when not traced. */
    public static void intoMessage(Exchange exchange) {
        Span span = SPANS.peek(exchange);
        if (span == null) {
            return;
        }
        Tracer tracer = exchange.getContext().hasService(Tracer.class);
        if (tracer != null && tracer.getSpanLifecycleManager() != null) {
            tracer.getSpanLifecycleManager().inject(span,
                    new CamelJMSHeadersSpanContextPropagationInjector(exchange.getIn().getHeaders()), false);
        }
    }

    /** The id of the trace the exchange's current span belongs to (32 hex digits), or null when it is not traced. */
    public static String traceId(Exchange exchange) {
        Span span = SPANS.peek(exchange);
        if (span == null) {
            return null;
        }
        Tracer tracer = exchange.getContext().hasService(Tracer.class);
        if (tracer == null || tracer.getSpanLifecycleManager() == null) {
            return null;
        }
        Map<String, String> ids = new HashMap<>();
        tracer.getSpanLifecycleManager().inject(span, ids::put, true);
        String id = ids.get(TRACE_ID);
        // the no-op tracer's span has the invalid all-zero id: no trace
        return id == null || id.isBlank() || id.chars().allMatch(c -> c == '0') ? null : id;
    }
}
