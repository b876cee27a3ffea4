package io.storehub.hub.enrich;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.storehub.hub.support.Causes;
import io.storehub.hub.support.RetryAfterHint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * When a Storeganise call is tried again: in place ({@link #retryInCall}, the routeConfiguration's
 * {@code retryWhile}) or later from the queue ({@link #failure}). Camel's redelivery policy waits.
 */
public class StoreganiseRetries {

    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private int retryAttempts = 3;
    private long maxRetryAfterMillis = 5000;
    private long circuitOpenMillis = 30_000;
    private Clock clock = Clock.systemUTC();

    /**
     * Connection errors, timeouts, 429 and 5xx, up to {@code retryAttempts}; a {@code Retry-After}
     * over {@code maxRetryAfterMillis} is waited for in the queue instead, a shorter one sets the delay.
     */
    public boolean retryInCall(Exchange exchange) {
        Message in = exchange.getIn();
        in.removeHeader(Exchange.REDELIVERY_DELAY);
        int attempt = in.getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        if (attempt >= retryAttempts) {
            return false;
        }
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        // a POST (a payment, a task) is repeated in place only when Storeganise surely did not act on it:
        // 429 / 503 answers and refused connections; after a timeout or a 500 it may have, and the
        // caller checks the resource before trying again from the queue
        boolean post = "POST".equals(exchange.getProperty(StoreganiseApi.METHOD, String.class));
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (post && !(t instanceof ConnectException) && !(t instanceof StoreganiseUnavailableException u
                    && (u.getStatus() == 429 || u.getStatus() == 503))) {
                continue;
            }
            if (t instanceof StoreganiseUnavailableException unavailable) {
                long retryAfter = unavailable.getRetryAfterMillis();
                if (retryAfter > maxRetryAfterMillis) {
                    return false;
                }
                if (retryAfter > 0) {
                    in.setHeader(Exchange.REDELIVERY_DELAY, retryAfter);
                }
                return true;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** A call refused by the open breaker waits in the queue until it closes: a long outage uses up no attempts. */
    public Throwable failure(Throwable failure) {
        Throwable refused = Causes.find(failure, t -> t instanceof CallNotPermittedException);
        if (refused == null) {
            return failure;
        }
        StoreganiseUnavailableException open = new StoreganiseUnavailableException(
                "Storeganise is failing: calls are suspended by the circuit breaker (" + refused.getMessage()
                        + "); next try in " + circuitOpenMillis / 1000 + " s or later",
                503, circuitOpenMillis);
        open.initCause(refused);
        return open;
    }

    /** {@code Retry-After} capped at an hour. */
    static long retryAfterMillis(String value, Clock clock) {
        return RetryAfterHint.millis(value, clock, MAX_RETRY_AFTER);
    }

    long retryAfterMillis(String value) {
        return retryAfterMillis(value, clock);
    }

    // ---- configuration (YAML bean properties) ----

    public void setRetryAttempts(int retryAttempts) {
        this.retryAttempts = Math.max(1, retryAttempts);
    }

    public void setMaxRetryAfterMillis(long maxRetryAfterMillis) {
        this.maxRetryAfterMillis = maxRetryAfterMillis;
    }

    /** How long the circuit breaker stays open (storeganise.api.circuit-breaker.open-seconds). */
    public void setCircuitOpenSeconds(long seconds) {
        this.circuitOpenMillis = seconds * 1000;
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
