#!/usr/bin/env bash
# End-to-end delivery benchmark: signed webhooks in at RATE/s for SECONDS, each delivered to three
# http destinations (a WireMock answering after 20 ms). Prints delivered/s, received->delivered
# p50/p99, the backlog peak, and checks delivered = 3 x accepted.
#
#   bench/deliver.sh            (RATE=500 SECONDS=60 CONSUMERS=48 DISPATCH=8 POOL=40 by default; override by environment)
#
# Needs: the project built offline-capable (mvn), java 17+, python3, curl; WireMock standalone from ~/.m2.
set -euo pipefail

RATE=${RATE:-500}
SECONDS_RUN=${SECONDS:-60}
CONSUMERS=${CONSUMERS:-48}
DISPATCH=${DISPATCH:-8}
POOL=${POOL:-40}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-300}
SECRET=bench-secret
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d -t hub-bench-XXXXXX)"
wiremock_jar="$(ls ~/.m2/repository/org/wiremock/wiremock-standalone/*/wiremock-standalone-*.jar | grep -v sources | sort -V | tail -1)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { # url seconds
  for _ in $(seq 1 "$2"); do curl -sf -o /dev/null "$1" && return 0; sleep 1; done
  echo "timed out waiting for $1" >&2; return 1
}

echo "== packaging the hub"
(cd "$root" && mvn -B -o -q -DskipTests package)
jar="$(ls "$root"/target/storeganise-hub-*.jar | grep -v original | head -1)"

echo "== starting WireMock (20 ms per answer) for three destinations"
wm_port=$(free_port)
mkdir -p "$work/wiremock/mappings"
cat > "$work/wiremock/mappings/destinations.json" <<JSON
{"request": {"method": "POST", "urlPathPattern": "/bench/.*"},
 "response": {"status": 200, "fixedDelayMilliseconds": 20, "headers": {"Content-Type": "application/json"},
              "body": "{\"status\":\"success\"}"}}
JSON
java -Xmx512m -jar "$wiremock_jar" --port "$wm_port" --root-dir "$work/wiremock" --no-request-journal \
  --async-response-enabled true --async-response-threads 64 --container-threads 200 --disable-banner \
  > "$work/wiremock.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$wm_port/__admin/mappings" 60

echo "== starting the hub ($DISPATCH dispatch and $CONSUMERS delivery consumers)"
hub_port=$(free_port)
(cd "$root" && exec java -Xmx1g ${HUB_JAVA_OPTS:-} -jar "$jar" \
  --server.port="$hub_port" --storeganise.data-dir="$work/data" --storeganise.webhook.secrets="$SECRET" \
  --storeganise.delivery.consumers="$CONSUMERS" --storeganise.dispatch.consumers="$DISPATCH" --spring.datasource.hikari.maximum-pool-size="$POOL" \
  --storeganise.destinations.crm-a.type=http --storeganise.destinations.crm-a.url="http://127.0.0.1:$wm_port/bench/a" \
  --storeganise.destinations.crm-b.type=http --storeganise.destinations.crm-b.url="http://127.0.0.1:$wm_port/bench/b" \
  --storeganise.destinations.crm-c.type=http --storeganise.destinations.crm-c.url="http://127.0.0.1:$wm_port/bench/c" \
  --'storeganise.subscriptions[0].events[0]=*' \
  --'storeganise.subscriptions[0].to[0]=crm-a' --'storeganise.subscriptions[0].to[1]=crm-b' --'storeganise.subscriptions[0].to[2]=crm-c' \
  --logging.level.io.storehub=WARN --logging.level.org.apache.activemq.artemis.core.server=ERROR \
  > "$work/hub.log" 2>&1) &
pids+=($!)
wait_for "http://127.0.0.1:$hub_port/actuator/health/readiness" 120
metrics="http://127.0.0.1:$hub_port/actuator/prometheus"

echo "== $RATE signed events/s for $SECONDS_RUN s"
peak=0; peak_events=0; peak_deliveries=0
poll() { # samples the backlog every second: events not yet fanned out, deliveries not yet delivered
  while true; do
    read -r a p q d < <(python3 "$root/bench/metrics.py" "$metrics" counts 2>/dev/null) || break
    (( a - p > peak_events )) && peak_events=$(( a - p ))
    (( q - d > peak_deliveries )) && peak_deliveries=$(( q - d ))
    (( a - p + q - d > peak )) && peak=$(( a - p + q - d ))
    echo "$peak messages (events waiting for dispatch: peak $peak_events; deliveries waiting: peak $peak_deliveries)" > "$work/peak"
    sleep 1
  done
}
poll & pids+=($!)
start=$(date +%s.%N)
loadgen=$(java "$root/bench/LoadGen.java" "http://127.0.0.1:$hub_port/webhooks/storeganise" "$SECRET" "$RATE" "$SECONDS_RUN")
echo "   $loadgen"
accepted=$(sed -E 's/.*accepted=([0-9]+).*/\1/' <<<"$loadgen")

echo "== draining: waiting for 3 x $accepted deliveries"
deadline=$(( $(date +%s) + DRAIN_TIMEOUT ))
while true; do
  read -r a p q d < <(python3 "$root/bench/metrics.py" "$metrics" counts)
  # the hub's own count: an event the load generator gave up on (10 s) may still have been stored
  (( d >= 3 * a && p >= a )) && break
  if (( $(date +%s) > deadline )); then echo "   drain timed out: delivered $d of $((3 * a))"; break; fi
  sleep 0.5
done
end=$(date +%s.%N)
read -r p50 p99 n < <(python3 "$root/bench/metrics.py" "$metrics" latency)
read -r a p q d < <(python3 "$root/bench/metrics.py" "$metrics" counts)

elapsed=$(python3 -c "print('%.1f' % ($end - $start))")
echo
echo "accepted events        $a by the hub, $accepted answered 200 within 10 s (offered $((RATE * SECONDS_RUN)) at $RATE/s)"
echo "deliveries             $d in ${elapsed} s from the first event: $(python3 -c "print('%.0f' % ($d / ($end - $start)))") delivered/s"
echo "received -> delivered  p50 ${p50} ms, p99 ${p99} ms (storeganise_delivery_latency, $n deliveries)"
echo "backlog peak           $(cat "$work/peak")"
if (( d == 3 * a )); then
  echo "check                  delivered = 3 x accepted: OK"
else
  echo "check                  delivered = 3 x accepted: FAILED ($d != $((3 * a)))"; exit 1
fi
