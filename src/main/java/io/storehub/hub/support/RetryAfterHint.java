package io.storehub.hub.support;

/**
 * A failure that knows how long the other side asked to wait ({@code Retry-After}), for {@link RetryPolicy}:
 * it travels with the exception because headers set while processing are gone when the policy runs.
 */
public interface RetryAfterHint {

    /** Milliseconds to wait at least, 0 when there is no hint. */
    long getRetryAfterMillis();
}
