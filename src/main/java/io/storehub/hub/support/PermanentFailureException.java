package io.storehub.hub.support;

/**
 * A failure that retrying cannot fix (a refused credential, a request the other side will always
 * reject). {@link RetryPolicy} parks the message in the dead letter queue at once instead of using
 * up its attempts; the message names what to fix. Anywhere in the cause chain counts.
 */
public class PermanentFailureException extends RuntimeException {

    public PermanentFailureException(String message) {
        super(message);
    }

    public PermanentFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
