package io.storehub.hub.support;

import java.io.IOException;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The headers of a delivery message: the named ones stay, every other goes. */
class KeepHeadersTest {

    @Test
    void onlyTheNamedHeadersStayOnTheMessage() throws IOException {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setHeader("SgEventId", "64f0c0ffee");
            exchange.getIn().setHeader("SgEventType", "user.created");
            exchange.getIn().setHeader("SgAttempt", 3);
            exchange.getIn().setHeader("JMSMessageID", "ID:1");
            exchange.getIn().setBody("{}");
            KeepHeaders keep = new KeepHeaders();
            keep.setNames(" SgEventId, SgEventType ,");
            keep.process(exchange);
            assertThat(exchange.getMessage().getHeaders()).containsOnlyKeys("SgEventId", "SgEventType");
            assertThat(exchange.getMessage().getHeader("SgEventType")).isEqualTo("user.created");
            assertThat(exchange.getMessage().getBody()).isEqualTo("{}");
        }
    }
}
