package io.storehub.hub.support;

/**
 * A failure that retrying cannot fix (an HTTP 400 or 404 from a destination, a refused e-mail
 * address, a destination removed from the configuration). {@link RetryPolicy} parks the message in
 * its dead letter queue at once, with this message as the reason, instead of retrying it; once the
 * cause is fixed the parked message can be replayed. Throw it, or wrap it, from any processor that
 * runs under the {@code retry-from-queue} route configuration.
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
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PermanentFailure permanent) {
                return permanent;
            }
        }
        return null;
    }
}
