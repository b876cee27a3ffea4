package io.storehub.hub.history;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.storehub.hub.support.RetryPolicy;
import io.storehub.hub.support.TraceContext;
import org.apache.camel.Exchange;

/** What {@link EventHistory} reads from an exchange for its records, and how it words it. */
final class ExchangeFacts {

    private ExchangeFacts() {
    }

    static String deferReason(String reason) {
        if (reason == null) {
            return "deferred";
        }
        return switch (reason) {
            case "rate-limit" -> "waits for its rate-limit slot";
            case "ordered" -> "waits behind an earlier delivery of the same entity (ordered destination)";
            case "backing-off" -> "the destination is backing off after failures";
            default -> "deferred: " + reason;
        };
    }

    /** When the attempt started: as DestinationRegistry.describe noted it, else when the exchange was created. */
    static long started(Exchange exchange) {
        Long at = exchange.getProperty("SgAttemptStartedAt", Long.class);
        return at != null ? at : exchange.getClock().getCreated();
    }

    /** An exchange property, else the header of that name. */
    static String value(Exchange exchange, String name) {
        String v = exchange.getProperty(name, String.class);
        return v != null ? v : exchange.getIn().getHeader(name, String.class);
    }

    static Integer status(Exchange exchange) {
        Object status = exchange.getProperty(RetryPolicy.LAST_STATUS);
        if (status == null) {
            status = exchange.getMessage().getHeader(RetryPolicy.LAST_STATUS);
        }
        return status instanceof Number n ? n.intValue() : null;
    }

    static List<String> strings(Collection<?> values) {
        return values == null ? List.of() : values.stream().map(String::valueOf).toList();
    }

    static String text(Object value, int max) {
        return value == null ? null : Texts.cap(value.toString(), max);
    }

    /** The id of the trace the event's processing belongs to, to keep with the event; empty when traces are off. */
    static Optional<HistoryRecord> traced(Exchange exchange, String eventId) {
        String traceId = TraceContext.traceId(exchange);
        return traceId == null ? Optional.empty() : Optional.of(new HistoryRecord.Traced(eventId, traceId));
    }
}
