package io.storehub.hub.ingest;

import java.util.concurrent.atomic.AtomicInteger;

import io.storehub.hub.support.AnswerDeadline;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * How hard the webhook endpoint is pressed: webhooks in flight and a moving average of their answer
 * time, read by {@link BackgroundGate} (Storeganise allows 2 s: a late acknowledgement loses an event,
 * a late delivery does not). Also bounds the webhooks in the route on every runtime ({@code 503
 * over_capacity} over {@code maxInFlight}) and starts the webhook's {@link AnswerDeadline}.
 */
public class IngestPressure implements Processor {

    private static final String ARRIVED = "SgIngestArrived";
    /** Request header of the Spring Boot servlet filter: {@link System#nanoTime()} when it took the webhook in. */
    public static final String ADMITTED_AT = "Sg-Admitted-At";
    private static final long TRUSTED_WAIT_NANOS = 60_000_000_000L;

    private final AtomicInteger inFlight = new AtomicInteger();
    private int maxInFlight = 256;
    private long answerWithinMillis = 1000;
    // exponentially weighted moving average of the answer time, microseconds (written racily: a hint)
    private volatile double ackMicros;
    private volatile long lastAnswerNanos;

    /** First step of the ingest route; {@link #answered} counts it out. */
    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(ARRIVED, Boolean.TRUE);
        long waitedMillis = waitedMillis(exchange);
        AnswerDeadline.start(exchange, answerWithinMillis - waitedMillis);
        if (inFlight.incrementAndGet() > maxInFlight || waitedMillis >= answerWithinMillis) {
            // too many at once, or it waited for a thread until no time was left to store it
            throw WebhookAdmission.overCapacity(); // answered() still counts it out
        }
    }

    /** How long the webhook waited between the servlet filter and this step (0 on other runtimes). */
    private static long waitedMillis(Exchange exchange) {
        Object admitted = exchange.getMessage().removeHeader(ADMITTED_AT);
        if (admitted == null) {
            return 0;
        }
        try {
            long waited = System.nanoTime() - Long.parseLong(admitted.toString().trim());
            return waited > 0 && waited < TRUSTED_WAIT_NANOS ? waited / 1_000_000L : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Once per webhook that arrived, with the time it took to answer. */
    public void answered(Exchange exchange, long ackNanos) {
        if (exchange.removeProperty(ARRIVED) == null) {
            return;
        }
        inFlight.decrementAndGet();
        ackMicros = ackMicros * 0.9 + (ackNanos / 1000.0) * 0.1;
        lastAnswerNanos = System.nanoTime();
    }

    /** Webhooks handled in the route at once; more are answered 503 over_capacity (default 256). */
    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = Math.max(1, maxInFlight);
    }

    /** The time the store steps may take together ({@link AnswerDeadline}), default 1000 ms; past it: 503 not_stored. */
    public void setAnswerWithinMillis(long answerWithinMillis) {
        this.answerWithinMillis = answerWithinMillis;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Moving average of the answer time over the last answers, in milliseconds; 0 when webhooks stopped a second ago. */
    public double ackMillis() {
        return System.nanoTime() - lastAnswerNanos > 1_000_000_000L ? 0 : ackMicros / 1000.0;
    }
}
