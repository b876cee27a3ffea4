#!/usr/bin/env bash
# Tenants at scale (issue 19, docs/tenants.md): a hub serving TENANTS tenants of DESTINATIONS `http`
# destinations each (generated tenant files, storeganise.tenant-files; every destination subscribed to
# every event, on a WireMock answering after DELAY_MS), against the same hub serving 1 such tenant.
# For each it prints:
#   - start-up: from launching the JVM to /actuator/health/readiness UP (polled every 0.5 s), the tenant
#     files read by then;
#   - heap used after start-up and after the load, each after a full GC (jcmd GC.run, GC.heap_info), the
#     class metadata, and the RSS;
#   - per-event cost: the hub's CPU time (utime + stime of /proc/<pid>/stat, as bench/cpu-per-delivery.sh)
#     from the first measured webhook until all its deliveries are made, per event and per delivery, for
#     RATE events/s for DURATION s spread evenly over the tenants (bench/LoadGen.java -Dloadgen.tenants),
#     after a warm-up of WARMUP s at the same rate (also spread: every destination is used before the
#     measurement; not counted);
#   - the Prometheus series the hub exposes after the load (the tenant label's cost for the scraper).
# The per-event cost must not grow with the tenant count: the last line compares the two.
#
#   bench/tenants.sh     (env: TENANTS=200 DESTINATIONS=5 RATE=100 DURATION=40 WARMUP=40 DELAY_MS=5 DRAIN_TIMEOUT=180)
#   BENCH_SKIP_BUILD=1 bench/tenants.sh     the jar already in target/
#
# Every tenant's webhook secret is the bench's (bench/lib.sh). Takes about 4-5 minutes plus packaging on a
# quiet machine (7.5 minutes with packaging on a busy one, where the drains after the loads take longer).
# Needs a quiet machine for figures worth keeping: the sender and WireMock share the cores with the hub.
# BENCH_JAVA_OPTS, BENCH_SKIP_BUILD, BENCH_KEEP: see bench/lib.sh. Needs: java 17+ (with jcmd), mvn,
# python3, curl.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

TENANTS=${TENANTS:-200}
DESTINATIONS=${DESTINATIONS:-5}
RATE=${RATE:-100}
DURATION=${DURATION:-40}
WARMUP=${WARMUP:-40}
DELAY_MS=${DELAY_MS:-5}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-180}

bench_workdir tenants
bench_build
command -v jcmd >/dev/null || { echo "jcmd (the JDK's) is needed to read the heap" >&2; exit 1; }
echo "== starting WireMock ($DELAY_MS ms per answer) for the destinations"
bench_start_wiremock "$DELAY_MS"

# COUNT tenant files t0.yaml ... in FOLDER, each with DESTINATIONS http destinations subscribed to every event
write_tenants() { # folder count
  mkdir -p "$1"
  python3 - "$1" "$2" "$DESTINATIONS" "http://127.0.0.1:$BENCH_WIREMOCK_PORT" "$BENCH_SECRET" <<'PY'
import sys
folder, count, per, sink, secret = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
for t in range(count):
    names = ["d%d" % d for d in range(per)]
    with open("%s/t%d.yaml" % (folder, t), "w") as f:
        f.write("webhook:\n  secrets: [%s]\ndestinations:\n" % secret)
        for n in names:
            f.write("  %s:\n    type: http\n    url: %s/bench/t%d/%s\n" % (n, sink, t, n))
        f.write("subscriptions:\n  - events: [\"*\"]\n    to: [%s]\n" % ", ".join(names))
PY
}

# "heap_mib metaspace_mib rss_mib" of the hub after a full GC
hub_memory() {
  jcmd "$BENCH_HUB_PID" GC.run > /dev/null
  jcmd "$BENCH_HUB_PID" GC.heap_info | python3 -c '
import re, sys
heap = meta = 0
for line in sys.stdin:
    m = re.search(r"used (\d+)K", line)
    if not m:
        continue
    first = line.split()[0]
    if first.endswith("Gen") or first == "garbage-first" or first == "def":
        heap += int(m.group(1))
    elif first == "Metaspace":
        meta += int(m.group(1))
print("%.0f %.0f" % (heap / 1024, meta / 1024), end="")'
  echo " $(( $(awk '/^VmRSS/ {print $2}' "/proc/$BENCH_HUB_PID/status") / 1024 ))"
}

loadgen() { # tenants rate seconds
  java -Dloadgen.tenants="$1" -cp "$(bench_loadgen)" LoadGen "$BENCH_HUB_URL/webhooks/storeganise" "$BENCH_SECRET" "$2" "$3"
}

# the hub's counters bench/metrics.py reads, and only those: a full scrape with hundreds of tenants' histograms
# costs the hub more CPU than the events between two polls (its cost is measured once, after the load)
COUNTS="includedNames=storeganise_webhook_received_total,storeganise_webhook_received,storeganise_events_processed_total"
COUNTS="$COUNTS,storeganise_events_processed,storeganise_deliveries_queued_total,storeganise_deliveries_queued"
COUNTS="$COUNTS,storeganise_deliveries_total,storeganise_deliveries"

# one hub with COUNT tenants; sets R_* variables
run() { # count
  local count=$1 folder="$BENCH_WORK/tenants-$1" fanout=$DESTINATIONS
  write_tenants "$folder" "$count"
  echo "== a hub with $count tenant(s) of $DESTINATIONS destinations"
  local launched; launched=$(date +%s.%N)
  bench_start_hub "tenants-$count" --storeganise.tenant-files="$folder"
  R_STARTUP=$(bench_calc "'%.1f' % ($(date +%s.%N) - $launched)")
  R_READ=$( { grep -m1 'Tenants: ' "$BENCH_HUB_LOG" || true; } | { grep -oE '/t[0-9]+\.yaml' || true; } | wc -l)
  read -r R_HEAP R_META R_RSS < <(hub_memory)
  echo "   ready in ${R_STARTUP}s (tenants read by then: $R_READ); after a full GC: heap $R_HEAP MiB, class metadata $R_META MiB, RSS $R_RSS MiB"
  echo "   warm-up: $RATE events/s for ${WARMUP}s over the $count tenant(s) (not counted)"
  loadgen "$count" "$RATE" "$WARMUP" > /dev/null
  python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS?$COUNTS" drain "$fanout" "$DRAIN_TIMEOUT" > /dev/null
  local base_a base_d cpu_before drained
  read -r base_a _ _ base_d < <(python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS?$COUNTS" counts)
  cpu_before=$(bench_hub_cpu_ticks)
  R_GEN=$(loadgen "$count" "$RATE" "$DURATION")
  echo "   sender: $R_GEN"
  read -r drained _ R_A _ _ R_D < <(python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS?$COUNTS" drain "$fanout" "$DRAIN_TIMEOUT")
  local ticks=$(( $(bench_hub_cpu_ticks) - cpu_before ))
  # the drain's 2 s wait for doubles is in the CPU time (as in bench/cpu-per-delivery.sh): an idle hub's
  # CPU in those 2 s, the same in both runs
  R_A=$(( R_A - base_a )); R_D=$(( R_D - base_d ))
  R_CPU_S=$(bench_calc "'%.1f' % ($ticks / $(getconf CLK_TCK))")
  R_CPU_EVENT=$(bench_calc "'%.2f' % ($ticks * 1000.0 / $(getconf CLK_TCK) / max(1, $R_A))")
  R_CPU_DELIVERY=$(bench_calc "'%.3f' % ($ticks * 1000.0 / $(getconf CLK_TCK) / max(1, $R_D))")
  R_CHECK="no: $drained, delivered $R_D, expected $fanout x $R_A"
  [ "$drained" = drained ] && (( R_D == fanout * R_A )) && R_CHECK="yes ($R_D = $fanout x $R_A)"
  local scrape="$BENCH_WORK/prometheus-$count.txt"
  local scrape_start; scrape_start=$(date +%s.%N)
  curl -sf "$BENCH_METRICS" > "$scrape"
  R_SCRAPE_S=$(bench_calc "'%.2f' % ($(date +%s.%N) - $scrape_start)")
  R_SERIES=$(grep -vc '^#' "$scrape")
  R_SCRAPE_KIB=$(( $(wc -c < "$scrape") / 1024 ))
  R_LABELS=$( { grep '^storeganise_deliveries_total{' "$scrape" || true; } | { grep -o 'tenant="[^"]*"' || true; } | sort -u | wc -l)
  read -r R_HEAP_AFTER R_META_AFTER R_RSS_AFTER < <(hub_memory)
  echo "   hub CPU ${R_CPU_S}s for $R_A events, $R_D deliveries: $R_CPU_EVENT ms per event, $R_CPU_DELIVERY ms per delivery; check: $R_CHECK"
  echo "   after the load: heap $R_HEAP_AFTER MiB after a full GC, class metadata $R_META_AFTER MiB, RSS $R_RSS_AFTER MiB; $R_SERIES Prometheus series ($R_SCRAPE_KIB KiB, scraped in ${R_SCRAPE_S}s), $R_LABELS tenant labels on storeganise_deliveries_total"
  bench_stop_hub
}

run 1
ONE=("$R_STARTUP" "$R_HEAP" "$R_META" "$R_RSS" "$R_CPU_EVENT" "$R_CPU_DELIVERY" "$R_HEAP_AFTER" "$R_SERIES" "$R_CHECK" "$R_GEN")
run "$TENANTS"
MANY=("$R_STARTUP" "$R_HEAP" "$R_META" "$R_RSS" "$R_CPU_EVENT" "$R_CPU_DELIVERY" "$R_HEAP_AFTER" "$R_SERIES" "$R_CHECK" "$R_GEN")

echo
printf '%-34s %18s %18s\n' "$RATE events/s, $DESTINATIONS destinations each" "1 tenant" "$TENANTS tenants"
printf '%-34s %18s %18s\n' "start-up to readiness UP (s)" "${ONE[0]}" "${MANY[0]}"
printf '%-34s %18s %18s\n' "heap after start-up, full GC (MiB)" "${ONE[1]}" "${MANY[1]}"
printf '%-34s %18s %18s\n' "class metadata (MiB)" "${ONE[2]}" "${MANY[2]}"
printf '%-34s %18s %18s\n' "RSS after start-up (MiB)" "${ONE[3]}" "${MANY[3]}"
printf '%-34s %18s %18s\n' "heap after the load, full GC (MiB)" "${ONE[6]}" "${MANY[6]}"
printf '%-34s %18s %18s\n' "hub CPU per event (ms)" "${ONE[4]}" "${MANY[4]}"
printf '%-34s %18s %18s\n' "hub CPU per delivery (ms)" "${ONE[5]}" "${MANY[5]}"
printf '%-34s %18s %18s\n' "Prometheus series after the load" "${ONE[7]}" "${MANY[7]}"
printf '%-34s %18s %18s\n' "acked within 2 s" "$(bench_field acked_2s "${ONE[9]}")/$(bench_field sent "${ONE[9]}")" \
  "$(bench_field acked_2s "${MANY[9]}")/$(bench_field sent "${MANY[9]}")"
echo "checks: 1 tenant ${ONE[8]}; $TENANTS tenants ${MANY[8]}"
RATIO=$(bench_calc "'%.2f' % (${MANY[4]} / max(0.001, ${ONE[4]}))")
echo "TENANTS per_event_ms_1=${ONE[4]} per_event_ms_${TENANTS}=${MANY[4]} ratio=$RATIO startup_s_${TENANTS}=${MANY[0]} heap_mib_${TENANTS}=${MANY[1]}"
[[ "${ONE[8]}" == yes* && "${MANY[8]}" == yes* ]]
