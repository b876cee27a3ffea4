package io.storehub.hub.support;

/**
 * Implemented by a failure that knows how long the other side asked to wait (e.g. an HTTP 429 or
 * 503 with {@code Retry-After}). {@link RetryPolicy} waits at least that long before the next attempt.
 * The hint travels with the exception because the queue consumer retries with the original message,
 * so headers set while processing are gone by the time the policy runs.
 */
public interface RetryAfterHint {

    /** Milliseconds to wait at least, 0 when there is no hint. */
    long getRetryAfterMillis();
}
