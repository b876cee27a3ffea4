package io.storehub.hub.history;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Folds a batch of history records, in queue order, into what it changes per event, delivery and body row,
 * plus the entity ids and timeline steps it adds, so {@link HistoryWriter} writes each row once.
 */
final class HistoryFold {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int maxBodyBytes;

    HistoryFold(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** What a batch changes on one event row. */
    static final class EventDelta {
        final String id;
        String type;
        Long receivedAt;
        boolean creatable;
        String family;
        Long createdAt;
        String ack;
        String status;
        Long statusAt;
        int duplicates;
        Long lastDuplicateAt;
        int dispatches;
        String fetched;
        String missing;
        String email;
        String name;
        String headline;

        EventDelta(String id) {
            this.id = id;
        }

        void identify(String type, Long receivedAt) {
            this.type = or(this.type, type);
            this.receivedAt = or(this.receivedAt, receivedAt);
            creatable = true;
        }
    }

    /** What a batch changes on one (event, destination) row. */
    static final class DeliveryDelta {
        final String eventId;
        final String destination;
        /** Set whatever the row holds. */
        String status;
        /** Only for a new row (a fan-out must not turn a delivered row back into queued). */
        String statusIfNew;
        int attempts;
        Integer httpStatus;
        String error;
        boolean setNextRetry;
        Long nextRetryAt;
        Long deliveredAt;
        long updatedAt;

        DeliveryDelta(String eventId, String destination) {
            this.eventId = eventId;
            this.destination = destination;
        }

        /** A status that also sets (or clears) when the delivery is tried next. */
        void settle(String status, Long nextRetryAt) {
            this.status = status;
            this.setNextRetry = true;
            this.nextRetryAt = nextRetryAt;
        }
    }

    static final class BodyDelta {
        String webhook;
        Boolean webhookTruncated;
        String enriched;
        Boolean enrichedTruncated;
        Integer enrichedBytes;
    }

    /** A timeline row; {@code destinations}: those an enriched step queued (their queued entries, read by EventDetails). */
    record Step(String eventId, long at, String kind, String destination, Integer attempt, String outcome, Integer httpStatus,
                String errorClass, String error, Long durationMs, Long nextRetryAt, String actor, String detail, String destinations) {

        Step(String eventId, long at, String kind, String destination, Integer attempt, String outcome, Integer httpStatus,
             String errorClass, String error, Long durationMs, Long nextRetryAt, String actor, String detail) {
            this(eventId, at, kind, destination, attempt, outcome, httpStatus, errorClass, error, durationMs, nextRetryAt, actor, detail, null);
        }
    }

    /** Longest list of queued destinations an enriched step holds (the column's size); a longer fan-out writes queued steps. */
    static final int MAX_DESTINATIONS = 4000;

    static final class Fold {
        final Map<String, EventDelta> events = new LinkedHashMap<>();
        final Map<String, DeliveryDelta> deliveries = new LinkedHashMap<>();
        final Map<String, BodyDelta> bodies = new LinkedHashMap<>();
        final Map<String, Map<String, String>> entities = new LinkedHashMap<>();
        final List<Step> steps = new ArrayList<>();
        /** Trace id per event (the first one known wins). */
        final Map<String, String> traces = new LinkedHashMap<>();
        /** Event rows that existed before this batch. */
        Set<String> existingEvents = Set.of();

        /** Whether the event's row exists or this batch creates it. */
        boolean known(String eventId) {
            EventDelta e = events.get(eventId);
            return existingEvents.contains(eventId) || (e != null && e.creatable);
        }

        EventDelta event(String id) {
            return events.computeIfAbsent(id, EventDelta::new);
        }

        DeliveryDelta delivery(String eventId, String destination) {
            return deliveries.computeIfAbsent(eventId + '\u0000' + destination, k -> new DeliveryDelta(eventId, destination));
        }

        BodyDelta body(String eventId) {
            return bodies.computeIfAbsent(eventId, k -> new BodyDelta());
        }

        void entities(String eventId, Map<String, String> ids) {
            if (!ids.isEmpty()) {
                entities.computeIfAbsent(eventId, k -> new LinkedHashMap<>()).putAll(ids);
            }
        }
    }

    /** The value, or {@code otherwise} when it is null. */
    static <T> T or(T value, T otherwise) {
        return value != null ? value : otherwise;
    }

    Fold fold(List<HistoryRecord> batch) {
        Fold f = new Fold();
        for (HistoryRecord record : batch) {
            if (record instanceof HistoryRecord.Received r) {
                received(f, r);
            } else if (record instanceof HistoryRecord.Dispatched d) {
                dispatched(f, d);
            } else if (record instanceof HistoryRecord.Attempt a) {
                attempt(f, a);
            } else if (record instanceof HistoryRecord.DispatchFailure x) {
                EventDelta e = f.event(x.eventId());
                e.identify(x.type(), x.receivedAt());
                e.status = "retry".equals(x.outcome()) ? "retrying" : "parked";
                e.statusAt = x.at();
                f.steps.add(new Step(x.eventId(), x.at(), "dispatch", null, x.attempt(), x.outcome(), null, x.errorClass(),
                        x.error(), null, x.nextRetryAt(), null, null));
            } else if (record instanceof HistoryRecord.Replayed r) {
                f.event(r.eventId()).identify(r.type(), r.receivedAt());
                DeliveryDelta d = f.delivery(r.eventId(), r.destination());
                d.settle("replayed", null);
                d.updatedAt = r.at();
                f.steps.add(new Step(r.eventId(), r.at(), "replayed", r.destination(), null, "replayed", null, null, null, null,
                        null, Texts.cap(r.actor(), 100), "moved from the dead letter queue back to the delivery queue"));
            } else if (record instanceof HistoryRecord.Traced t) {
                f.traces.putIfAbsent(t.eventId(), t.traceId());
            } else if (record instanceof HistoryRecord.Manual m) {
                f.event(m.eventId());
                DeliveryDelta d = f.delivery(m.eventId(), m.destination());
                d.status = "queued";
                d.updatedAt = m.at();
                f.steps.add(new Step(m.eventId(), m.at(), "manual", m.destination(), null, "queued", null, null, null, null,
                        null, Texts.cap(m.actor(), 100), m.mode()));
            }
        }
        return f;
    }

    private void received(Fold f, HistoryRecord.Received r) {
        EventDelta e = f.event(r.eventId());
        e.identify(r.type(), r.receivedAt());
        if (r.duplicate()) {
            e.duplicates++;
            e.lastDuplicateAt = r.at();
            return;
        }
        e.ack = "accepted";
        if (r.webhook() == null) {
            return;
        }
        BodyDelta b = f.body(r.eventId());
        b.webhookTruncated = r.webhook().length > maxBodyBytes;
        b.webhook = b.webhookTruncated ? Texts.utf8Prefix(r.webhook(), maxBodyBytes) : new String(r.webhook(), StandardCharsets.UTF_8);
        try {
            Map<?, ?> event = MAPPER.readValue(r.webhook(), Map.class);
            if (event.get("created") instanceof String created) {
                e.createdAt = OffsetDateTime.parse(created).toInstant().toEpochMilli();
            }
            if (event.get("data") instanceof Map<?, ?> data) {
                Map<String, String> ids = new LinkedHashMap<>();
                EntityIds.fromData(data, ids);
                f.entities(r.eventId(), ids);
            }
        } catch (Exception unreadable) {
            // validated at ingest; a body we cannot read again just has no created time or ids here
        }
    }

    private static void dispatched(Fold f, HistoryRecord.Dispatched d) {
        EventDelta e = f.event(d.eventId());
        e.identify(d.type(), d.receivedAt());
        e.family = d.family();
        e.status = d.queued().isEmpty() ? "unsubscribed" : "dispatched";
        e.statusAt = d.at();
        e.dispatches++;
        e.fetched = Texts.cap(String.join(",", d.fetched()), 500);
        e.missing = Texts.cap(String.join(",", d.missing()), 500);
        e.email = or(d.email(), e.email);
        e.name = or(d.name(), e.name);
        e.headline = or(d.headline(), e.headline);
        f.entities(d.eventId(), d.entities());
        if (d.body() != null) {
            BodyDelta b = f.body(d.eventId());
            b.enriched = d.body();
            b.enrichedTruncated = d.truncated();
            b.enrichedBytes = d.bodyBytes();
        }
        StringBuilder detail = new StringBuilder("fetched: ").append(d.fetched().isEmpty() ? "nothing" : String.join(", ", d.fetched()));
        if (!d.missing().isEmpty()) {
            detail.append("; missing: ").append(String.join(", ", d.missing()));
        }
        if (d.queued().isEmpty()) {
            detail.append("; no subscription matches");
        }
        if (d.manualActor() != null) {
            detail.append("; re-dispatched on request");
        }
        // The fan-out's queued state is implied by this step (its destinations, one queued entry each in the
        // timeline): no row per destination until its attempt's outcome. A redelivery an operator asked for
        // moves its row back to queued (it may have been delivered).
        String queued = String.join(",", d.queued());
        boolean listed = queued.length() <= MAX_DESTINATIONS;
        f.steps.add(new Step(d.eventId(), d.at(), "enriched", null, null, d.queued().isEmpty() ? "unsubscribed" : "dispatched", null,
                null, null, d.at() - d.receivedAt(), null, Texts.cap(d.manualActor(), 100), Texts.cap(detail.toString(), 1000),
                listed && !queued.isEmpty() ? queued : null));
        for (String destination : d.queued()) {
            if (d.manualActor() != null) {
                DeliveryDelta q = f.delivery(d.eventId(), destination);
                q.status = "queued";
                q.updatedAt = d.at();
            }
            if (!listed) {
                f.steps.add(new Step(d.eventId(), d.at(), "queued", destination, null, "queued", null, null, null, null, null,
                        Texts.cap(d.manualActor(), 100), null));
            }
        }
        for (String destination : d.skipped()) {
            DeliveryDelta s = f.delivery(d.eventId(), destination);
            if (s.status == null) {
                s.statusIfNew = "skipped";
            }
            s.updatedAt = d.at();
            f.steps.add(new Step(d.eventId(), d.at(), "skipped", destination, null, "skipped", null, null, null, null, null, null,
                    "the subscription's filter did not match"));
        }
    }

    private static void attempt(Fold f, HistoryRecord.Attempt a) {
        f.event(a.eventId()).identify(a.type(), a.receivedAt());
        DeliveryDelta d = f.delivery(a.eventId(), a.destination());
        long at = a.startedAt() + a.durationMs();
        d.updatedAt = at;
        switch (a.outcome()) {
            case "delivered" -> {
                d.settle("delivered", null);
                d.attempts++;
                d.deliveredAt = at;
            }
            case "retry" -> {
                d.settle("retrying", a.nextRetryAt());
                d.attempts++;
            }
            case "parked" -> {
                d.settle("parked", null);
                d.attempts++;
            }
            case "deferred" -> d.settle("deferred", a.nextRetryAt());
            case "skipped" -> d.settle("skipped", null);
            default -> { // duplicate-skipped: already delivered
                if (d.status == null) {
                    d.statusIfNew = "delivered";
                }
            }
        }
        if (a.httpStatus() != null) {
            d.httpStatus = a.httpStatus();
        }
        if (a.error() != null) {
            d.error = a.error();
        }
        f.steps.add(new Step(a.eventId(), a.startedAt(), "attempt", a.destination(), a.attempt(), a.outcome(), a.httpStatus(),
                Texts.cap(a.errorClass(), 200), Texts.cap(a.error(), 1000), a.durationMs(), a.nextRetryAt(), Texts.cap(a.actor(), 100),
                Texts.cap(a.detail(), 1000)));
    }

}
