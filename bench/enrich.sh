#!/usr/bin/env bash
# Enrichment benchmark: packages the hub, starts a WireMock Storeganise that answers every GET in
# LATENCY ms (bench/StoreganiseStub.java, fixtures of src/test/resources/storeganise) and the hub
# against it, then
#   1. drives RATE events/s for DURATION seconds (all 37 sample types in turn), and
#   2. posts BURST unitRental.invoice.created events at once (a monthly billing run), BURST_WINDOW
#      requests in flight,
# and prints for each: acknowledgement latency (client side), received->enriched p50/p99/max (from
# the hub's storeganise_enrich_latency_seconds histogram, /actuator/prometheus), how many were
# enriched and how fast, and the most requests Storeganise had in flight at once (counted by the stub
# from a request's arrival to the end of its latency, before any byte of the answer is sent).
#
#   bench/enrich.sh            (env: RATE=200 DURATION=10 BURST=5000 BURST_WINDOW=64 LATENCY=50 MAX_CONCURRENT=2)
#
# With MAX_CONCURRENT=2 and 50 ms answers Storeganise serves at most 40 requests/s; an invoice event
# needs 2 uncached calls (invoice, rental; the site is cached), so the hub enriches ~20 invoice events/s
# and anything faster queues: received->enriched then measures the queue, by design.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-200}
DURATION=${DURATION:-10}
BURST=${BURST:-5000}
BURST_WINDOW=${BURST_WINDOW:-64}
LATENCY=${LATENCY:-50}
MAX_CONCURRENT=${MAX_CONCURRENT:-2}
# free ports unless given: two benchmarks on one machine must not talk to each other's hub or stub
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${BENCH_PORT:-$(free_port)}
STUB_PORT=${BENCH_STUB_PORT:-$(free_port)}
STATS_PORT=${BENCH_STATS_PORT:-$(free_port)}
SECRET=bench-secret
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:MaxDirectMemorySize=64m -Xss512k -XX:+UseParallelGC}
# inside this worktree's target/: nothing else cleans it up under our feet
mkdir -p target && WORK=$(mktemp -d "$PWD/target/enrich-bench-XXXXXX")
HUB_PID=
STUB_PID=
cleanup() {
  set +e  # a killed process' exit status must not stop the clean-up half-way
  # the hub first, so that it does not see Storeganise vanish while it shuts down
  for pid in $HUB_PID $STUB_PID; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  # keep the logs of the last run for a look afterwards
  mkdir -p /tmp/hub-enrich-bench-last && cp "$WORK"/*.log "$WORK"/*.out /tmp/hub-enrich-bench-last/ 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building"
mvn -B -q -DskipTests package
JAR=$(ls target/storeganise-hub-*.jar | grep -v original | head -1)
mvn -B -q dependency:copy -Dartifact=org.wiremock:wiremock-standalone:3.13.2 -DoutputDirectory="$WORK" >/dev/null
WIREMOCK=$(ls "$WORK"/wiremock-standalone-*.jar)

echo "== starting the Storeganise stub (answers in $LATENCY ms)"
java -Xmx256m -cp "$WIREMOCK" bench/StoreganiseStub.java "$STUB_PORT" "$STATS_PORT" "$LATENCY" src/test/resources/storeganise \
  > "$WORK/stub.log" 2>&1 &
STUB_PID=$!
for i in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$STATS_PORT/stats" >/dev/null 2>&1 && break
  kill -0 $STUB_PID 2>/dev/null || { echo "stub died:"; tail -30 "$WORK/stub.log"; exit 1; }
  sleep 0.5
done

echo "== starting the hub ($JAVA_OPTS, at most $MAX_CONCURRENT requests in flight to Storeganise)"
STOREGANISE_WEBHOOK_SECRET=$SECRET STOREGANISE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT \
STOREGANISE_API_URL="http://localhost:$STUB_PORT/api" STOREGANISE_API_KEY=bench-api-key \
  java $JAVA_OPTS -jar "$JAR" --storeganise.api.max-concurrent-requests="$MAX_CONCURRENT" > "$WORK/hub.log" 2>&1 &
HUB_PID=$!
for i in $(seq 1 120); do
  curl -sf "http://localhost:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 $HUB_PID 2>/dev/null || { echo "hub died:"; tail -30 "$WORK/hub.log"; exit 1; }
  sleep 0.5
done
URL="http://localhost:$PORT/webhooks/storeganise"

scrape() {
  [ -d "$WORK" ] || { echo "the work directory $WORK vanished"; exit 1; }
  curl -s --max-time 10 "http://localhost:$PORT/actuator/prometheus" > "$1.tmp" && mv "$1.tmp" "$1" && return 0
  kill -0 $HUB_PID 2>/dev/null || { echo "hub died:"; tail -30 "$WORK/hub.log"; exit 1; }
  return 0  # a slow scrape under load: keep the previous one
}
enriched() { awk '/^storeganise_enrich_latency_seconds_count/ {s+=$2} END {printf "%d", s}' "$1"; }
stub() { curl -s "http://127.0.0.1:$STATS_PORT/$1"; }
# waits until N more events are enriched than in snapshot $1; leaves the final scrape in $2
wait_enriched() {
  local before=$1 after=$2 want=$3 t0=$4 limit=$5
  local base; base=$(enriched "$before")
  local last_report=0
  : > "$after"
  while true; do
    scrape "$after"
    local n=$(( $(enriched "$after") - base ))
    local now=$(( $(date +%s%N) / 1000000 ))
    if [ $(( now - last_report )) -ge 15000 ]; then
      echo "   $n of $want enriched after $(( (now - t0) / 1000 )) s"; last_report=$now
    fi
    if [ "$n" -ge "$want" ]; then
      echo "$(( $(date +%s%N) / 1000000 - t0 ))" > "$WORK/drain_ms"; return 0
    fi
    if [ $(( $(date +%s%N) / 1000000 - t0 )) -gt "$limit" ]; then
      echo "$(( $(date +%s%N) / 1000000 - t0 ))" > "$WORK/drain_ms"; echo "   (gave up waiting: $n of $want enriched)"; return 0
    fi
    sleep 1
  done
}
# p50/p99/max received->enriched from the histogram difference between two scrapes
quantiles() {
  python3 - "$1" "$2" <<'PY'
import re, sys
def buckets(path):
    b = {}
    for line in open(path):
        m = re.match(r'storeganise_enrich_latency_seconds_bucket\{.*le="([^"]+)".*\} ([0-9.eE+-]+)', line)
        if m:
            le = float('inf') if m.group(1) == '+Inf' else float(m.group(1))
            b[le] = b.get(le, 0) + float(m.group(2))
    return b
a, z = buckets(sys.argv[1]), buckets(sys.argv[2])
les = sorted(z)
cum = [(le, z[le] - a.get(le, 0)) for le in les]
total = cum[-1][1] if cum else 0
def q(p):
    target = p * total
    prev_le, prev_c = 0.0, 0.0
    for le, c in cum:
        if c >= target:
            if le == float('inf'):
                return prev_le
            # linear inside the bucket
            return prev_le + (le - prev_le) * ((target - prev_c) / (c - prev_c) if c > prev_c else 1)
        prev_le, prev_c = le, c
    return prev_le
mx = next((le for le, c in cum if c >= total), 0)
print("received->enriched p50 %.0f ms, p99 %.0f ms, max <= %.0f ms (%d events, histogram buckets)" % (q(.5)*1000, q(.99)*1000, mx*1000, total))
PY
}

echo "== warm-up (100 events, 20/s)"
scrape "$WORK/w0"; T0=$(( $(date +%s%N) / 1000000 ))
java bench/EnrichLoad.java rate "$URL" "$SECRET" 20 5 all > /dev/null
wait_enriched "$WORK/w0" "$WORK/w1" 100 "$T0" 120000

echo "== 1. $RATE events/s for $DURATION s (all sample types in turn)"
stub reset >/dev/null; scrape "$WORK/a0"; T0=$(( $(date +%s%N) / 1000000 ))
java bench/EnrichLoad.java rate "$URL" "$SECRET" "$RATE" "$DURATION" all | tee "$WORK/rate.out"
N=$(( RATE * DURATION ))
wait_enriched "$WORK/a0" "$WORK/a1" "$N" "$T0" 900000
RATE_DRAIN=$(cat "$WORK/drain_ms"); RATE_STUB=$(stub stats)

echo "== 2. burst of $BURST unitRental.invoice.created ($BURST_WINDOW requests in flight)"
stub reset >/dev/null; scrape "$WORK/b0"; T0=$(( $(date +%s%N) / 1000000 ))
java bench/EnrichLoad.java burst "$URL" "$SECRET" "$BURST" "$BURST_WINDOW" unitRental.invoice.created | tee "$WORK/burst.out"
wait_enriched "$WORK/b0" "$WORK/b1" "$BURST" "$T0" 1800000
BURST_DRAIN=$(cat "$WORK/drain_ms"); BURST_STUB=$(stub stats)

echo
echo "== results (machine: $(nproc) cores, load generator, stub and hub share them)"
echo "-- $RATE events/s for $DURATION s"
sed -E 's/^LOAD /acks: /' "$WORK/rate.out"
quantiles "$WORK/a0" "$WORK/a1"
echo "all enriched after $(( RATE_DRAIN / 1000 )) s ($(python3 -c "print(round($N / ($RATE_DRAIN / 1000), 1))") events/s); Storeganise saw $RATE_STUB"
echo "-- burst of $BURST unitRental.invoice.created"
sed -E 's/^LOAD /acks: /' "$WORK/burst.out"
quantiles "$WORK/b0" "$WORK/b1"
echo "all enriched after $(( BURST_DRAIN / 1000 )) s ($(python3 -c "print(round($BURST / ($BURST_DRAIN / 1000), 1))") events/s); Storeganise saw $BURST_STUB"
echo "cap: storeganise.api.max-concurrent-requests=$MAX_CONCURRENT; parked: $(awk '/^storeganise_processing_failures_total\{.*action="park"/ {s+=$2} END {printf "%d", s}' "$WORK/b1"); hub-side calls (found): $(awk '/^storeganise_enrich_lookups_total\{.*outcome="found"/ {s+=$2} END {printf "%d", s}' "$WORK/b1")"
cp "$WORK/b1" "$WORK/final.out"
