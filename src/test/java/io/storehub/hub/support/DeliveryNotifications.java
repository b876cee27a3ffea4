package io.storehub.hub.support;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;

import static org.apache.camel.builder.Builder.header;

/** Waits on deliveries by the path they take, the same for every test base. */
public final class DeliveryNotifications {

    private DeliveryNotifications() {
    }

    /**
     * Completes when a delivery of this event to this destination has been handled {@code times} times by one
     * of the two paths: tried at once by the dispatch consumer (direct:deliver's copy of the event for that
     * destination), or taken from the deliveries queue (deliver-to-destination: retries, deferred, replayed).
     */
    public static NotifyBuilder whenDeliveryHandled(CamelContext camelContext, String eventId, String destination, int times) {
        return new NotifyBuilder(camelContext)
                .fromCurrentRoute("deliver")
                .filter(header("SgEventId").isEqualTo(eventId)).filter(header("SgDestination").isEqualTo(destination))
                .whenDone(times)
                .or()
                .fromRoute("deliver-to-destination")
                .filter(header("SgEventId").isEqualTo(eventId)).filter(header("SgDestination").isEqualTo(destination))
                .whenDone(times).create();
    }
}
