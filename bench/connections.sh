#!/usr/bin/env bash
# Many keep-alive connections: the packaged hub on its embedded defaults with three http destinations
# (WireMock), warmed at 150 events/s, then signed events at a fixed rate from a sender that opens all
# its connections first and holds them open, request n on connection n % connections (as a proxy or a
# busy sender does; issue 20). Prints how many requests were answered within 2 s (Storeganise's
# limit), the status counts, the acknowledgement latency and the hub's peak RSS.
#
#   bench/connections.sh [seconds (60)] [events/s (500)] [connections (1000)]
#   WARMUP_SECONDS=60   warm-up at 150 events/s on 64 connections before the measured run (0: none)
#   BENCH_JAVA_OPTS, BENCH_SKIP_BUILD, BENCH_KEEP: see bench/lib.sh
#
# Target (2-core machine): every request answered within 2 s (200, or 503 over_capacity only when the
# hub is over capacity), peak RSS < 512 MiB.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

SECONDS_RUN=${1:-60}
RATE=${2:-500}
CONNECTIONS=${3:-1000}
WARMUP=${WARMUP_SECONDS:-60}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-${JAVA_OPTS:-}}

bench_workdir connections
bench_build
bench_start_wiremock 20
bench_destinations
echo "== starting the hub (${BENCH_JAVA_OPTS:-plain java -jar}), three http destinations"
bench_start_hub hub "${BENCH_DESTINATION_ARGS[@]}"
echo "   JVM running the hub: $(bench_hub_jvm_settings)"
URL="$BENCH_HUB_URL/webhooks/storeganise"
if (( WARMUP > 0 )); then
  echo "== warm-up: 150 events/s for ${WARMUP}s on 64 connections (not counted)"
  java -cp "$(bench_loadgen)" LoadGen "$URL" "$BENCH_SECRET" 150 "$WARMUP" > /dev/null
fi
echo "== measured: $RATE events/s for ${SECONDS_RUN}s over $CONNECTIONS keep-alive connections held open"
LINE=$(java -Xss256k -Dloadgen.keepalive=true -Dloadgen.connections="$CONNECTIONS" -cp "$(bench_loadgen)" LoadGen \
  "$URL" "$BENCH_SECRET" "$RATE" "$SECONDS_RUN" 10)
bench_hub_peak_rss

SENT=$(bench_field sent "$LINE")
echo
echo "== results"
echo "$LINE"
echo "answered within 2 s            : $(bench_field answered_2s "$LINE") of $SENT (accepted within 2 s: $(bench_field acked_2s "$LINE"))"
echo "status counts                  : $(grep -oE 'status_[a-z0-9]+=[0-9]+' <<<"$LINE" | tr '\n' ' ')(status_none: no answer within 10 s or a connection error)"
echo "unfinished at the end          : $(bench_field unfinished "$LINE"); connections opened again: $(bench_field reconnects "$LINE")"
echo "ack latency p50 / p99 / max (ms): $(bench_field ack_p50_ms "$LINE") / $(bench_field ack_p99_ms "$LINE") / $(bench_field ack_max_ms "$LINE")"
echo "hub peak RSS                   : $BENCH_LAST_RSS"
echo "machine                        : $(nproc) cores, $(uname -r); the sender, WireMock and the hub share them"
