package io.storehub.hub.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Decides a failed queued message's fate ({@link #ACTION}): {@code retry} later (exponential backoff
 * with jitter, at least any {@code Retry-After}) or {@code park} it once {@code maxAttempts} are used
 * or the failure is a {@link PermanentFailure}. A retry is a re-send with Artemis' scheduled delivery
 * header: it holds no consumer thread and survives restarts.
 */
public class RetryPolicy implements Processor {

    public static final String ACTION = "SgRetryAction";
    /** When the next attempt is due, ISO-8601, for logs and for people browsing the queue. */
    public static final String NEXT_ATTEMPT_AT = "SgNextAttemptAt";
    /** Milliseconds a failure asked to wait (Retry-After): a header, or an exchange property (headers of the attempt are gone). */
    public static final String RETRY_AFTER = "SgRetryAfterMillis";
    /** The status of the last failed external call (exchange property), kept as a header on the retried or parked message. */
    public static final String LAST_STATUS = "SgLastStatus";
    /** Artemis: deliver no earlier than this epoch-millis time. */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /** Artemis: broker-side duplicate detection id; must not travel with a re-send of the same message. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private int maxAttempts = 8;
    private Duration initialDelay = Duration.ofSeconds(5);
    private Duration maxDelay = Duration.ofMinutes(30);
    private double multiplier = 2.0;
    private Clock clock = Clock.systemUTC();

    @Override
    public void process(Exchange exchange) {
        Message msg = exchange.getMessage();
        int failures = msg.getHeader(Headers.ATTEMPT, 0, Integer.class) + 1;
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        msg.setHeader(Headers.ATTEMPT, failures);
        msg.setHeader(Headers.FAILURE_REASON, reason(cause));
        msg.setHeader(Headers.FAILED_ROUTE, exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class));
        msg.removeHeader(DUPLICATE_ID);
        msg.removeHeaders("JMS*");
        Object lastStatus = exchange.getProperty(LAST_STATUS);
        if (lastStatus != null) {
            msg.setHeader(LAST_STATUS, lastStatus);
        }
        if (failures < maxAttempts && PermanentFailure.in(cause) == null) {
            long wait = Math.max(delayFor(failures).toMillis(), askedWait(exchange, cause));
            long at = clock.millis() + wait;
            msg.setHeader(SCHEDULED_DELIVERY, at);
            msg.setHeader(NEXT_ATTEMPT_AT, Instant.ofEpochMilli(at).toString());
            msg.setHeader(ACTION, "retry");
        } else {
            msg.removeHeader(SCHEDULED_DELIVERY);
            msg.removeHeader(NEXT_ATTEMPT_AT);
            msg.setHeader(Headers.FAILED_AT, Instant.now(clock).toString());
            msg.setHeader(ACTION, "park");
        }
        msg.removeHeader(RETRY_AFTER);
    }

    /** Backoff before retry number {@code failures}: exponential, capped, with "equal jitter" (50-100 %). */
    public Duration delayFor(int failures) {
        double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
        double capped = Math.min(base, maxDelay.toMillis());
        double jittered = capped / 2 + ThreadLocalRandom.current().nextDouble() * capped / 2;
        return Duration.ofMillis((long) jittered);
    }

    /** The longest wait asked for: {@link #RETRY_AFTER}, or a {@link RetryAfterHint} in the cause chain. */
    static long askedWait(Exchange exchange, Throwable cause) {
        long asked = Math.max(exchange.getMessage().getHeader(RETRY_AFTER, 0L, Long.class),
                exchange.getProperty(RETRY_AFTER, 0L, Long.class));
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryAfterHint hint) {
                asked = Math.max(asked, hint.getRetryAfterMillis());
            }
        }
        return asked;
    }

    static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown failure";
        }
        PermanentFailure permanent = PermanentFailure.in(cause);
        String text = permanent != null ? "Permanent failure: " + permanent.getMessage()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /** ISO-8601 duration, e.g. {@code PT5S}. */
    public void setInitialDelay(String initialDelay) {
        this.initialDelay = Duration.parse(initialDelay);
    }

    /** ISO-8601 duration, e.g. {@code PT30M}. */
    public void setMaxDelay(String maxDelay) {
        this.maxDelay = Duration.parse(maxDelay);
    }

    public void setMultiplier(double multiplier) {
        this.multiplier = multiplier;
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
