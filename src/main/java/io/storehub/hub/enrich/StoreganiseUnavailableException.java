package io.storehub.hub.enrich;

import io.storehub.hub.support.RetryAfterHint;

/** Storeganise answered 429 or 5xx: retried in place, then from the queue; a failure to the circuit breaker. */
public class StoreganiseUnavailableException extends RuntimeException implements RetryAfterHint {

    private final int status;
    private final long retryAfterMillis;

    public StoreganiseUnavailableException(String message, int status, long retryAfterMillis) {
        super(message);
        this.status = status;
        this.retryAfterMillis = retryAfterMillis;
    }

    public int getStatus() {
        return status;
    }

    @Override
    public long getRetryAfterMillis() {
        return retryAfterMillis;
    }
}
