#!/usr/bin/env bash
# Ingest benchmark: builds and starts the packaged hub on its embedded defaults (persistent Artemis
# journal + H2 file database in a fresh data dir), drives signed webhooks at it with wrk for a fixed
# time at 32 connections, every request a distinct event id, and prints acknowledged events/s,
# p50/p99 ack latency, errors and the hub's peak RSS. bench/matrix.sh runs this as one of its scenarios,
# next to a bare platform-http route measured in the same run.
#
#   bench/ingest.sh [duration-seconds]      (default 30)
#   HUB_ARGS="--storeganise.dispatch.enabled=false" bench/ingest.sh   ingest alone: events are stored and
#                                           wait in the queue (what a burst costs before processing)
#   BENCH_JAVA_OPTS="-Xmx512m" bench/ingest.sh   other JVM options (default: @jvm.options)
#
# Targets (2-core machine): >= 10,000 acknowledged events/s, p99 < 25 ms, zero non-200s, RSS < 512 MiB.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

DURATION=${1:-30}
WARMUP=${WARMUP_SECONDS:-120} # on 2 cores the JIT compiles for 2-3 minutes
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-${JAVA_OPTS:-}}
read -r -a EXTRA <<< "${HUB_ARGS:-}"

bench_workdir ingest
bench_ensure_wrk
bench_build
bench_prepare_wrk "$WARMUP" "$DURATION"

echo "== starting the hub (java ${BENCH_JAVA_OPTS:-@jvm.options} -jar ${HUB_ARGS:-})"
bench_start_hub hub "${EXTRA[@]}"
echo "   JVM running the hub: $(bench_hub_jvm_settings)"
echo "== ${WARMUP}s warm-up, then the measured run: ${DURATION}s, $BENCH_WRK_CONNECTIONS connections"
LINE=$(bench_run_wrk hub "$WARMUP" "$DURATION")
ACCEPTED=$(bench_field accepted "$LINE")
bench_hub_peak_rss

echo
echo "== results"
cat "$BENCH_WORK/wrk-hub.out"
printf "acknowledged (stored) events/s : %.0f\n" "$(bench_calc "$ACCEPTED / $(bench_field duration_s "$LINE")")"
echo "requests sent                  : $(bench_field requests "$LINE") (accepted in the run: $ACCEPTED)"
echo "ack latency p50 / p90 / p99 / max (ms) : $(bench_field p50_ms "$LINE") / $(bench_field p90_ms "$LINE") / $(bench_field p99_ms "$LINE") / $(bench_field max_ms "$LINE")"
echo "errors: non-200 $(bench_field non2xx "$LINE"), socket $(bench_field socket_errors "$LINE")"
echo "hub peak RSS                   : $BENCH_LAST_RSS"
echo "machine                        : $(nproc) cores, $(uname -r); wrk and the hub share them"
