package io.storehub.hub.support;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.SpanStorageManager;
import org.apache.camel.telemetry.SpanStorageManagerExchange;
import org.apache.camel.telemetry.Tracer;
import org.apache.camel.telemetry.propagation.CamelJMSHeadersSpanContextPropagationInjector;

/**
 * The trace an exchange belongs to (camel-opentelemetry2 stores its span on the exchange): its id for
 * the history, and its context in a message {@link JmsGroupSend} sends, as a {@code jms:} producer would.
 */
public final class TraceContext {

    private static final SpanStorageManager SPANS = new SpanStorageManagerExchange();
    // what the tracer adds to the injected context when asked to include the ids (traceHeadersInclusion)
    private static final String TRACE_ID = "CAMEL_TRACE_ID";

    private TraceContext() {
    }

    /** Copies the exchange's current trace context into its message headers (JMS-safe names); nothing when not traced. */
    public static void intoMessage(Exchange exchange) {
        inject(exchange, new CamelJMSHeadersSpanContextPropagationInjector(exchange.getIn().getHeaders()), false);
    }

    /** The id of the trace the exchange's current span belongs to (32 hex digits), or null when it is not traced. */
    public static String traceId(Exchange exchange) {
        Map<String, String> ids = new HashMap<>();
        inject(exchange, ids::put, true);
        String id = ids.get(TRACE_ID);
        // the no-op tracer's span has the invalid all-zero id: no trace
        return id == null || id.isBlank() || id.chars().allMatch(c -> c == '0') ? null : id;
    }

    /** Nothing when the exchange is not traced (tracing off: no span stored). */
    private static void inject(Exchange exchange, SpanContextPropagationInjector injector, boolean includeIds) {
        Span span = SPANS.peek(exchange);
        Tracer tracer = span == null ? null : exchange.getContext().hasService(Tracer.class);
        if (tracer != null && tracer.getSpanLifecycleManager() != null) {
            tracer.getSpanLifecycleManager().inject(span, injector, includeIds);
        }
    }
}
