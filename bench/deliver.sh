#!/usr/bin/env bash
# End-to-end delivery benchmark: signed webhooks in at RATE/s for DURATION seconds (bench/LoadGen.java,
# paced as Storeganise sends), each delivered to three http destinations (a WireMock answering after
# DELAY_MS). Prints acks within 2 s, delivered/s during the load and after it, received->delivered
# p50/p99, the backlog peak, the hub's peak RSS, and checks delivered = 3 x accepted. bench/matrix.sh
# runs this twice (500/s and an overload) next to its other scenarios.
#
#   bench/deliver.sh     (env: RATE=500 DURATION=60 DELAY_MS=20 DRAIN_TIMEOUT=1800)
#   HUB_ARGS="--storeganise.dispatch.max-consumers=48" bench/deliver.sh    other hub settings
#   BENCH_JAVA_OPTS="-Xmx1g" bench/deliver.sh    other JVM options (default: @jvm.options)
#
# Needs: mvn, java 17+, python3, curl; WireMock standalone from ~/.m2 (fetched by Maven if missing).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

RATE=${RATE:-500}
DURATION=${DURATION:-60}
DELAY_MS=${DELAY_MS:-20}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-1800}
read -r -a EXTRA <<< "${HUB_ARGS:-}"

bench_workdir deliver
bench_build
echo "== starting WireMock ($DELAY_MS ms per answer) for three destinations"
bench_start_wiremock "$DELAY_MS"
bench_destinations
echo "== $RATE signed events/s for ${DURATION}s to a fresh hub (java ${BENCH_JAVA_OPTS:-@jvm.options} -jar ${HUB_ARGS:-})"
bench_paced_load deliver "$RATE" "$DURATION" "$DRAIN_TIMEOUT" "${EXTRA[@]}"

echo
echo "acked within 2 s        $(bench_field acked_2s "$LOAD_GEN") of $(bench_field sent "$LOAD_GEN") (200 within 10 s: $(bench_field accepted "$LOAD_GEN"), hub's count: $LOAD_A); ack p50 $(bench_field ack_p50_ms "$LOAD_GEN") ms, p99 $(bench_field ack_p99_ms "$LOAD_GEN") ms"
echo "deliveries              $LOAD_D: $LOAD_DURING/s during the load, $LOAD_AFTER/s after it, $LOAD_OVERALL/s overall; drain ${LOAD_DRAIN}s"
echo "received -> delivered   p50 ${LOAD_P50} ms, p99 ${LOAD_P99} ms (storeganise_delivery_latency)"
echo "backlog peak            $LOAD_PEAK messages (events waiting for dispatch: $LOAD_EVENTS_PEAK; deliveries waiting: $LOAD_DELIVERIES_PEAK)"
echo "hub peak RSS            $LOAD_RSS"
echo "check                   delivered = 3 x accepted: $LOAD_CHECK"
[[ "$LOAD_CHECK" == yes* ]]
