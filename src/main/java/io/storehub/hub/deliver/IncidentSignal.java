package io.storehub.hub.deliver;

/**
 * What one hub instance saw of a destination since the failure-alert recipe's previous check
 * ({@link DestinationHealth#takeSignals}); times are epoch milliseconds, 0 when never.
 *
 * @param backedOff        it failed often enough in a row to back off, and has not succeeded since
 * @param failuresInARow   failed attempts since its last success
 * @param failingSince     the first failure of that run (0: not failing)
 * @param firstError       that first failure's reason; {@code firstStatus} its HTTP status, if any
 * @param parkedAt         the first delivery parked since the previous check (0: none), with its reason and status
 * @param failedDeliveries deliveries whose first attempt failed since the previous check
 */
public record IncidentSignal(String destination, boolean backedOff, int failuresInARow, long failingSince, String firstError,
                             Integer firstStatus, long lastFailureAt, long lastSuccessAt, long parkedAt, String parkedError,
                             Integer parkedStatus, int failedDeliveries) {
}
