package io.storehub.hub.deliver;

/**
 * A delivery that failed in a way worth retrying (HTTP 408, 429, 5xx, a Slack API error such as
 * {@code internal_error}). The retry-from-queue route configuration retries it with backoff.
 */
public class DeliveryFailure extends RuntimeException {

    public DeliveryFailure(String message) {
        super(message, null, false, false);
    }
}
