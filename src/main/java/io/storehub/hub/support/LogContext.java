package io.storehub.hub.support;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.MDC;

/**
 * Puts the event id, type and tenant into the logging context until the exchange is done. Not Camel's
 * {@code use-mdc-logging}: it wraps every step and matches a regex each time, costing more than the
 * signature check; the hub's routes are synchronous, so the thread's keys stay right.
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
