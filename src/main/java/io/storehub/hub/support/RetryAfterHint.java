package io.storehub.hub.support;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A failure that knows how long the other side asked to wait ({@code Retry-After}), for {@link RetryPolicy}:
 * it travels with the exception because headers set while processing are gone when the policy runs.
 */
public interface RetryAfterHint {

    /** Milliseconds to wait at least, 0 when there is no hint. */
    long getRetryAfterMillis();

    /** A {@code Retry-After} header: (delta-)seconds or an HTTP date; 0 when absent or unreadable, at most {@code cap}. */
    static long millis(String value, Clock clock, Duration cap) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim();
        long millis;
        try {
            millis = (long) (Double.parseDouble(v) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                millis = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - clock.millis();
            } catch (DateTimeParseException notADate) {
                return 0;
            }
        }
        return Math.max(0, Math.min(millis, cap.toMillis()));
    }
}
