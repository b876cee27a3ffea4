package io.storehub.hub.support;

/** Message header names shared by the routes and the processors: one place, so they cannot drift. */
public final class Headers {

    /** The Storeganise event id (the idempotency key). */
    public static final String EVENT_ID = "SgEventId";
    /** The tenant (Storeganise business) an event belongs to; absent for the hub's own, top-level configuration. */
    public static final String TENANT = "SgTenant";
    /** The Storeganise event type, e.g. {@code job.unit_moveIn.created}. */
    public static final String EVENT_TYPE = "SgEventType";
    /** When the hub received the webhook, epoch milliseconds. */
    public static final String RECEIVED_AT = "SgReceivedAt";
    /** The family sub-route an event was dispatched to. */
    public static final String FAMILY = "SgFamily";
    /** Whether the type is one of the documented Storeganise types. */
    public static final String KNOWN_TYPE = "SgKnownType";
    /** Which form of the body the signature matched: {@code raw}, {@code reserialized} or {@code unverified}. */
    public static final String SIGNED_FORM = "SgSignedForm";
    /** How many processing attempts have failed so far. */
    public static final String ATTEMPT = "SgAttempt";
    /** Why an event or delivery was parked in a dead letter queue. */
    public static final String FAILURE_REASON = "SgFailureReason";
    /** Where the last failure happened (route id). */
    public static final String FAILED_ROUTE = "SgFailedRoute";
    /** When the message was parked, ISO-8601. */
    public static final String FAILED_AT = "SgFailedAt";
    /**
     * Exchange property: this dispatch recorded the event's id, so no earlier one made a delivery of it (each
     * records the id first); its deliveries tried at once need not ask "already delivered?".
     */
    public static final String FIRST_DISPATCH = "SgFirstDispatch";

    private Headers() {
    }
}
