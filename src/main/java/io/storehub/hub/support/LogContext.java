package io.storehub.hub.support;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.MDC;

/**
 * Puts the event id, type and tenant into the logging context ({@code event.id}, {@code event.type},
 * {@code tenant}), so
 * every line logged while the event is handled carries them, and takes them out again when the
 * exchange is done (the threads are pooled).
 *
 * <p>Done here rather than with Camel's {@code use-mdc-logging}: that wraps every step of every
 * exchange and matches the MDC key pattern as a regular expression each time, which on the webhook
 * path cost more than verifying the signature. The hub's routes are synchronous, so the keys set on
 * the thread that handles the exchange stay right until it is done.
 */
public class LogContext implements Processor {

    static final String ID = "event.id";
    static final String TYPE = "event.type";
    static final String TENANT = "tenant";

    private static final SynchronizationAdapter CLEAR = new SynchronizationAdapter() {
        @Override
        public void onDone(Exchange exchange) {
            MDC.remove(ID);
            MDC.remove(TYPE);
            MDC.remove(TENANT);
        }
    };

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getIn().getHeader(Headers.EVENT_ID, String.class);
        if (id == null) {
            return;
        }
        MDC.put(ID, id);
        String type = exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class);
        if (type != null) {
            MDC.put(TYPE, type);
        }
        String tenant = exchange.getIn().getHeader(Headers.TENANT, String.class);
        if (tenant != null) {
            MDC.put(TENANT, tenant);
        }
        if (!exchange.getExchangeExtension().containsOnCompletion(CLEAR)) {
            exchange.getExchangeExtension().addOnCompletion(CLEAR);
        }
    }
}
