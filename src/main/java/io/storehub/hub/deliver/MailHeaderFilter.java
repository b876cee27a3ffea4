package io.storehub.hub.deliver;

import io.storehub.hub.support.TraceHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailHeaderFilterStrategy;

/**
 * camel-mail's header filter, and no trace context (traceparent, ...) as MIME headers of an e-mail:
 * the tracer puts it on every message it sends ({@link MailUris} names this filter in each smtp URI).
 */
public class MailHeaderFilter extends MailHeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return TraceHeaders.isTraceHeader(headerName) || super.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }
}
