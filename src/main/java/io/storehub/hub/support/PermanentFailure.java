package io.storehub.hub.support;

/**
 * A failure that retrying cannot fix (an HTTP 400 from a destination, a refused address): {@link RetryPolicy}
 * parks the message at once, with this message as the reason, to be replayed once the cause is fixed.
 */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String message) {
        super(message, null, false, false);
    }

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The permanent failure in a chain of causes, or {@code null} when the failure may be transient. */
    public static PermanentFailure in(Throwable failure) {
        return (PermanentFailure) Causes.find(failure, t -> t instanceof PermanentFailure);
    }
}
