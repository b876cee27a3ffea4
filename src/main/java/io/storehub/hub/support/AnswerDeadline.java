package io.storehub.hub.support;

import org.apache.camel.Exchange;

/** When an HTTP request must have its answer: the steps that wait on a store never keep the caller past it. */
public final class AnswerDeadline {

    /** Exchange property: {@link System#nanoTime()} by which the answer is due. */
    public static final String PROPERTY = "SgAnswerBy";

    private AnswerDeadline() {
    }

    public static void start(Exchange exchange, long withinMillis) {
        exchange.setProperty(PROPERTY, System.nanoTime() + withinMillis * 1_000_000L);
    }

    /** Moves the deadline {@code millis} later: the second store tried after the first failed gets its own time. */
    public static void extend(Exchange exchange, long millis) {
        Long by = exchange == null ? null : exchange.getProperty(PROPERTY, Long.class);
        if (by != null) {
            exchange.setProperty(PROPERTY, Math.max(by, System.nanoTime()) + millis * 1_000_000L);
        }
    }

    /** Milliseconds left before the answer is due, at most {@code cap}; {@code cap} when no deadline was set. */
    public static long remainingMillis(Exchange exchange, long cap) {
        Long by = exchange == null ? null : exchange.getProperty(PROPERTY, Long.class);
        if (by == null) {
            return cap;
        }
        return Math.max(0, Math.min(cap, (by - System.nanoTime()) / 1_000_000L));
    }
}
