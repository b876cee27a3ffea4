package io.storehub.hub.deliver;

/** A delivery failure worth retrying (HTTP 408, 429, 5xx, a transient Slack API error). */
public class DeliveryFailure extends RuntimeException {

    public DeliveryFailure(String message) {
        super(message, null, false, false);
    }
}
