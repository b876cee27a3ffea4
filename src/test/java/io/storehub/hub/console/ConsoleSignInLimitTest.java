package io.storehub.hub.console;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The overall sign-in limit holds when the failures come from many addresses. */
class ConsoleSignInLimitTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void failedSignInsFromManyAddressesAreLimitedInAll() throws Exception {
        ConsoleSecurity security = new ConsoleSecurity();
        security.setAdminToken("the-admin-token");
        security.setAttemptsPerAddress(100);
        security.setAttemptsTotal(3);

        for (int i = 1; i <= 3; i++) {
            assertThat(status(security, "10.0.0." + i, "wrong")).isEqualTo(401);
        }

        assertThat(status(security, "10.0.0.4", "wrong")).isEqualTo(429);
        assertThat(status(security, "10.0.0.5", "the-admin-token")).as("checked before the credentials").isEqualTo(429);
    }

    private int status(ConsoleSecurity security, String address, String token) throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
        // the header camel-platform-http on Vert.x (camel-main, Camel Quarkus) gives the client address in
        exchange.getIn().setHeader("CamelVertxPlatformHttpRemoteAddress", address);
        exchange.getIn().setHeader("Cookie", ConsoleSecurity.LOGIN_COOKIE + "=form-token");
        exchange.getIn().setBody("_csrf=form-token&token=" + token);
        security.signIn(exchange);
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }
}
