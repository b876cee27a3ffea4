package io.storehub.hub.deliver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.storehub.hub.support.Headers;
import io.storehub.hub.support.RetryPolicy;
import org.apache.camel.Exchange;

/**
 * How each destination has been answering lately, as this instance saw it: after {@code failuresToBackOff}
 * failures in a row it backs off (doubling, capped): its new deliveries are queued instead of tried on the
 * dispatch consumers (docs/destinations.md). In memory on purpose: it only decides where an attempt is
 * made, never whether a delivery happens.
 */
public class DestinationHealth {

    private int failuresToBackOff = 3;
    private Duration initialBackOff = Duration.ofSeconds(5);
    private Duration maxBackOff = Duration.ofMinutes(5);
    private final Map<String, State> states = new ConcurrentHashMap<>();

    static final class State {
        int failuresInARow;
        long backingOffUntil;
        long lastSuccessAt;
        long lastFailureAt;
        String lastError;
        // for the failure-alert recipe's incidents (IncidentSignal): the current run of failures, the
        // first delivery parked since the last check, the deliveries that failed since the last check
        long failingSince;
        String firstError;
        Integer firstStatus;
        long parkedAt;
        String parkedError;
        Integer parkedStatus;
        int failedDeliveries;
    }

    /** After a successful send to the destination in SgDestination. */
    public void succeeded(Exchange exchange) {
        State s = state(exchange.getProperty(DestinationRegistry.DESTINATION, String.class));
        synchronized (s) {
            s.failuresInARow = 0;
            s.backingOffUntil = 0;
            s.failingSince = 0;
            s.lastSuccessAt = System.currentTimeMillis();
        }
    }

    /** After a failed send (retried or parked), with the failure's reason. */
    public void failed(Exchange exchange) {
        String name = exchange.getProperty(DestinationRegistry.DESTINATION, String.class);
        if (name == null) {
            return;
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        State s = state(name);
        synchronized (s) {
            long now = System.currentTimeMillis();
            s.failuresInARow++;
            s.lastFailureAt = now;
            s.lastError = cause == null ? null : cause.getMessage();
            Integer status = httpStatus(exchange.getMessage().getHeader(RetryPolicy.LAST_STATUS));
            if (s.failingSince == 0) {
                s.failingSince = now;
                s.firstError = s.lastError;
                s.firstStatus = status;
            }
            if (exchange.getMessage().getHeader(Headers.ATTEMPT, 1, Integer.class) <= 1) {
                s.failedDeliveries++; // a delivery's first failure: one more delivery failed
            }
            if (!"retry".equals(exchange.getMessage().getHeader(RetryPolicy.ACTION)) && s.parkedAt == 0) {
                s.parkedAt = now;
                s.parkedError = s.lastError;
                s.parkedStatus = status;
            }
            int over = s.failuresInARow - failuresToBackOff;
            if (over >= 0) {
                long wait = Math.min(maxBackOff.toMillis(), initialBackOff.toMillis() << Math.min(over, 20));
                s.backingOffUntil = now + wait;
            }
        }
    }

    /** Epoch ms until which new deliveries to this destination go to the queue (with a little jitter), or 0. */
    public long backingOffUntil(String destination) {
        State s = states.get(destination);
        if (s == null) {
            return 0;
        }
        long until;
        synchronized (s) {
            until = s.backingOffUntil;
        }
        if (until <= System.currentTimeMillis()) {
            return 0;
        }
        // spread the queued deliveries a little, so they do not all come back in the same millisecond
        return until + ThreadLocalRandom.current().nextLong(0, 1 + initialBackOff.toMillis() / 5);
    }

    /** For the admin API and console: state per destination seen so far. */
    public Map<String, Object> describe(String destination) {
        State s = states.get(destination);
        Map<String, Object> d = new LinkedHashMap<>();
        if (s == null) {
            d.put("state", "unknown");
            return d;
        }
        synchronized (s) {
            boolean backingOff = s.backingOffUntil > System.currentTimeMillis();
            d.put("state", backingOff ? "backing-off" : s.failuresInARow > 0 ? "failing" : "ok");
            d.put("failuresInARow", s.failuresInARow);
            if (backingOff) {
                d.put("backingOffUntil", Instant.ofEpochMilli(s.backingOffUntil).toString());
            }
            if (s.lastSuccessAt > 0) {
                d.put("lastSuccessAt", Instant.ofEpochMilli(s.lastSuccessAt).toString());
            }
            if (s.lastFailureAt > 0) {
                d.put("lastFailureAt", Instant.ofEpochMilli(s.lastFailureAt).toString());
                d.put("lastError", s.lastError);
            }
        }
        return d;
    }

    /**
     * For the failure-alert recipe's periodic check: what this instance saw of each destination, the
     * parked delivery and the failed-delivery count since the previous call being handed over (reset).
     * Cheap: memory only, read once per check.
     */
    public List<IncidentSignal> takeSignals() {
        List<IncidentSignal> signals = new ArrayList<>();
        states.forEach((name, s) -> {
            synchronized (s) {
                signals.add(new IncidentSignal(name, s.failuresInARow >= failuresToBackOff, s.failuresInARow, s.failingSince,
                        s.firstError, s.firstStatus, s.lastFailureAt, s.lastSuccessAt, s.parkedAt, s.parkedError, s.parkedStatus,
                        s.failedDeliveries));
                s.parkedAt = 0;
                s.parkedError = null;
                s.parkedStatus = null;
                s.failedDeliveries = 0;
            }
        });
        return signals;
    }

    /** The last status when it is an HTTP status (it may also be a Slack API error or an exception's name). */
    private static Integer httpStatus(Object status) {
        if (status instanceof Number n) {
            return n.intValue();
        }
        return status instanceof String text && text.matches("[1-5][0-9][0-9]") ? Integer.valueOf(text) : null;
    }

    private State state(String destination) {
        return states.computeIfAbsent(destination == null ? "?" : destination, d -> new State());
    }

    public void setFailuresToBackOff(int failuresToBackOff) {
        this.failuresToBackOff = Math.max(1, failuresToBackOff);
    }

    /** ISO-8601 duration of the first back-off (default PT5S); doubles per further failure. */
    public void setInitialBackOff(String initialBackOff) {
        this.initialBackOff = Duration.parse(initialBackOff);
    }

    /** ISO-8601 duration, the longest back-off (default PT5M). */
    public void setMaxBackOff(String maxBackOff) {
        this.maxBackOff = Duration.parse(maxBackOff);
    }
}
