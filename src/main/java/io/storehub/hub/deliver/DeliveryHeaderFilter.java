package io.storehub.hub.deliver;

import io.storehub.hub.support.TraceHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The header filter of the destinations' HTTP client ({@code delivery-http}): camel-http's own, and the
 * trace context the tracer put on the request (traceparent, ...) is sent only to an {@code http}
 * destination with {@code propagate-trace: true} (exchange property {@link DestinationRegistry#PROPAGATE_TRACE});
 * never to Slack, Zapier or any destination that did not ask for it.
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
