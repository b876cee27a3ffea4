package io.storehub.hub.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused requests at most once per error code and interval, so a flood of bad requests (wrong
 * signatures, wrong admin tokens) does not flood the log: the next line of a code says how many were
 * left out since its last one. Every refused webhook is still counted ({@code storeganise_webhook_received_total}).
 * The codes are the hub's own, a bounded set.
 */
final class RejectionLog {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private Duration interval = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private static final class Window {
        boolean logged;
        long loggedAt;
        long leftOut;
    }

    void log(int status, String code, String detail) {
        long now = clock.millis();
        Window window = windows.computeIfAbsent(code, c -> new Window());
        long leftOut;
        long since;
        synchronized (window) {
            if (window.logged && now - window.loggedAt < interval.toMillis()) {
                window.leftOut++;
                return;
            }
            leftOut = window.leftOut;
            since = window.loggedAt;
            window.logged = true;
            window.loggedAt = now;
            window.leftOut = 0;
        }
        if (leftOut == 0) {
            LOG.info("Request rejected: {} {} ({})", status, code, detail);
        } else {
            LOG.info("Request rejected: {} {} ({}); {} more not logged since {}", status, code, detail, leftOut,
                    Instant.ofEpochMilli(since));
        }
    }

    void setInterval(Duration interval) {
        this.interval = interval;
    }

    void setClock(Clock clock) {
        this.clock = clock;
    }
}
