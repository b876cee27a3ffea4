package io.storehub.hub.support;

import java.io.IOException;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

/** The logging context of an event: its id, type and tenant while it is handled, nothing once it is done. */
class LogContextTest {

    @Test
    void aTenantsEventIsLoggedWithItsTenantUntilItIsDone() throws IOException {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setHeader(Headers.EVENT_ID, "acme~64f0c0ffee");
            exchange.getIn().setHeader(Headers.EVENT_TYPE, "user.created");
            exchange.getIn().setHeader(Headers.TENANT, "acme");
            new LogContext().process(exchange);
            assertThat(MDC.get("tenant")).isEqualTo("acme");
            assertThat(MDC.get("event.id")).isEqualTo("acme~64f0c0ffee");
            exchange.getExchangeExtension().handoverCompletions().forEach(s -> s.onComplete(exchange));
            assertThat(MDC.get("tenant")).isNull();
            assertThat(MDC.get("event.id")).isNull();
        }
    }

    @Test
    void theHubsOwnEventHasNoTenantInTheContext() throws IOException {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setHeader(Headers.EVENT_ID, "64f0c0ffee");
            new LogContext().process(exchange);
            assertThat(MDC.get("event.id")).isEqualTo("64f0c0ffee");
            assertThat(MDC.get("tenant")).isNull();
            exchange.getExchangeExtension().handoverCompletions().forEach(s -> s.onComplete(exchange));
        }
    }
}
