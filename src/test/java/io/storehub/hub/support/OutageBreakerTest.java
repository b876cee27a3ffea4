package io.storehub.hub.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A failed store is remembered: callers are refused 503 + Retry-After at once, one probe per interval goes through. */
class OutageBreakerTest {

    @Test
    void afterAFailureCallersAreRefusedAtOnceUntilAProbeSucceeds() {
        OutageBreaker breaker = new OutageBreaker();
        breaker.setStore("database");
        breaker.setProbeIntervalMillis(200);
        breaker.setRetryAfterSeconds(7);
        assertThatCode(breaker::admit).as("closed").doesNotThrowAnyException();

        breaker.failed(new IllegalStateException("connection refused"));

        HttpRejection refused = catchThrowableOfType(HttpRejection.class, breaker::admit);
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getCode()).isEqualTo("not_stored");
        assertThat(refused.getRetryAfterSeconds()).isEqualTo(7);
        assertThat(refused.getDetail()).contains("database");

        // once the interval has passed, one caller is let through as the probe, the next is refused again
        await().atMost(Duration.ofSeconds(2)).until(() -> {
            try {
                breaker.admit();
                return true;
            } catch (HttpRejection stillOpen) {
                return false;
            }
        });
        assertThat(catchThrowableOfType(HttpRejection.class, breaker::admit)).as("one probe per interval").isNotNull();

        breaker.succeeded();
        assertThatCode(breaker::admit).as("closed by the probe's success").doesNotThrowAnyException();
        assertThat(breaker.isOpen()).isFalse();
    }
}
