#!/usr/bin/env bash
# Hub CPU per delivery (issue 17): the hub process's CPU time (utime + stime from /proc/<pid>/stat, in
# clock ticks of `getconf CLK_TCK`) from the first measured request until every accepted event is
# delivered, divided by the deliveries made in that window. Acknowledgements, dispatch, enrichment,
# sends and records are all included. The scenario: a fresh hub warmed for WARMUP s at WARMUP_RATE
# events/s (delivered, not counted), then RATE events/s for DURATION s (bench/LoadGen.java: every event
# has its own id, shaped as Storeganise's ObjectIds unless BENCH_IDS=random, and its own entity ids) to
# three `http` destinations on a WireMock answering after DELAY_MS. With ENRICH=1 (the default) the hub
# enriches every event through a Storeganise API on the same WireMock (fixtures of
# src/test/resources/storeganise, answering after DELAY_MS, at most API_CONCURRENCY calls in flight):
# the fetches its family makes are real HTTP calls. ENRICH=0: no API configured, events delivered
# unenriched (the scenario of the figures in docs/benchmarks.md before 2026-12-07 12:30 UTC).
# Also prints acks within 2 s and their p99, deliveries, delivered = 3 x accepted, and the peak RSS.
#
#   bench/cpu-per-delivery.sh     (env: RATE=250 DURATION=60 WARMUP=60 WARMUP_RATE=150 DELAY_MS=20 DRAIN_TIMEOUT=600
#                                  ENRICH=1 API_CONCURRENCY=64)
#   DURATION=10 WARMUP=10 bench/cpu-per-delivery.sh     a quick check of the script
#   HUB_ARGS="--storeganise.history.enabled=false" bench/cpu-per-delivery.sh     other hub settings
#   PROFILE=1 bench/cpu-per-delivery.sh     also where the CPU went: async-profiler on the hub for the
#                                           measured window (the figure then includes the profiler's own
#                                           cost), its collapsed stacks in target/profile-cpu.collapsed
#
# Needs a quiet machine for a figure worth keeping: the sender and WireMock share the cores with the
# hub (their CPU is not counted, but they slow it). This machine's speed drifts by 10-30 % between runs
# minutes apart, more than most changes: compare two builds or settings with bench/side-by-side.sh, which
# runs this script for both at once. BENCH_JAVA_OPTS, BENCH_SKIP_BUILD, BENCH_KEEP:
# see bench/lib.sh. Prints a last line "CPU_PER_DELIVERY ms=... cpu_s=... deliveries=..." for scripts.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

RATE=${RATE:-250}
DURATION=${DURATION:-60}
DELAY_MS=${DELAY_MS:-20}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-600}
ENRICH=${ENRICH:-1}
API_CONCURRENCY=${API_CONCURRENCY:-64}
export BENCH_PACED_WARMUP_SECONDS=${WARMUP:-60}
export BENCH_PACED_WARMUP_RATE=${WARMUP_RATE:-150}
export BENCH_PROFILE=${PROFILE:-0}
read -r -a EXTRA <<< "${HUB_ARGS:-}"

bench_workdir cpu
bench_build
echo "== starting WireMock ($DELAY_MS ms per answer) for three destinations"
bench_start_wiremock "$DELAY_MS"
bench_destinations
BENCH_STOREGANISE_ARGS=()
if [ "$ENRICH" = 1 ]; then
  bench_storeganise_api "$API_CONCURRENCY"
fi
echo "== $RATE signed events/s for ${DURATION}s to a fresh hub (${BENCH_JAVA_OPTS:-plain java -jar} ${HUB_ARGS:-}), enrichment: $( [ "$ENRICH" = 1 ] && echo "Storeganise API on the WireMock, $API_CONCURRENCY calls in flight at most" || echo "none, no API configured")"
bench_paced_load cpu "$RATE" "$DURATION" "$DRAIN_TIMEOUT" "${BENCH_STOREGANISE_ARGS[@]}" "${EXTRA[@]}"

echo
echo "hub CPU per delivery    $LOAD_CPU_MS ms ($LOAD_CPU_S s of CPU for $LOAD_D deliveries, $(getconf CLK_TCK) ticks/s; load ${DURATION}s + drain ${LOAD_DRAIN}s)"
echo "acked within 2 s        $(bench_field acked_2s "$LOAD_GEN") of $(bench_field sent "$LOAD_GEN"); ack p50 $(bench_field ack_p50_ms "$LOAD_GEN") ms, p99 $(bench_field ack_p99_ms "$LOAD_GEN") ms"
echo "deliveries              $LOAD_D: $LOAD_DURING/s during the load; received -> delivered p50 ${LOAD_P50} ms, p99 ${LOAD_P99} ms"
echo "hub CPU by thread       $LOAD_THREADS"
echo "hub peak RSS            $LOAD_RSS"
echo "check                   delivered = 3 x accepted: $LOAD_CHECK"
if [ "$ENRICH" = 1 ]; then
  echo "enrichment              $LOAD_LOOKUPS"
fi
if [ -n "$LOAD_PROFILE" ]; then
  echo "profile                 $LOAD_PROFILE"
  python3 "$BENCH_ROOT/bench/metrics.py" - profile "$LOAD_PROFILE" | sed 's/^/                        /'
fi
echo "CPU_PER_DELIVERY ms=$LOAD_CPU_MS cpu_s=$LOAD_CPU_S deliveries=$LOAD_D"
[[ "$LOAD_CHECK" == yes* ]]
