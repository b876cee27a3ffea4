package io.storehub.hub.support;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

/**
 * The first step of a queue consumer: keeps the message as it came (body, {@code Sg*} headers) for a
 * retry, and carries on with a plain Camel message. Not {@code useOriginalMessage}: it copies every
 * route's message, and each copy of a camel-jms message swallows an NPE (camel-jms 4.17), costlier
 * than any step of the hub.
 */
public class OriginalMessage {

    private static final String PROPERTY = "SgOriginalMessage";

    private record Snapshot(Object body, Map<String, Object> headers) {
    }

    /** First step of a queue consumer route. */
    public void keep(Exchange exchange) {
        Message in = exchange.getIn();
        Object body = in.getBody();
        Map<String, Object> headers = new HashMap<>();
        DefaultMessage plain = new DefaultMessage(exchange);
        plain.setMessageId(in.getMessageId());
        in.getHeaders().forEach((name, value) -> {
            plain.setHeader(name, value);
            if (name.startsWith("Sg")) {
                headers.put(name, value);
            }
        });
        plain.setBody(body);
        exchange.setIn(plain);
        exchange.setProperty(PROPERTY, new Snapshot(body, headers));
    }

    /** {@link #keep}, and where a failure goes (read by the retry-or-park route): queue, dead letter queue, policy bean. */
    public void keepFor(Exchange exchange, String queue, String deadLetterQueue, String retryPolicy) {
        keep(exchange);
        exchange.setProperty("SgQueue", queue);
        exchange.setProperty("SgDeadLetterQueue", deadLetterQueue);
        exchange.setProperty("SgRetryPolicy", retryPolicy);
    }

    /** Requeued for later (route requeue-later): the message as taken, due at SgDeferUntil, keeping its rate slot (SgRateSlotAt). */
    public void restoreForLater(Exchange exchange) {
        Object slot = exchange.getIn().getHeader("SgRateSlotAt");
        restore(exchange);
        Message message = exchange.getMessage();
        if (slot != null) {
            message.setHeader("SgRateSlotAt", slot);
        }
        message.setHeader(RetryPolicy.SCHEDULED_DELIVERY, exchange.getProperty("SgDeferUntil"));
    }

    /** First step of the consumer's failure handling: back to the message as it came from the queue. */
    public void restore(Exchange exchange) {
        Snapshot original = exchange.getProperty(PROPERTY, Snapshot.class);
        if (original == null) {
            return;
        }
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.getHeaders().putAll(original.headers());
        message.setBody(original.body());
    }
}
