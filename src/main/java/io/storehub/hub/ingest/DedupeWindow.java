package io.storehub.hub.ingest;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;

import io.storehub.hub.support.HubConfigurationException;

/**
 * How long event ids are remembered. Storeganise retries a delivery within minutes, but an
 * operator can re-send an old webhook from the portal, so the window is at least seven days.
 */
public class DedupeWindow {

    static final Duration MINIMUM = Duration.ofDays(7);

    private Duration window = MINIMUM;
    private Clock clock = Clock.systemUTC();

    /** ISO-8601 duration, at least {@code P7D}. */
    public void setWindow(String window) {
        Duration parsed = Duration.parse(window);
        if (parsed.compareTo(MINIMUM) < 0) {
            throw new HubConfigurationException("storeganise.webhook.dedupe-window is " + window
                    + ": it must be at least P7D so that re-sent deliveries are still recognised.");
        }
        this.window = parsed;
    }

    /** Ids recorded before this instant may be forgotten. */
    public Timestamp cutoff() {
        return Timestamp.from(clock.instant().minus(window));
    }

    /**
     * Whether an id recorded at or after {@code sinceMillis} is still remembered now, with an hour to spare
     * (the hourly expiry, the replicas' clocks).
     */
    public boolean remembersSince(long sinceMillis) {
        return clock.millis() - sinceMillis < window.minusHours(1).toMillis();
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
