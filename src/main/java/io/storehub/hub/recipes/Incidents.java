package io.storehub.hub.recipes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.storehub.hub.deliver.DeadLetters;
import io.storehub.hub.deliver.DestinationHealth;
import io.storehub.hub.deliver.DestinationRegistry;
import io.storehub.hub.deliver.IncidentSignal;
import io.storehub.hub.history.TextScrub;
import io.storehub.hub.recipes.IncidentStore.Incident;
import io.storehub.hub.tenant.AccessScope;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recipe failure-alert (docs/recipes.md): an incident opens when a destination starts failing and closes
 * when it delivers again, with at most one reminder per interval between. Each instance's {@link #check}
 * works on what it saw itself ({@link DestinationHealth#takeSignals}); {@link IncidentStore}'s conditional
 * statements decide which instance sends, so a cluster sends each message once.
 */
public class Incidents {

    private static final Logger LOG = LoggerFactory.getLogger(Incidents.class);
    /** Header: the time the check takes as now (tests; the timer does not set it). */
    public static final String NOW = "SgAlertNow";
    /** How long an instance holds a message it is sending; one not sent by then is sent by the next check. */
    private static final long CLAIM = Duration.ofMinutes(5).toMillis();

    private volatile DestinationHealth health;
    private volatile DeadLetters deadLetters;
    private volatile DestinationRegistry registry;
    private volatile TextScrub scrub;
    private IncidentStore store;
    private Duration interval = Duration.ofMinutes(15);
    private String hubUrl = "http://localhost:8080";
    private boolean storeganiseTask;

    /** Sets the body to the messages this instance sends now (a list of models, possibly empty). */
    public synchronized void check(Exchange exchange) throws Exception {
        lookUp(exchange);
        Instant at = exchange.getIn().getHeader(NOW, Instant.class);
        long now = at == null ? System.currentTimeMillis() : at.toEpochMilli();
        long claim = Math.max(now, System.currentTimeMillis()) + CLAIM;
        List<Map<String, Object>> notices = new ArrayList<>();
        Map<String, Incident> open = store.open();
        for (IncidentSignal s : health.takeSignals()) {
            Incident current = open.get(s.destination());
            if (current != null && recovered(s, current)) {
                open.remove(s.destination());
                if (store.close(current, s.failedDeliveries(), now, toAlert(s.destination()), claim)) {
                    notices.add(notice(store.find(s.destination())));
                }
            } else if (current != null) {
                if (s.failedDeliveries() > 0) {
                    store.addFailed(current, s.failedDeliveries());
                }
            } else {
                opening(s, now, claim, notices);
            }
        }
        for (Incident i : open.values()) {
            if (store.remind(i, now, now - interval.toMillis(), toAlert(i.destination()), claim)) {
                notices.add(notice(store.find(i.destination())));
            }
        }
        for (Incident unsent : store.claimUnsent(now, claim)) {
            notices.add(notice(unsent));
        }
        exchange.getIn().setBody(notices);
    }

    /** Delivered again with none failed since the previous check (one failing now and then stays in its incident). */
    private static boolean recovered(IncidentSignal s, Incident current) {
        return s.failuresInARow() == 0 && s.lastSuccessAt() > current.failingSince() && s.failedDeliveries() == 0 && s.parkedAt() == 0;
    }

    /** Opens an incident for a destination that started failing (on this instance), unless another instance did. */
    private void opening(IncidentSignal s, long now, long claim, List<Map<String, Object>> notices) throws Exception {
        if (s.parkedAt() == 0 && !s.backedOff()) {
            return;
        }
        Incident last = store.find(s.destination());
        if (last != null && last.open()) { // opened by another instance since this check began
            if (s.failedDeliveries() > 0) {
                store.addFailed(last, s.failedDeliveries());
            }
            return;
        }
        long closedAt = last == null || last.closedAt() == null ? 0 : last.closedAt();
        // a delivery parked, or failures in a row, after the last incident closed: not what that one was about
        boolean parked = s.parkedAt() > closedAt;
        boolean backedOff = s.backedOff() && s.lastFailureAt() > closedAt;
        if (!parked && !backedOff) {
            return;
        }
        boolean runFirst = s.failingSince() > 0 && (!parked || s.failingSince() <= s.parkedAt());
        long since = runFirst ? s.failingSince() : s.parkedAt();
        String error = runFirst ? s.firstError() : s.parkedError();
        Integer status = runFirst ? s.firstStatus() : s.parkedStatus();
        if (store.open(last, s.destination(), since, error, status, Math.max(1, s.failedDeliveries()), now,
                toAlert(s.destination()), storeganiseTask, claim)) {
            notices.add(notice(store.find(s.destination())));
        }
    }

    /** Whether messages about this destination go to the alert destination: never about the alert destination itself. */
    private boolean toAlert(String destination) {
        String to = registry.getAlertTo();
        return to != null && !to.equals(destination);
    }

    /** The model of a message (the templates' body), from the incident's row. */
    Map<String, Object> notice(Incident i) throws Exception {
        Map<String, Object> n = new LinkedHashMap<>();
        String to = registry.getAlertTo();
        n.put("kind", i.notice());
        n.put("opened", "open".equals(i.notice()));
        n.put("reminder", "reminder".equals(i.notice()));
        n.put("recovered", "recovery".equals(i.notice()));
        n.put("destination", i.destination());
        n.put("incident", i.number());
        String error = scrub.clean(i.firstError() == null ? "unknown failure" : i.firstError());
        n.put("firstError", error);
        n.put("errorShort", error.length() > 120 ? error.substring(0, 117) + "..." : error);
        n.put("httpStatus", i.httpStatus());
        n.put("failingSince", Instant.ofEpochMilli(i.failingSince()).toString());
        n.put("failed", i.failed());
        n.put("parked", deadLetters.parkedList(AccessScope.ALL, i.destination(), 0).get("count"));
        long end = i.closedAt() != null ? i.closedAt() : i.noticeAt();
        n.put("duration", duration(Math.max(0, end - i.failingSince())));
        n.put("interval", interval.toString());
        n.put("consoleUrl", hubUrl + "/console/events?destination=" + i.destination());
        n.put("replayUrl", hubUrl + "/console/dead-letters?destination=" + i.destination());
        n.put("alertTo", to);
        n.put("alertType", to == null ? null : registry.get(to).getType().id());
        n.put("sendTo", i.toPending());
        n.put("sendTask", i.taskPending());
        n.put("key", "incident:" + i.destination() + ":" + i.number() + ":" + i.notice() + ":" + i.noticeAt());
        if (!i.toPending() && !i.taskPending()) {
            LOG.warn("Incident {} of {} ({}): no channel to tell it through (it is the alert destination itself)", i.number(),
                    i.destination(), i.notice());
        }
        return n;
    }

    /** After one channel ({@code to} or {@code task}) of a message was sent. */
    public void sent(Map<String, Object> notice, String channel) throws Exception {
        store.sent((String) notice.get("destination"), (Integer) notice.get("incident"), (String) notice.get("kind"), channel);
        LOG.info("Incident {} of {}: {} message sent ({})", notice.get("incident"), notice.get("destination"), notice.get("kind"),
                "task".equals(channel) ? "Storeganise task" : notice.get("alertTo"));
    }

    /** After one channel of a message failed: it is tried again at a later check. */
    public void failed(Map<String, Object> notice, String channel, Exception failure) {
        LOG.warn("Incident {} of {}: the {} message could not be sent ({}), tried again at a later check: {}", notice.get("incident"),
                notice.get("destination"), notice.get("kind"), "task".equals(channel) ? "Storeganise task" : notice.get("alertTo"),
                failure == null ? "unknown" : failure.getMessage());
    }

    /** After a message's channels were tried: what was not sent is claimed again at a later check. */
    public void done(Map<String, Object> notice) throws Exception {
        store.release((String) notice.get("destination"), (Integer) notice.get("incident"), (String) notice.get("kind"));
    }

    static String duration(long millis) {
        Duration d = Duration.ofMillis(millis);
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m " + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }

    // the beans files are read in no set order (routes/deliver-beans.camel.yaml declares these): looked up when first needed
    private void lookUp(Exchange exchange) {
        if (registry == null) {
            var beans = exchange.getContext().getRegistry();
            health = beans.lookupByNameAndType("destinationHealth", DestinationHealth.class);
            deadLetters = beans.lookupByNameAndType("deadLetters", DeadLetters.class);
            scrub = TextScrub.from(exchange.getContext());
            registry = beans.lookupByNameAndType("destinationRegistry", DestinationRegistry.class);
        }
    }

    public void setStore(IncidentStore store) {
        this.store = store;
    }

    public void setInterval(String interval) {
        this.interval = Duration.parse(interval.trim());
    }

    public void setHubUrl(String hubUrl) {
        this.hubUrl = hubUrl.trim().replaceAll("/+$", "");
    }

    /** {@code storeganise.recipes.failure-alert.storeganise-task}: an opened incident is also a Storeganise staff task. */
    public void setStoreganiseTask(boolean storeganiseTask) {
        this.storeganiseTask = storeganiseTask;
    }
}
