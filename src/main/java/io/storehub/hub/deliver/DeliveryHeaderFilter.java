package io.storehub.hub.deliver;

import io.storehub.hub.support.TraceHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * camel-http's header filter for the destinations' client, and the trace context only to an {@code http}
 * destination with {@code propagate-trace: true} ({@link DestinationRegistry#PROPAGATE_TRACE}).
 */
public class DeliveryHeaderFilter extends HttpHeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        if (TraceHeaders.isTraceHeader(headerName)
                && (exchange == null || !exchange.getProperty(DestinationRegistry.PROPAGATE_TRACE, false, Boolean.class))) {
            return true;
        }
        return super.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }
}
