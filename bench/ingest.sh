#!/usr/bin/env bash
# Ingest benchmark: builds and starts the packaged hub on its embedded defaults (persistent Artemis
# journal + H2 file database in a fresh data dir), drives signed webhooks at it with wrk for a fixed
# time at 32 connections, every request a distinct event id, and prints acknowledged events/s,
# p50/p99 ack latency, errors and the hub's peak RSS.
#
#   bench/ingest.sh [duration-seconds]      (default 30)
#   HUB_ARGS="--storeganise.dispatch.enabled=false" bench/ingest.sh   ingest alone: events are stored and
#                                           wait in the queue (what a burst costs before processing)
#
# Targets (2-core machine): >= 10,000 acknowledged events/s, p99 < 25 ms, zero non-200s, RSS < 512 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-30}
CONNECTIONS=32
THREADS=2
PORT=${BENCH_PORT:-18080}
SECRET=bench-secret
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:MaxDirectMemorySize=64m -Xss512k -XX:+UseParallelGC}
WORK=$(mktemp -d /tmp/hub-bench-XXXXXX)
trap 'kill $HUB_PID 2>/dev/null || true; wait $HUB_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "installing wrk (Debian package)"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

echo "== building"
mvn -B -q -DskipTests package
JAR=$(ls target/storeganise-hub-*.jar | grep -v original | head -1)

echo "== pre-signing requests (distinct ids)"
# enough distinct events for 20k/s over the run; each line: signature TAB body
python3 - "$WORK/requests.tsv" "$SECRET" $((DURATION * 20000 + 200000)) <<'PY'
import base64, hmac, hashlib, os, sys, datetime
path, secret, n = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z')
types = ["unitRental.invoice.created", "job.unit_moveIn.created", "invoice.state.updated", "user.updated"]
with open(path, "w") as f:
    for i in range(n):
        body = '{"id":"%024x","created":"%s","type":"%s","data":{"invoiceId":"%024x","siteId":"5bf48bd975970f170a8e0001"}}' % (
            (os.getpid() << 40) + i, now, types[i % len(types)], i)
        sig = base64.b64encode(hmac.new(secret, body.encode(), hashlib.sha256).digest()).decode()
        f.write(sig + "\t" + body + "\n")
PY

cat > "$WORK/signed.lua" <<LUA
local path = "$WORK/requests.tsv"
local threads = {}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  sigs, bodies = {}, {}
  local i = 0
  for line in io.lines(path) do
    if i % $THREADS == tid then
      local tab = line:find("\t", 1, true)
      sigs[#sigs + 1] = line:sub(1, tab - 1)
      bodies[#bodies + 1] = line:sub(tab + 1)
    end
    i = i + 1
  end
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json;charset=UTF-8"
end
function request()
  n = n + 1
  if n > #bodies then n = 1 end
  wrk.headers["sg-signature"] = sigs[n]
  return wrk.format(nil, nil, nil, bodies[n])
end
function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_s=%.2f non2xx=%d socket_errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

echo "== starting the hub ($JAVA_OPTS ${HUB_ARGS:-})"
STOREGANISE_WEBHOOK_SECRET=$SECRET STOREGANISE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT \
  java $JAVA_OPTS -jar "$JAR" ${HUB_ARGS:-} > "$WORK/hub.log" 2>&1 &
HUB_PID=$!
for i in $(seq 1 120); do
  curl -sf "http://localhost:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 $HUB_PID 2>/dev/null || { echo "hub died:"; tail -30 "$WORK/hub.log"; exit 1; }
  sleep 0.5
done

URL="http://localhost:$PORT/webhooks/storeganise"
echo "== warm-up (5 s, ids not reused by the measured run)"
wrk -t$THREADS -c$CONNECTIONS -d5s -s "$WORK/signed.lua" "$URL" > /dev/null
# the measured run starts over the same pre-signed list: regenerate ids by shifting the file
python3 - "$WORK/requests.tsv" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().splitlines()
# drop what the warm-up could have used (<= 20k/s * 5 s) so measured requests are all first deliveries
with open(p, "w") as f:
    f.write("\n".join(lines[200000:]) + "\n")
PY
ACCEPTED_BEFORE=$(curl -s "http://localhost:$PORT/actuator/prometheus" | awk '/^storeganise_webhook_received_total\{.*outcome="accepted"/ {s+=$2} END {printf "%d", s}')

echo "== measured run: ${DURATION}s, $CONNECTIONS connections"
wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 5s -s "$WORK/signed.lua" "$URL" | tee "$WORK/wrk.out"

SCRAPE=$(curl -s "http://localhost:$PORT/actuator/prometheus")
ACCEPTED=$(echo "$SCRAPE" | awk '/^storeganise_webhook_received_total\{.*outcome="accepted"/ {s+=$2} END {printf "%d", s}')
DUPLICATE=$(echo "$SCRAPE" | awk '/^storeganise_webhook_received_total\{.*outcome="duplicate"/ {s+=$2} END {printf "%d", s}')
REJECTED=$(echo "$SCRAPE" | awk '/^storeganise_webhook_received_total\{.*outcome="rejected"/ {s+=$2} END {printf "%d", s}')
RSS_KB=$(awk '/VmHWM/ {print $2}' /proc/$HUB_PID/status)
LINE=$(grep '^BENCH' "$WORK/wrk.out")
REQS=$(echo "$LINE" | sed -E 's/.*requests=([0-9]+).*/\1/')
SECS=$(echo "$LINE" | sed -E 's/.*duration_s=([0-9.]+).*/\1/')
MEASURED=$((ACCEPTED - ACCEPTED_BEFORE))

echo
echo "== results"
printf "acknowledged (stored) events/s : %.0f\n" "$(echo "$MEASURED / $SECS" | bc -l)"
echo "requests sent                  : $REQS (accepted in run: $MEASURED, duplicates total: $DUPLICATE, rejected total: $REJECTED)"
echo "$LINE" | sed -E 's/.*p50_ms=([0-9.]+) p90_ms=([0-9.]+) p99_ms=([0-9.]+) max_ms=([0-9.]+).*/ack latency p50 \/ p90 \/ p99 \/ max (ms) : \1 \/ \2 \/ \3 \/ \4/'
echo "$LINE" | sed -E 's/.*non2xx=([0-9]+) socket_errors=([0-9]+).*/errors: non-200 \1, socket \2/'
echo "hub peak RSS                   : $((RSS_KB / 1024)) MiB"
echo "machine                        : $(nproc) cores, $(uname -r); wrk and the hub share them"
