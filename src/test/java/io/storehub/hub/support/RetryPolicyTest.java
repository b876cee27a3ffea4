package io.storehub.hub.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private final RetryPolicy policy = policy();

    @Test
    void aPermanentFailureIsParkedAtTheFirstAttemptWithItsReason() {
        Exchange exchange = failed(new IllegalStateException("wrapped", new PermanentFailure("HTTP 400 from crm: invalid_payload")));

        policy.process(exchange);

        assertThat(exchange.getMessage().getHeader(RetryPolicy.ACTION)).isEqualTo("park");
        assertThat(exchange.getMessage().getHeader("SgAttempt")).isEqualTo(1);
        assertThat(exchange.getMessage().getHeader("SgFailureReason", String.class))
                .isEqualTo("Permanent failure: HTTP 400 from crm: invalid_payload");
        assertThat(exchange.getMessage().getHeader("SgFailedAt")).isEqualTo(NOW.toString());
    }

    @Test
    void aTransientFailureIsRetriedNoEarlierThanTheRetryAfterPropertyAsks() {
        Exchange exchange = failed(new RuntimeException("HTTP 429 from site-team"));
        exchange.setProperty(RetryPolicy.RETRY_AFTER, 120_000L);
        exchange.setProperty(RetryPolicy.LAST_STATUS, 429);

        policy.process(exchange);

        assertThat(exchange.getMessage().getHeader(RetryPolicy.ACTION)).isEqualTo("retry");
        assertThat(exchange.getMessage().getHeader(RetryPolicy.SCHEDULED_DELIVERY, Long.class))
                .isEqualTo(NOW.toEpochMilli() + 120_000L); // backoff alone would be at most 1 s
        assertThat(exchange.getMessage().getHeader(RetryPolicy.LAST_STATUS)).isEqualTo(429);
    }

    @Test
    void aTransientFailureIsParkedOnceTheAttemptsAreUsedUp() {
        Exchange exchange = failed(new RuntimeException("HTTP 503 from crm"));
        exchange.getMessage().setHeader("SgAttempt", 2);

        policy.process(exchange);

        assertThat(exchange.getMessage().getHeader(RetryPolicy.ACTION)).isEqualTo("park");
        assertThat(exchange.getMessage().getHeader("SgFailureReason", String.class)).isEqualTo("RuntimeException: HTTP 503 from crm");
    }

    private static RetryPolicy policy() {
        RetryPolicy policy = new RetryPolicy();
        policy.setMaxAttempts(3);
        policy.setInitialDelay("PT1S");
        policy.setMaxDelay("PT1S");
        policy.setClock(Clock.fixed(NOW, ZoneOffset.UTC));
        return policy;
    }

    private static Exchange failed(Exception cause) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        exchange.getMessage().setBody("{}");
        return exchange;
    }
}
