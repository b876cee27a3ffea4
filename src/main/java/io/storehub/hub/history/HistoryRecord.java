package io.storehub.hub.history;

import java.util.List;
import java.util.Map;

/**
 * What the routes tell the history, one immutable record per fact. Those that may arrive before the
 * event's own row (another replica, a race with the ingest thread) carry what creates it (type, received time).
 */
sealed interface HistoryRecord {

    String eventId();

    /** The webhook was acknowledged: {@code accepted} (body kept for parsing on the writer thread) or {@code duplicate}. */
    record Received(String eventId, String type, long receivedAt, boolean duplicate, long at, byte[] webhook)
            implements HistoryRecord {
    }

    /**
     * The family route handed the enriched event to the fan-out: what enrichment found and missed, the
     * entity ids, the destinations queued and those a subscription filter skipped, the body as delivered.
     */
    record Dispatched(String eventId, String type, String family, long receivedAt, long at, List<String> queued,
                      List<String> skipped, List<String> fetched, List<String> missing, String email, String name,
                      String headline, Map<String, String> entities, String body, boolean truncated, int bodyBytes,
                      String manualActor) implements HistoryRecord {
    }

    /**
     * One pass of a delivery (tried at once by the dispatch consumer, or taken from the delivery queue):
     * {@code delivered}, {@code retry}, {@code parked}, {@code duplicate-skipped} (already delivered),
     * {@code skipped} (the destination's route had nothing to do) or {@code deferred} (rate limit, back-off,
     * or an earlier delivery of the same entity; {@code detail} says which).
     */
    record Attempt(String eventId, String type, long receivedAt, String destination, long startedAt, long durationMs,
                   Integer attempt, String outcome, Integer httpStatus, String errorClass, String error, Long nextRetryAt,
                   String actor, String detail) implements HistoryRecord {
    }

    /** Processing of the event itself failed: {@code retry} from the events queue or {@code parked} in its DLQ. */
    record DispatchFailure(String eventId, String type, long receivedAt, long at, Integer attempt, String outcome,
                           String errorClass, String error, Long nextRetryAt) implements HistoryRecord {
    }

    /** The id of the trace the event's processing belongs to (tracing on: docs/operations.md, Traces). */
    record Traced(String eventId, String traceId) implements HistoryRecord {
    }

    /** A parked delivery was moved back to the delivery queue (DeadLetters), by whom. */
    record Replayed(String eventId, String type, long receivedAt, String destination, long at, String actor)
            implements HistoryRecord {
    }

    /** An operator asked for a delivery again (redeliver), by whom, and how it was queued. */
    record Manual(String eventId, String destination, long at, String actor, String mode) implements HistoryRecord {
    }
}
