package io.storehub.hub.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The breaker the storeganise-get route calls through (in place of camel-resilience4j's EIP): the call
 * runs on a copy, failures open the breaker, an open breaker refuses without calling.
 */
class CircuitBreakerCallTest {

    private final AtomicInteger calls = new AtomicInteger();
    private CamelContext camel;
    private CircuitBreakerCall breaker;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:call").routeId("call").errorHandler(noErrorHandler())
                        .process(e -> calls.incrementAndGet())
                        .setHeader("Authorization", constant("ApiKey secret"))
                        .choice().when(header("fail").isEqualTo(true))
                        .throwException(new IllegalStateException("HTTP 503"))
                        .end()
                        .setProperty("SgApiOutcome", constant("found"))
                        .setBody(constant("answer"));
            }
        });
        camel.start();
        breaker = new CircuitBreakerCall();
        breaker.setCamelContext(camel);
        breaker.setUri("direct:call");
        breaker.setMinimumNumberOfCalls(2);
        breaker.setSlidingWindowSize(2);
        breaker.setFailureRateThreshold(50);
        breaker.setWaitDurationInOpenStateSeconds(3600);
        breaker.init();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void successfulCallHandsBackBodyAndPropertiesOfTheCopy() throws Exception {
        Exchange exchange = exchange(false);

        breaker.process(exchange);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getBody(String.class)).isEqualTo("answer");
        assertThat(exchange.getProperty("SgApiOutcome")).isEqualTo("found");
        assertThat(breaker.getState()).isEqualTo("CLOSED");
    }

    @Test
    void failedCallLeavesTheCallersMessageAsItWasAndKeepsTheFailure() throws Exception {
        Exchange exchange = exchange(true);

        breaker.process(exchange);

        assertThat(exchange.getException()).isInstanceOf(IllegalStateException.class).hasMessage("HTTP 503");
        assertThat(exchange.getMessage().getHeader("Authorization")).as("the call's header stays on its copy").isNull();
        assertThat(exchange.getMessage().getBody(String.class)).isEqualTo("request");
    }

    @Test
    void failuresOpenTheBreakerWhichThenRefusesWithoutCalling() throws Exception {
        breaker.process(exchange(true));
        breaker.process(exchange(true));
        assertThat(breaker.getState()).isEqualTo("OPEN");
        int callsWhenOpened = calls.get();

        Exchange refused = exchange(false);
        breaker.process(refused);

        assertThat(refused.getException()).isInstanceOf(CallNotPermittedException.class);
        assertThat(calls.get()).isEqualTo(callsWhenOpened);

        breaker.reset();
        assertThat(breaker.getState()).isEqualTo("CLOSED");
    }

    private Exchange exchange(boolean fail) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("request");
        exchange.getMessage().setHeader("fail", fail);
        return exchange;
    }
}
