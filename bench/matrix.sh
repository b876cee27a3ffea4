#!/usr/bin/env bash
# The whole benchmark matrix of issue 10 in one session on one machine, printed as one table
# (docs/benchmarks.md, "The matrix", says how to read it):
#
#   1. bare     a bare platform-http route answering 200 (bench/bare.camel.yaml: same jar, same JVM
#               options, same HTTP stack), wrk at 32 connections, distinct pre-signed events: the
#               reference that turns a noisy machine into noise instead of a regression
#   2. full     the full hub on its embedded defaults, the same wrk load: acknowledged events/s, ratio
#               to the bare route, ack p50/p99
#   3. paced    RATE events/s (500) x 3 http destinations (WireMock answering after 20 ms) for SECONDS
#               with a paced sender (bench/LoadGen.java): acked within 2 s, ack p99, deliveries/s
#               during the load and overall, received->delivered p50/p99, delivered = 3 x accepted
#   4. overload OVERLOAD_RATE events/s (issue 10: 3x what the hub can deliver, measured in the paced
#               run; or a fixed rate) x 3 destinations for SECONDS:
#               100 % acked?, ack p99, backlog peak, drain time, delivered = 3 x accepted
# with the hub's peak RSS in each and the JVM options used. Every scenario starts a fresh hub on a fresh data directory.
#
#   bench/matrix.sh                      the real run: ~15-40 min depending on how fast the backlog drains
#   MATRIX_SECONDS=10 bench/matrix.sh    a quick check of the script (every load 10 s)
#
# Environment (all optional):
#   MATRIX_SECONDS           duration of the paced and overload loads (60), and of the wrk runs unless
#                            MATRIX_WRK_SECONDS is set (30)
#   MATRIX_WARMUP_SECONDS    wrk warm-up before each measured wrk run (120: on 2 cores the JIT compiles for 2-3 minutes)
#   MATRIX_RATE              paced rate, events/s (500)
#   MATRIX_OVERLOAD_RATE     overload rate, events/s ("auto", the default: 3x what the hub delivered in
#                            the paced run, its drain rate when there was a backlog; or a number, e.g.
#                            1500 = 3x the 500 events/s target)
#   MATRIX_DELAY_MS          destination answer time (20)
#   MATRIX_DRAIN_TIMEOUT     seconds to wait for a backlog to be delivered (1800)
#   MATRIX_HUB_ARGS          extra hub arguments for every scenario, e.g. "--storeganise.delivery.consumers=16"
#   BENCH_JAVA_OPTS, BENCH_SKIP_BUILD, BENCH_KEEP: see bench/lib.sh (default: `java @jvm.options -jar`)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

LOAD_SECONDS=${MATRIX_SECONDS:-60}
WRK_SECONDS=${MATRIX_WRK_SECONDS:-${MATRIX_SECONDS:-30}}
WARMUP=${MATRIX_WARMUP_SECONDS:-120}
RATE=${MATRIX_RATE:-500}
OVERLOAD_RATE=${MATRIX_OVERLOAD_RATE:-auto}
DELAY_MS=${MATRIX_DELAY_MS:-20}
DRAIN_TIMEOUT=${MATRIX_DRAIN_TIMEOUT:-1800}
read -r -a HUB_ARGS <<< "${MATRIX_HUB_ARGS:-}"

bench_workdir matrix
bench_ensure_wrk
bench_build
cd "$BENCH_ROOT"
echo "== work directory $BENCH_WORK"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%FT%TZ)

bench_prepare_wrk "$WARMUP" "$WRK_SECONDS"

# ---------------------------------------------------------------------------------------------
echo "== 1/4 bare platform-http route, wrk $BENCH_WRK_CONNECTIONS connections, ${WRK_SECONDS}s"
bench_start_hub bare --camel.main.routes-include-pattern=file:bench/bare.camel.yaml "${HUB_ARGS[@]}"
JVM_SETTINGS=$(bench_hub_jvm_settings)
echo "   hub JVM options: $JVM_SETTINGS"
BARE=$(bench_run_wrk bare "$WARMUP" "$WRK_SECONDS")
bench_hub_peak_rss; BARE_RSS=$BENCH_LAST_RSS; BENCH_MAX_RSS=$BENCH_RSS_MIB
bench_stop_hub
BARE_RPS=$(bench_calc "round($(bench_field requests "$BARE") / $(bench_field duration_s "$BARE"))")
echo "   $BARE_RPS requests/s, p50 $(bench_field p50_ms "$BARE") ms, p99 $(bench_field p99_ms "$BARE") ms, non-200 $(bench_field non2xx "$BARE"), peak RSS $BARE_RSS"

# ---------------------------------------------------------------------------------------------
echo "== 2/4 full hub (embedded defaults), the same wrk load"
bench_start_hub full "${HUB_ARGS[@]}"
FULL=$(bench_run_wrk full "$WARMUP" "$WRK_SECONDS")
bench_hub_peak_rss; FULL_RSS=$BENCH_LAST_RSS; BENCH_MAX_RSS=$(( BENCH_RSS_MIB > BENCH_MAX_RSS ? BENCH_RSS_MIB : BENCH_MAX_RSS ))
bench_stop_hub
# acknowledged = stored during the measured run (warm-up excluded), by the hub's own count
FULL_ACK_RATE=$(bench_calc "round($(bench_field accepted "$FULL") / $(bench_field duration_s "$FULL"))")
FULL_RATIO=$(bench_calc "'%.2f' % ($FULL_ACK_RATE / $BARE_RPS)")
echo "   $FULL_ACK_RATE acknowledged events/s (${FULL_RATIO}x the bare route), p50 $(bench_field p50_ms "$FULL") ms, p99 $(bench_field p99_ms "$FULL") ms, non-200 $(bench_field non2xx "$FULL"), peak RSS $FULL_RSS"

# ---------------------------------------------------------------------------------------------
bench_start_wiremock "$DELAY_MS"
bench_destinations
echo "== 3/4 $RATE events/s x 3 http destinations (answering after $DELAY_MS ms) for ${LOAD_SECONDS}s"
bench_paced_load paced "$RATE" "$LOAD_SECONDS" "$DRAIN_TIMEOUT" "${HUB_ARGS[@]}"
P_GEN=$LOAD_GEN; P_A=$LOAD_A; P_DURING=$LOAD_DURING; P_OVERALL=$LOAD_OVERALL; P_AFTER=$LOAD_AFTER; P_P50=$LOAD_P50; P_P99=$LOAD_P99
P_CHECK=$LOAD_CHECK; P_RSS=$LOAD_RSS; P_DRAIN=$LOAD_DRAIN; P_PEAK=$LOAD_PEAK; P_CPU=$LOAD_CPU_MS

if [ "$OVERLOAD_RATE" = auto ]; then
  # deliveries/s / 3 destinations = events/s the hub delivers; three times that is the overload
  CAPACITY=$(( P_AFTER > P_DURING ? P_AFTER : P_DURING ))
  OVERLOAD_RATE=$(( CAPACITY > 0 ? CAPACITY : 1 ))
  OVERLOAD_WHY="auto: 3 x the $(( CAPACITY / 3 )) events/s the hub delivered in the paced run"
else
  OVERLOAD_WHY="MATRIX_OVERLOAD_RATE"
fi
echo "== 4/4 overload: $OVERLOAD_RATE events/s x 3 destinations for ${LOAD_SECONDS}s ($OVERLOAD_WHY)"
bench_paced_load overload "$OVERLOAD_RATE" "$LOAD_SECONDS" "$DRAIN_TIMEOUT" "${HUB_ARGS[@]}"
O_GEN=$LOAD_GEN; O_CHECK=$LOAD_CHECK; O_RSS=$LOAD_RSS; O_DRAIN=$LOAD_DRAIN; O_PEAK=$LOAD_PEAK; O_AFTER=$LOAD_AFTER
O_EVENTS_PEAK=$LOAD_EVENTS_PEAK; O_DELIVERIES_PEAK=$LOAD_DELIVERIES_PEAK; O_DURING=$LOAD_DURING

# ---------------------------------------------------------------------------------------------
pct() { bench_calc "'%.1f' % (100.0 * $1 / $2 if $2 else 0)"; }
P_SENT=$(bench_field sent "$P_GEN"); P_2S=$(bench_field acked_2s "$P_GEN")
O_SENT=$(bench_field sent "$O_GEN"); O_ACC=$(bench_field accepted "$O_GEN")
cat <<TABLE

## Benchmark matrix, $STARTED
machine: $(nproc) cores, $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1048576 )) GiB, load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after; wrk, LoadGen, WireMock and the hub share the cores
commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')
hub started as: java ${BENCH_JAVA_OPTS:-@jvm.options} -jar $(basename "$BENCH_JAR") ${HUB_ARGS[*]:-}
JVM running the hub: $JVM_SETTINGS
loads: wrk ${WRK_SECONDS}s after ${WARMUP}s warm-up, $BENCH_WRK_CONNECTIONS connections, $BENCH_WRK_THREADS threads; paced loads ${LOAD_SECONDS}s; destinations answer after $DELAY_MS ms

| | result | target |
|---|---|---|
| bare platform-http route, wrk $BENCH_WRK_CONNECTIONS connections: requests/s (ack p50 / p99) | $BARE_RPS/s ($(bench_field p50_ms "$BARE") / $(bench_field p99_ms "$BARE") ms), non-200: $(bench_field non2xx "$BARE") | reference |
| full hub, same load: acknowledged events/s, ratio to the bare route | $FULL_ACK_RATE/s, ${FULL_RATIO}x; non-200: $(bench_field non2xx "$FULL") | >= 0.40x |
| full hub: ack latency p50 / p99 | $(bench_field p50_ms "$FULL") / $(bench_field p99_ms "$FULL") ms | p99 < 25 ms |
| $RATE/s x 3 http (${DELAY_MS} ms), ${LOAD_SECONDS}s: acked within 2 s | $P_2S of $P_SENT ($(pct "$P_2S" "$P_SENT") %) | 100 % |
| ... ack p99 (max) | $(bench_field ack_p99_ms "$P_GEN") ms ($(bench_field ack_max_ms "$P_GEN") ms) | < 2 s |
| ... deliveries/s during the load / overall (after the load) | $P_DURING / $P_OVERALL ($P_AFTER) | 1,500 sustained |
| ... received -> delivered p50 / p99 | $P_P50 / $P_P99 ms | p99 < 1 s |
| ... backlog peak, drain after the load | $P_PEAK messages, ${P_DRAIN}s | |
| ... hub CPU per delivery (load + drain, no Storeganise API; bench/cpu-per-delivery.sh runs issue 17's 250/s scenario, enrichment calls included) | $P_CPU ms | <= 0.75 ms |
| ... delivered = 3 x accepted | $P_CHECK | yes |
| overload $OVERLOAD_RATE/s x 3 ($OVERLOAD_WHY), ${LOAD_SECONDS}s: acked | $O_ACC of $O_SENT ($(pct "$O_ACC" "$O_SENT") %), within 2 s: $(bench_field acked_2s "$O_GEN") | 100 % |
| ... ack p99 (max) | $(bench_field ack_p99_ms "$O_GEN") ms ($(bench_field ack_max_ms "$O_GEN") ms) | < 500 ms |
| ... backlog peak (events waiting / deliveries waiting) | $O_PEAK messages ($O_EVENTS_PEAK / $O_DELIVERIES_PEAK) | waits durably |
| ... deliveries/s during the load / after it; drain time | $O_DURING / $O_AFTER; ${O_DRAIN}s | drains |
| ... nothing lost or doubled: delivered = 3 x accepted | $O_CHECK | yes |
| peak RSS: bare / full / paced / overload | $BARE_RSS / $FULL_RSS / $P_RSS / $O_RSS | < 512 MiB |
TABLE
(( BENCH_MAX_RSS < 512 )) || echo "peak RSS over 512 MiB in at least one scenario: $BENCH_MAX_RSS MiB"
