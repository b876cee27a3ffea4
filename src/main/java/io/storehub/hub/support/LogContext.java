package io.storehub.hub.support;

import io.storehub.hub.ingest.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.MDC;

/**
 * Puts the event id and type into the logging context, so every line logged while the event is
 * handled carries them. Camel clears the {@code event.*} keys when the exchange is done
 * ({@code camel.main.mdc-logging-keys-pattern}).
 */
public class LogContext implements Processor {

    @Override
    public void process(Exchange exchange) {
        put("event.id", exchange.getIn().getHeader(Headers.EVENT_ID, String.class));
        put("event.type", exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class));
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
