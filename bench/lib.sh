# Shared by bench/ingest.sh, bench/deliver.sh and bench/matrix.sh (sourced, not run): the packaged hub
# started the way a user starts it, stand-ins, pre-signed requests for wrk, and a clean-up that stops
# everything a script started. Needs: java 17+, mvn, python3, curl.
#
#   BENCH_JAVA_OPTS   JVM options for the hub, instead of the default "@jvm.options": the hub starts as
#                     documented, `MALLOC_ARENA_MAX=2 java @jvm.options -jar` (docs/deploy.md, "JVM
#                     memory"), as in the container image; "@jvm.options -Xmx384m" changes one option.
#   BENCH_SKIP_BUILD  1: use the jar already in target/ instead of packaging it again.
#   BENCH_KEEP        1: keep the work directory (logs, data) under target/ after the run.
#   BENCH_PROFILE     1: async-profiler on the hub during a paced load's measured window (bench_profiler);
#                     the collapsed stacks go to target/profile-<name>.collapsed (bench/metrics.py profile).
#   BENCH_IDS         the paced sender's event ids (bench/LoadGen.java): objectid (default, the shape of
#                     Storeganise's ids, time-ordered by the second) or random (12 random bytes each).

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_SECRET=bench-secret
BENCH_PIDS=()
BENCH_HUB_PID=
BENCH_HUB_LOG=
BENCH_HUB_URL=
BENCH_LAST_RSS=
BENCH_RSS_MIB=0
BENCH_MAX_RSS=0
BENCH_WRK_CONNECTIONS=32
BENCH_WRK_THREADS=2
# more requests/s than wrk can get answered here: every measured request is a new event
BENCH_WRK_MAX_RATE=20000

# a work directory inside target/: no other run's clean-up of /tmp reaches it
bench_workdir() { # prefix
  mkdir -p "$BENCH_ROOT/target"
  BENCH_WORK="$(mktemp -d "$BENCH_ROOT/target/$1-XXXXXX")"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  set +e  # a killed process' exit status must not stop the clean-up half-way
  [ -n "$BENCH_HUB_PID" ] && bench_stop_hub
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "work directory kept: $BENCH_WORK"
  else
    rm -rf "$BENCH_WORK"
  fi
}

bench_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

bench_wait_http() { # url seconds pid-that-must-stay-alive log
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf -o /dev/null "$1"; do
    if ! kill -0 "$3" 2>/dev/null; then echo "process $3 died while starting; last lines of $4:" >&2; tail -30 "$4" >&2; return 1; fi
    if (( $(date +%s) > deadline )); then echo "timed out waiting for $1" >&2; return 1; fi
    sleep 0.5
  done
}

bench_ensure_wrk() {
  command -v wrk >/dev/null && return
  echo "== installing wrk (Debian package)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
}

bench_build() {
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || ! ls "$BENCH_ROOT"/target/storeganise-hub-*.jar >/dev/null 2>&1; then
    echo "== packaging the hub"
    (cd "$BENCH_ROOT" && { mvn -B -q -o -DskipTests package || mvn -B -q -DskipTests package; })
  fi
  BENCH_JAR="$(ls "$BENCH_ROOT"/target/storeganise-hub-*.jar | grep -v original | head -1)"
}

bench_wiremock_jar() {
  local jar
  jar="$(ls ~/.m2/repository/org/wiremock/wiremock-standalone/*/wiremock-standalone-*.jar 2>/dev/null | grep -v sources | sort -V | tail -1)"
  if [ -z "$jar" ]; then
    (cd "$BENCH_ROOT" && mvn -B -q dependency:get -Dartifact=org.wiremock:wiremock-standalone:3.13.2 >/dev/null)
    jar="$(ls ~/.m2/repository/org/wiremock/wiremock-standalone/*/wiremock-standalone-*.jar | grep -v sources | sort -V | tail -1)"
  fi
  echo "$jar"
}

# WireMock answering every POST /bench/... with 200 after $1 ms; sets BENCH_WIREMOCK_PORT
bench_start_wiremock() { # delay-ms
  BENCH_WIREMOCK_PORT=$(bench_free_port)
  mkdir -p "$BENCH_WORK/wiremock/mappings"
  cat > "$BENCH_WORK/wiremock/mappings/destinations.json" <<JSON
{"request": {"method": "POST", "urlPathPattern": "/bench/.*"},
 "response": {"status": 200, "fixedDelayMilliseconds": $1, "headers": {"Content-Type": "application/json"},
              "body": "{\"status\":\"success\"}"}}
JSON
  # the Storeganise API too (bench_storeganise_api): each GET /api/v1/admin/<collection>/<id> answered with
  # the test fixture of its collection (src/test/resources/storeganise), after the same delay
  mkdir -p "$BENCH_WORK/wiremock/__files"
  local fixture collection
  for fixture in "$BENCH_ROOT"/src/test/resources/storeganise/*/; do
    collection=$(basename "$fixture")
    cp "$(ls "$fixture"*.json | head -1)" "$BENCH_WORK/wiremock/__files/$collection.json"
    cat > "$BENCH_WORK/wiremock/mappings/storeganise-$collection.json" <<JSON
{"request": {"method": "GET", "urlPathPattern": "/api/v1/admin/$collection/[^/]+"},
 "response": {"status": 200, "fixedDelayMilliseconds": $1, "headers": {"Content-Type": "application/json"},
              "bodyFileName": "$collection.json"}}
JSON
  done
  cp "$BENCH_ROOT/src/test/resources/storeganise/settings.json" "$BENCH_WORK/wiremock/__files/settings.json"
  cat > "$BENCH_WORK/wiremock/mappings/storeganise-settings.json" <<JSON
{"request": {"method": "GET", "urlPath": "/api/v1/admin/settings"},
 "response": {"status": 200, "fixedDelayMilliseconds": $1, "headers": {"Content-Type": "application/json"},
              "bodyFileName": "settings.json"}}
JSON
  java -Xmx512m -jar "$(bench_wiremock_jar)" --port "$BENCH_WIREMOCK_PORT" --root-dir "$BENCH_WORK/wiremock" --no-request-journal \
    --async-response-enabled true --async-response-threads 64 --container-threads 200 --disable-banner \
    > "$BENCH_WORK/wiremock.log" 2>&1 &
  local pid=$!
  BENCH_PIDS+=("$pid")
  bench_wait_http "http://127.0.0.1:$BENCH_WIREMOCK_PORT/__admin/mappings" 90 "$pid" "$BENCH_WORK/wiremock.log"
}

# The hub on a free port with a fresh data directory, started from the project directory as a user
# would (application.yaml, routes/, templates/ from there); extra arguments are Spring properties
# (--name=value). Actuator on a port of its own: under overload the webhook port's requests queue
# (up to storeganise.webhook.max-in-flight) and the samples of the load would be late. Sets BENCH_HUB_PID
# (the JVM running the hub), BENCH_HUB_URL, BENCH_HUB_LOG, BENCH_METRICS.
bench_start_hub() { # name [--property=value ...]
  local name=$1; shift
  local port management; port=$(bench_free_port); management=$(bench_free_port)
  BENCH_HUB_LOG="$BENCH_WORK/$name.log"
  rm -rf "$BENCH_WORK/data-$name"
  # shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of options
  (cd "$BENCH_ROOT" && exec env STOREGANISE_WEBHOOK_SECRET="$BENCH_SECRET" MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" java ${BENCH_JAVA_OPTS:-@jvm.options} -jar "$BENCH_JAR" \
    --server.port="$port" --management.server.port="$management" --storeganise.data-dir="$BENCH_WORK/data-$name" \
    --logging.level.org.apache.activemq.artemis.core.server=ERROR "$@" > "$BENCH_HUB_LOG" 2>&1) &
  BENCH_HUB_PID=$!
  BENCH_HUB_URL="http://127.0.0.1:$port"
  BENCH_METRICS="http://127.0.0.1:$management/actuator/prometheus"
  bench_wait_http "http://127.0.0.1:$management/actuator/health/readiness" 180 "$BENCH_HUB_PID" "$BENCH_HUB_LOG"
}

# the JVM of the hub (and any process it started)
bench_hub_pids() {
  [ -n "$BENCH_HUB_PID" ] || return 0
  echo "$BENCH_HUB_PID"
  pgrep -P "$BENCH_HUB_PID" 2>/dev/null || true
}

# CPU time (user + system, clock ticks of `getconf CLK_TCK`) of the hub's JVMs so far, from
# /proc/<pid>/stat fields 14 and 15 (after the command name, which may hold spaces)
bench_hub_cpu_ticks() {
  local total=0 pid stat rest
  for pid in $(bench_hub_pids); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    rest=${stat##*) }   # fields from 3 (state) on
    read -r -a f <<<"$rest"
    total=$(( total + f[11] + f[12] ))
  done
  echo "$total"
}

# Every thread's CPU ticks so far (utime + stime of /proc/<pid>/task/<tid>/stat), one "tid name ticks"
# line each, for bench/metrics.py threads: where the hub's CPU went by thread (GC and JIT threads
# included). The name is the Java thread's (jcmd Thread.print), /proc's 15 characters without jcmd.
bench_hub_thread_ticks() {
  local pid task stat rest name names
  for pid in $(bench_hub_pids); do
    names=$(jcmd "$pid" Thread.print 2>/dev/null | sed -n 's/^"\(.*\)" .* nid=\(0x[0-9a-f]*\) .*/\2\t\1/p' || true)
    for task in /proc/"$pid"/task/*; do
      stat=$(cat "$task/stat" 2>/dev/null) || continue
      name=$(awk -F'\t' -v nid="$(printf '0x%x' "${task##*/}")" '$1 == nid {print $2; exit}' <<<"$names")
      [ -n "$name" ] || { name=${stat#*(}; name=${name%) *}; }
      rest=${stat##*) }
      read -r -a f <<<"$rest"
      printf '%s\t%s\t%s\n' "${task##*/}" "$name" $(( f[11] + f[12] ))
    done
  done
}

# Peak RSS of the hub: the peak (VmHWM) of the JVM running it. Sets BENCH_RSS_MIB and BENCH_LAST_RSS.
bench_hub_peak_rss() {
  local kb
  kb=$(awk '/^VmHWM/ {print $2}' "/proc/$BENCH_HUB_PID/status" 2>/dev/null || echo 0)
  BENCH_RSS_MIB=$(( kb / 1024 ))
  BENCH_LAST_RSS="$BENCH_RSS_MIB MiB"
}

# the JVM options of the JVM that runs the hub, and the variables that add some
bench_hub_jvm_settings() {
  local pid; pid=$(bench_hub_pids | tail -1)
  [ -r "/proc/$pid/cmdline" ] || { echo "(hub not running)"; return; }
  python3 - "$pid" <<'PY'
import sys
pid = sys.argv[1]
argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[1:]
opts = []
for a in (x.decode() for x in argv):
    if a in ("-jar", "-cp", "-classpath", "--class-path") or not a.startswith(("-", "@")):
        break
    opts.append(a)
env = dict(l.split("=", 1) for l in open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace").split("\0") if "=" in l)
extra = [f"{k}={env[k]}" for k in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "MALLOC_ARENA_MAX") if k in env]
print(" ".join(opts) or "(none)", ("; environment: " + " ".join(extra)) if extra else "")
PY
}

# SIGTERM to the hub's JVM (a graceful stop), SIGKILL after 90 s
bench_stop_hub() {
  [ -n "$BENCH_HUB_PID" ] || return 0
  local pids pid; pids=$(bench_hub_pids)
  kill "$BENCH_HUB_PID" 2>/dev/null || true
  local deadline=$(( $(date +%s) + 90 ))
  while kill -0 "$BENCH_HUB_PID" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 0.5; done
  for pid in $pids; do kill -9 "$pid" 2>/dev/null || true; done
  wait "$BENCH_HUB_PID" 2>/dev/null || true
  BENCH_HUB_PID=
}

# COUNT distinct signed events, one "signature TAB body" line each
bench_presign() { # file count
  python3 - "$1" "$BENCH_SECRET" "$2" <<'PY'
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
}

# wrk script posting the pre-signed requests of a file in turn, each thread its own share, starting
# at the line given after `--` (so a warm-up and the measured run use different events); done()
# prints one BENCH line
bench_wrk_script() { # lua-file requests-file threads
  cat > "$1" <<LUA
local path = "$2"
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  local first = tonumber(args[1] or "0")
  sigs, bodies = {}, {}
  local i = 0
  for line in io.lines(path) do
    if i >= first and i % $3 == tid then
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
}

# one field of a "key=value key=value" line
bench_field() { sed -E "s/.*(^| )$1=([^ ]+).*/\2/" <<<"$2"; }

bench_calc() { python3 -c "print($1)"; }

# distinct pre-signed events for a wrk warm-up and measured run, and the wrk script posting them
bench_prepare_wrk() { # warm-up-seconds seconds
  local count=$(( ($1 + $2) * BENCH_WRK_MAX_RATE ))
  echo "== pre-signing $count distinct events for wrk"
  bench_presign "$BENCH_WORK/requests.tsv" "$count"
  bench_wrk_script "$BENCH_WORK/signed.lua" "$BENCH_WORK/requests.tsv" "$BENCH_WRK_THREADS"
}

# A warm-up on the first events, then the measured run on events the warm-up did not reach; prints
# the measured run's BENCH line (wrk's figures) with accepted=N, the events the hub stored during it
# by its own count (0 for a route that does not count them).
bench_run_wrk() { # name warm-up-seconds seconds
  local url="$BENCH_HUB_URL/webhooks/storeganise" before after
  wrk -t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d"${2}s" -s "$BENCH_WORK/signed.lua" "$url" -- 0 > /dev/null
  sleep 1 # the warm-up's last requests are still being stored
  before=$(python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" counts | cut -d' ' -f1)
  wrk -t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d"${3}s" --timeout 5s -s "$BENCH_WORK/signed.lua" \
    "$url" -- $(( $2 * BENCH_WRK_MAX_RATE )) > "$BENCH_WORK/wrk-$1.out"
  after=$(python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" counts | cut -d' ' -f1)
  echo "$(grep '^BENCH' "$BENCH_WORK/wrk-$1.out") accepted=$(( after - before ))"
}

# bench/LoadGen.java compiled once per run (java bench/LoadGen.java would compile it on every start)
bench_loadgen() {
  [ -f "$BENCH_WORK/classes/LoadGen.class" ] || javac -d "$BENCH_WORK/classes" "$BENCH_ROOT/bench/LoadGen.java"
  echo "$BENCH_WORK/classes"
}

# async-profiler (tools.profiler:async-profiler:4.1, linux-x64, from Maven Central) on the hub for the
# measured window when BENCH_PROFILE=1: itimer samples every 2 ms, per thread, written as collapsed stacks
bench_profiler() { # start | stop FILE
  [ "${BENCH_PROFILE:-0}" = 1 ] || return 0
  local jar lib="$BENCH_WORK/ap/libasyncProfiler.so" pid
  if [ ! -f "$lib" ]; then
    jar=~/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1-linux-x64.jar
    [ -f "$jar" ] || (cd "$BENCH_ROOT" && mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 >/dev/null)
    python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("linux-x64/libasyncProfiler.so"))' \
      "$jar" "$(mkdir -p "$BENCH_WORK/ap" && echo "$lib")"
    javac -d "$BENCH_WORK/classes" "$BENCH_ROOT/bench/Attach.java"
  fi
  pid=$(bench_hub_pids | tail -1)
  if [ "$1" = start ]; then
    java -cp "$BENCH_WORK/classes" Attach "$pid" "$lib" "start,event=itimer,interval=2ms,threads"
  else
    java -cp "$BENCH_WORK/classes" Attach "$pid" "$lib" "stop,file=$2,collapsed"
  fi
}

# hub arguments for the Storeganise API on the WireMock of bench_start_wiremock (BENCH_STOREGANISE_ARGS):
# every fetch an event's family makes is a real HTTP call, at most $1 in flight (the hub's default, 2, is
# Storeganise's own request to call in series, and would make enrichment the bottleneck at these rates)
bench_storeganise_api() { # max-concurrent-requests
  BENCH_STOREGANISE_ARGS=("--storeganise.api.base-url=http://127.0.0.1:$BENCH_WIREMOCK_PORT/api" "--storeganise.api.key=bench-api-key"
    "--storeganise.api.max-concurrent-requests=$1")
}

# hub arguments for three http destinations on the WireMock of bench_start_wiremock, all subscribed to *
bench_destinations() {
  BENCH_DESTINATION_ARGS=()
  local d
  for d in a b c; do
    BENCH_DESTINATION_ARGS+=("--storeganise.destinations.crm-$d.type=http"
      "--storeganise.destinations.crm-$d.url=http://127.0.0.1:$BENCH_WIREMOCK_PORT/bench/$d")
  done
  BENCH_DESTINATION_ARGS+=("--storeganise.subscriptions[0].events[0]=*" "--storeganise.subscriptions[0].to[0]=crm-a"
    "--storeganise.subscriptions[0].to[1]=crm-b" "--storeganise.subscriptions[0].to[2]=crm-c")
}

# one paced load against a fresh hub with the three destinations; sets LOAD_* variables
bench_paced_load() { # name rate seconds drain-timeout [hub arguments...]
  local name=$1 rate=$2 seconds=$3 drain_timeout=$4; shift 4
  bench_start_hub "$name" "${BENCH_DESTINATION_ARGS[@]}" "$@"
  local samples="$BENCH_WORK/samples-$name.txt"
  python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" watch "$samples" & local watcher=$!
  BENCH_PIDS+=("$watcher")
  # a hub in production is warm: on 2 cores the JIT compiles for 2-3 minutes (C2 still took ~20 % of
  # the CPU after 60 s, ~4 % after 120 s), and a cold hub answers a fraction of what it does later.
  # Warm it at a rate it keeps up with, deliver everything, then measure from there (the warm-up is
  # left out of every figure).
  local warm=${BENCH_PACED_WARMUP_SECONDS:-120} base_a=0 base_p=0 base_d=0
  if (( warm > 0 )); then
    local warm_rate=${BENCH_PACED_WARMUP_RATE:-$(( rate < 250 ? rate : 250 ))}
    echo "   warm-up: $warm_rate events/s for ${warm}s, delivered before the measured load (not counted)"
    java -Dloadgen.ids="${BENCH_IDS:-objectid}" -cp "$(bench_loadgen)" LoadGen "$BENCH_HUB_URL/webhooks/storeganise" "$BENCH_SECRET" "$warm_rate" "$warm" > /dev/null
    python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" drain 3 "$drain_timeout" > /dev/null
  fi
  read -r base_a base_p _ base_d < <(python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" counts)
  python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" snapshot > "$BENCH_WORK/latency-before-$name.json"
  bench_hub_thread_ticks > "$BENCH_WORK/threads-before-$name.tsv"
  bench_profiler start
  local cpu_before; cpu_before=$(bench_hub_cpu_ticks)
  LOAD_GEN=$(java -Dloadgen.ids="${BENCH_IDS:-objectid}" -cp "$(bench_loadgen)" LoadGen "$BENCH_HUB_URL/webhooks/storeganise" "$BENCH_SECRET" "$rate" "$seconds")
  echo "   sender: $LOAD_GEN"
  local start; start=$(bench_calc "$(bench_field start_ms "$LOAD_GEN") / 1000")
  LOAD_SEND_END=$(bench_calc "$start + $(bench_field send_ms "$LOAD_GEN") / 1000")
  echo "   waiting for the backlog to be delivered (at most ${drain_timeout}s)"
  local drain_start; drain_start=$(date +%s.%N)
  read -r LOAD_DRAINED LOAD_DRAIN_ELAPSED LOAD_A LOAD_P LOAD_Q LOAD_D \
    < <(python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" drain 3 "$drain_timeout")
  LOAD_CPU_TICKS=$(( $(bench_hub_cpu_ticks) - cpu_before ))
  LOAD_PROFILE=
  if [ "${BENCH_PROFILE:-0}" = 1 ]; then
    LOAD_PROFILE="$BENCH_ROOT/target/profile-$name.collapsed"
    bench_profiler stop "$LOAD_PROFILE"
  fi
  bench_hub_thread_ticks > "$BENCH_WORK/threads-after-$name.tsv"
  LOAD_THREADS=$(python3 "$BENCH_ROOT/bench/metrics.py" - threads "$BENCH_WORK/threads-before-$name.tsv" "$BENCH_WORK/threads-after-$name.tsv")
  local done_at; done_at=$(bench_calc "$drain_start + $LOAD_DRAIN_ELAPSED")
  LOAD_A=$(( LOAD_A - base_a )); LOAD_P=$(( LOAD_P - base_p )); LOAD_D=$(( LOAD_D - base_d ))
  read -r LOAD_P50 LOAD_P99 _ < <(python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" latency "$BENCH_WORK/latency-before-$name.json")
  LOAD_LOOKUPS=$(python3 "$BENCH_ROOT/bench/metrics.py" "$BENCH_METRICS" lookups)
  bench_hub_peak_rss; LOAD_RSS=$BENCH_LAST_RSS; BENCH_MAX_RSS=$(( BENCH_RSS_MIB > BENCH_MAX_RSS ? BENCH_RSS_MIB : BENCH_MAX_RSS ))
  bench_stop_hub
  kill "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  LOAD_OVERALL=$(bench_calc "round($LOAD_D / ($done_at - $start))")
  LOAD_DRAIN=$(bench_calc "'%.0f' % max(0, $done_at - $LOAD_SEND_END)")
  # LOAD_AFTER: deliveries/s once the sender stopped, the hub's capacity when a backlog was left
  read -r LOAD_DURING LOAD_PEAK LOAD_EVENTS_PEAK LOAD_DELIVERIES_PEAK LOAD_AFTER \
    < <(python3 "$BENCH_ROOT/bench/metrics.py" - load "$samples" "$start" "$LOAD_SEND_END" "$done_at" 3)
  # LOAD_CPU_MS: the hub's CPU time from the first measured request until the backlog was delivered
  # (acks, dispatch, sends, records, the drain's 2 s check for doubles), per delivery made in it
  LOAD_CPU_MS=$(bench_calc "'%.3f' % ($LOAD_CPU_TICKS * 1000.0 / $(getconf CLK_TCK) / max(1, $LOAD_D))")
  LOAD_CPU_S=$(bench_calc "'%.1f' % ($LOAD_CPU_TICKS / $(getconf CLK_TCK))")
  LOAD_CHECK="no: delivered $LOAD_D, expected 3 x $LOAD_A = $(( 3 * LOAD_A ))"
  if [ "$LOAD_DRAINED" = drained ] && (( LOAD_D == 3 * LOAD_A && LOAD_P == LOAD_A )); then
    LOAD_CHECK="yes ($LOAD_D = 3 x $LOAD_A)"
  fi
  [ "$LOAD_DRAINED" = drained ] || LOAD_DRAIN="not drained after ${drain_timeout}s"
  echo "   accepted $LOAD_A, delivered $LOAD_D; $LOAD_DURING deliveries/s during the load, $LOAD_OVERALL overall, $LOAD_AFTER after it; drain ${LOAD_DRAIN}s; backlog peak $LOAD_PEAK; peak RSS $LOAD_RSS"
}

