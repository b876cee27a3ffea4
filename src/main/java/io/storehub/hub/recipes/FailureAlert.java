package io.storehub.hub.recipes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.storehub.hub.deliver.DeadLetters;
import io.storehub.hub.deliver.Destination;
import io.storehub.hub.deliver.DestinationRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recipe failure-alert (routes/recipe-failure-alert.camel.yaml, docs/recipes.md): the deliveries parked in
 * the deliveries dead letter queue, grouped by destination, become at most one alert per destination per
 * interval, and only when something was parked since the last alert for that destination.
 *
 * <p>"Once per interval" is durable: the key {@code alert:<destination>:<interval number>} is added to
 * {@code alertRecord} (table CAMEL_MESSAGEPROCESSED, processor {@code storeganise-alert}) before sending, so
 * neither a second check nor a restart repeats it; a failed send removes the key again (tried at the next
 * check). "Something new since the last alert" (the newest parked time already alerted) is kept in memory:
 * after a restart, destinations that still have parked deliveries are alerted once more.
 *
 * <p>The alert is sent directly (routes/recipe-failure-alert.camel.yaml), not through the delivery queue,
 * and the alert destination's own parked deliveries are never alerted about: it cannot loop.
 */
public class FailureAlert {

    private static final Logger LOG = LoggerFactory.getLogger(FailureAlert.class);
    /** Header: the time the check takes as now (tests; the timer does not set it). */
    public static final String NOW = "SgAlertNow";

    private final Map<String, Long> lastAlerted = new ConcurrentHashMap<>();
    private volatile DeadLetters deadLetters;
    private volatile DestinationRegistry registry;
    private IdempotentRepository alertRecord;
    private Duration interval = Duration.ofMinutes(15);
    private String hubUrl = "http://localhost:8080";

    /** Sets the body to the alerts to send now (a list of models, possibly empty). */
    public synchronized void check(Exchange exchange) throws Exception {
        if (registry == null) {
            // looked up here: the beans files are read in no set order (routes/deliver-beans.camel.yaml declares these)
            registry = exchange.getContext().getRegistry().lookupByNameAndType("destinationRegistry", DestinationRegistry.class);
            deadLetters = exchange.getContext().getRegistry().lookupByNameAndType("deadLetters", DeadLetters.class);
        }
        String to = registry.getAlertTo();
        List<Map<String, Object>> alerts = new ArrayList<>();
        exchange.getIn().setBody(alerts);
        if (to == null) {
            return;
        }
        Destination target = registry.get(to);
        Instant now = exchange.getIn().getHeader(NOW, Instant.class);
        now = now == null ? Instant.now() : now;
        long bucket = now.toEpochMilli() / interval.toMillis();
        Map<String, List<Map<String, Object>>> byDestination = new TreeMap<>();
        for (Map<String, Object> d : deadLetters.parked()) {
            Object destination = d.get("destination");
            if (destination != null && !to.equals(destination)) {
                byDestination.computeIfAbsent(destination.toString(), k -> new ArrayList<>()).add(d);
            }
        }
        for (Map.Entry<String, List<Map<String, Object>>> e : byDestination.entrySet()) {
            String destination = e.getKey();
            Map<String, Object> newest = e.getValue().stream()
                    .max(Comparator.comparingLong(d -> ((Number) d.get("parkedAt")).longValue())).orElseThrow();
            long newestAt = ((Number) newest.get("parkedAt")).longValue();
            if (newestAt <= lastAlerted.getOrDefault(destination, Long.MIN_VALUE)) {
                continue;
            }
            String key = "alert:" + destination + ":" + bucket;
            if (!alertRecord.add(key)) {
                continue;
            }
            Map<String, Object> alert = new LinkedHashMap<>();
            alert.put("key", key);
            alert.put("alertTo", to);
            alert.put("alertType", target.getType().id());
            alert.put("destination", destination);
            alert.put("count", e.getValue().size());
            alert.put("newestParkedAt", newestAt);
            alert.put("newestParkedAtText", Instant.ofEpochMilli(newestAt).toString());
            alert.put("newestEventId", newest.get("eventId"));
            alert.put("newestEventType", newest.get("eventType"));
            alert.put("newestReason", newest.get("reason"));
            alert.put("lastStatus", newest.get("lastStatus"));
            alert.put("interval", interval.toString());
            alert.put("listCurl", "curl -H \"Authorization: Bearer $STOREGANISE_ADMIN_TOKEN\" \"" + hubUrl
                    + "/admin/dead-letters?destination=" + destination + "\"");
            alert.put("replayCurl", "curl -X POST -H \"Authorization: Bearer $STOREGANISE_ADMIN_TOKEN\" \"" + hubUrl
                    + "/admin/replay?destination=" + destination + "&all=true\"");
            alerts.add(alert);
        }
    }

    /** After a sent alert: what it covered is not alerted again. */
    public void sent(Map<String, Object> alert) {
        lastAlerted.merge((String) alert.get("destination"), ((Number) alert.get("newestParkedAt")).longValue(), Math::max);
        LOG.info("Failure alert sent to {}: {} parked deliveries of {}", alert.get("alertTo"), alert.get("count"), alert.get("destination"));
    }

    /** After a failed send: the interval's key is removed, so the next check tries again. */
    public void forget(Map<String, Object> alert, Exception failure) {
        alertRecord.remove((String) alert.get("key"));
        LOG.warn("Failure alert about {} could not be sent to {} (tried again at the next check): {}", alert.get("destination"),
                alert.get("alertTo"), failure == null ? "unknown" : failure.getMessage());
    }

    /** Alert rows older than this are of past intervals: deleted by the timer route. */
    public java.sql.Timestamp expireBefore() {
        Duration keep = interval.multipliedBy(2).compareTo(Duration.ofDays(1)) > 0 ? interval.multipliedBy(2) : Duration.ofDays(1);
        return java.sql.Timestamp.from(Instant.now().minus(keep));
    }

    public void setDeadLetters(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    public void setRegistry(DestinationRegistry registry) {
        this.registry = registry;
    }

    public void setAlertRecord(IdempotentRepository alertRecord) {
        this.alertRecord = alertRecord;
    }

    public void setInterval(String interval) {
        this.interval = Duration.parse(interval.trim());
    }

    public void setHubUrl(String hubUrl) {
        this.hubUrl = hubUrl.trim().replaceAll("/+$", "");
    }
}
