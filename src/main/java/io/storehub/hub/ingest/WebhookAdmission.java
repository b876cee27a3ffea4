package io.storehub.hub.ingest;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.storehub.hub.support.HttpRejection;

/**
 * What a flood of webhooks may cost at once: at most {@code maxRequests} in flight declaring at most
 * {@code maxBytes} of bodies (no {@code Content-Length}: the size cap). Over either, {@code 503
 * over_capacity} at once, before the body is read; one webhook is always admitted when none is in flight.
 */
public class WebhookAdmission {

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private int maxRequests = 256;
    private long maxBytes = 16L * 1024 * 1024;

    /** Takes one webhook in, declaring {@code declaredBytes}; false (nothing taken) when over capacity. */
    public boolean tryAdmit(long declaredBytes) {
        int now = requests.incrementAndGet();
        long held = bytes.addAndGet(declaredBytes);
        if (now > 1 && (now > maxRequests || held > maxBytes)) {
            release(declaredBytes);
            return false;
        }
        return true;
    }

    /** Once per admitted webhook, when it has been answered. */
    public void release(long declaredBytes) {
        bytes.addAndGet(-declaredBytes);
        requests.decrementAndGet();
    }

    /** The answer to a webhook over capacity (here and in the route, {@link IngestPressure}). */
    public static HttpRejection overCapacity() {
        return new HttpRejection(503, "over_capacity",
                "The hub is handling as many webhooks as it takes at once; the event was not accepted, send it again shortly.", 1);
    }

    public void setMaxRequests(int maxRequests) {
        this.maxRequests = Math.max(1, maxRequests);
    }

    public void setMaxBytes(long maxBytes) {
        this.maxBytes = Math.max(1, maxBytes);
    }
}
