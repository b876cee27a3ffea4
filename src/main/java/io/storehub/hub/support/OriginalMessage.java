package io.storehub.hub.support;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What a queue consumer took from its queue, kept so a failed attempt re-queues the message as it
 * came (body and the hub's own {@code Sg*} headers), not what processing had made of it.
 *
 * <p>Camel's {@code useOriginalMessage} does the same, but turning it on makes Camel copy the
 * incoming message of every exchange of every route, the webhook's included (and for a JMS message
 * the copy is costly); this keeps only what a retry needs, only where it is needed.
 */
public class OriginalMessage {

    private static final String PROPERTY = "SgOriginalMessage";

    private record Snapshot(Object body, Map<String, Object> headers) {
    }

    /** First step of a queue consumer route. */
    public void keep(Exchange exchange) {
        Message in = exchange.getIn();
        Map<String, Object> headers = new HashMap<>();
        in.getHeaders().forEach((name, value) -> {
            if (name.startsWith("Sg")) {
                headers.put(name, value);
            }
        });
        exchange.setProperty(PROPERTY, new Snapshot(in.getBody(), headers));
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
