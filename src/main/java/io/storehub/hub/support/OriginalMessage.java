package io.storehub.hub.support;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

/**
 * The first step of a queue consumer: keeps what it took from its queue, so a failed attempt
 * re-queues the message as it came (body and the hub's own {@code Sg*} headers), not what processing
 * had made of it; and carries on with a plain Camel message instead of the JMS one.
 *
 * <p>Camel's {@code useOriginalMessage} would keep the original too, but turning it on makes Camel
 * copy the incoming message of every exchange of every route, the webhook's included. And every
 * copy of a camel-jms message (each enrich, each exchange copy) evaluates the JMS redelivery flag of
 * a null JMS message and swallows the NullPointerException (camel-jms 4.17), which on the consumers
 * cost more than any step of the hub: once the body and headers are read, the JMS message is not
 * needed (the listener's transaction is bound to the thread, not to the message).
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

    /**
     * {@link #keep}, and where a failure of this message goes (exchange properties read by the
     * retry-or-park route): its queue for a retry, the dead letter queue to park it in, and the name
     * of the retry policy bean.
     */
    public void keepFor(Exchange exchange, String queue, String deadLetterQueue, String retryPolicy) {
        keep(exchange);
        exchange.setProperty("SgQueue", queue);
        exchange.setProperty("SgDeadLetterQueue", deadLetterQueue);
        exchange.setProperty("SgRetryPolicy", retryPolicy);
    }

    /**
     * Queued again for later, not as a failed attempt (route requeue-later): back to the message as it was
     * taken, scheduled for the exchange property SgDeferUntil, keeping the rate-limit slot it holds
     * (header SgRateSlotAt, set by RateLimits when it deferred the delivery for that slot).
     */
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
