package io.storehub.hub.enrich;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

import io.storehub.hub.support.JsonPaths;

/** The dates of the enriched event's summary ({@link EnrichedEventFinish}): ISO in the site's zone, and for people. */
final class EventDates {

    private EventDates() {
    }

    /** The job's own date for jobs (the move-in day), else when the event happened. */
    static String dateSource(Map<String, Object> event) {
        String family = JsonPaths.text(event, "family");
        if (family != null && family.startsWith("job-")) {
            String jobDate = JsonPaths.first(event, "job.data.date job.date valetOrder.date");
            if (jobDate != null) {
                return jobDate;
            }
        }
        return JsonPaths.text(event, "event.created");
    }

    static String isoDate(String value, ZoneId zone) {
        if (value == null) {
            return null;
        }
        if (value.length() == 10) {
            return value; // a calendar day (e.g. a move-in date) has no time zone to convert
        }
        Instant instant = instant(value);
        if (instant == null) {
            return value;
        }
        ZonedDateTime at = instant.atZone(zone != null ? zone : ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        return at.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    static String humanDate(String value, ZoneId zone, Locale locale) {
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).format(DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale));
            }
            Instant instant = instant(value);
            if (instant == null) {
                return null;
            }
            ZonedDateTime at = instant.atZone(zone != null ? zone : ZoneOffset.UTC);
            return at.format(DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale))
                    + (zone == null ? " UTC" : "");
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Instant instant(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeException e2) {
                return null;
            }
        }
    }

}
