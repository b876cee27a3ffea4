package io.storehub.hub.enrich;

import java.time.Instant;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Health check {@code storeganise-api}: DOWN from a 401/403 until a call is answered, and while the
 * circuit breaker is open. Neither readiness nor liveness: webhooks are accepted while Storeganise is down.
 */
public class StoreganiseApiHealth extends AbstractHealthCheck {

    public static final String ID = "storeganise-api";

    private volatile boolean configured;
    private volatile String authFailure;
    private volatile Instant authFailureAt;
    private volatile Instant lastAnswerAt;
    /** The {@link CircuitBreakerCall} bean whose state this check shows. */
    private static final String CIRCUIT_BREAKER = "storeganiseCircuitBreaker";

    public StoreganiseApiHealth() {
        super("storeganise", ID);
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** A call was answered (found or not found): the key is accepted. */
    public void answered() {
        lastAnswerAt = Instant.now();
        authFailure = null;
        authFailureAt = null;
    }

    public void refused(int status, String path) {
        authFailureAt = Instant.now();
        authFailure = "Storeganise refused the API key with HTTP " + status + " on GET " + path
                + ": check storeganise.api.key (STOREGANISE_API_KEY) and its role";
    }

    public void setConfigured(boolean configured) {
        this.configured = configured;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("configured", configured);
        if (lastAnswerAt != null) {
            builder.detail("lastAnswerAt", lastAnswerAt.toString());
        }
        String breaker = circuitBreakerState();
        if (breaker != null) {
            builder.detail("circuitBreaker", breaker);
        }
        if (authFailure != null) {
            builder.message(authFailure);
            builder.detail("failedAt", authFailureAt.toString());
            builder.down();
        } else if ("OPEN".equals(breaker) || "FORCED_OPEN".equals(breaker)) {
            builder.message("Storeganise is failing: calls are suspended by the circuit breaker; events wait in the queue");
            builder.down();
        } else {
            if (!configured) {
                builder.message("storeganise.api.base-url is not set: events are delivered without enrichment");
            }
            builder.up();
        }
    }

    private String circuitBreakerState() {
        if (getCamelContext() == null) {
            return null;
        }
        CircuitBreakerCall breaker = getCamelContext().getRegistry().lookupByNameAndType(CIRCUIT_BREAKER, CircuitBreakerCall.class);
        return breaker == null ? null : breaker.getState();
    }
}
