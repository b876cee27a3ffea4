#!/usr/bin/env bash
# Hub CPU per delivery of two builds, or two settings, measured on the same machine at the same moment:
# another checkout (A, e.g. `git worktree add ../base <commit>`) and this one (B), each running its own
# bench/cpu-per-delivery.sh at 70 events/s (with the enrichment calls two hubs at 100/s each saturate two
# cores), started together. This machine's speed drifts by
# 10-30 % between runs minutes apart, more than most changes: only a pair says which costs less
# (docs/benchmarks.md, "side by side"). Each figure compares with its pair only.
#
#   bench/side-by-side.sh ../base                            this checkout against ../base (~8 min)
#   A_ARGS="--storeganise.x=1" bench/side-by-side.sh .       one build, two settings (HUB_ARGS of A / of B)
#   A_JAVA_OPTS="@jvm.options -Xmx300m" bench/side-by-side.sh .   JVM options of A / of B (BENCH_JAVA_OPTS)
#   A_IDS=random bench/side-by-side.sh .                     the sender's event ids of A / of B (BENCH_IDS)
#   A_ENRICH=0 bench/side-by-side.sh .                       without / with the Storeganise API (ENRICH of A / of B)
#   DURATION=10 WARMUP=10 bench/side-by-side.sh .            a quick check of the script
#
# Env: RATE (70 each), WARMUP (240), WARMUP_RATE (70), DURATION (60), A_ARGS, B_ARGS, A_JAVA_OPTS,
# B_JAVA_OPTS, A_IDS, B_IDS, A_ENRICH, B_ENRICH (1 each), BENCH_SKIP_BUILD (1: both jars are already in target/). Last line, for scripts:
# "SIDE_BY_SIDE a_ms=... b_ms=... b_vs_a=...%".
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
other="$(cd "${1:?usage: bench/side-by-side.sh <other checkout>}" && pwd)"
[ -f "$other/bench/cpu-per-delivery.sh" ] || { echo "no bench/cpu-per-delivery.sh in $other" >&2; exit 2; }
export RATE=${RATE:-70} WARMUP=${WARMUP:-240} WARMUP_RATE=${WARMUP_RATE:-70} DURATION=${DURATION:-60}
logs="$(mktemp -d)"

# both packaged before either runs: a build would slow the other's measurement
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  for dir in "$other" "$here"; do
    echo "== packaging $dir"
    (cd "$dir" && { mvn -B -q -o -DskipTests package || mvn -B -q -DskipTests package; })
  done
fi

run() { # checkout name hub-args java-opts ids enrich
  (cd "$1" && BENCH_SKIP_BUILD=1 HUB_ARGS="$3" BENCH_JAVA_OPTS="$4" BENCH_IDS="$5" ENRICH="$6" bash bench/cpu-per-delivery.sh > "$logs/$2.log" 2>&1)
}
echo "== A: $other ${A_ARGS:-} ${A_JAVA_OPTS:-} ids ${A_IDS:-objectid} enrich ${A_ENRICH:-1}"
echo "== B: $here ${B_ARGS:-} ${B_JAVA_OPTS:-} ids ${B_IDS:-objectid} enrich ${B_ENRICH:-1}"
echo "== both at $RATE events/s for ${DURATION}s after ${WARMUP}s at $WARMUP_RATE/s (logs: $logs)"
run "$other" a "${A_ARGS:-}" "${A_JAVA_OPTS:-}" "${A_IDS:-objectid}" "${A_ENRICH:-1}" & pid_a=$!
run "$here" b "${B_ARGS:-}" "${B_JAVA_OPTS:-}" "${B_IDS:-objectid}" "${B_ENRICH:-1}" & pid_b=$!
failed=0
wait "$pid_a" || failed=1
wait "$pid_b" || failed=1

for n in a b; do
  echo "== ${n^^}"
  grep -E "^(hub CPU per delivery|acked within|deliveries |hub CPU by thread|hub peak RSS|check |enrichment )" "$logs/$n.log" || tail -n 20 "$logs/$n.log"
done
a_ms=$(sed -n 's/^CPU_PER_DELIVERY ms=\([0-9.]*\).*/\1/p' "$logs/a.log")
b_ms=$(sed -n 's/^CPU_PER_DELIVERY ms=\([0-9.]*\).*/\1/p' "$logs/b.log")
if [ -n "$a_ms" ] && [ -n "$b_ms" ]; then
  echo "SIDE_BY_SIDE a_ms=$a_ms b_ms=$b_ms b_vs_a=$(python3 -c "print('%+.1f%%' % (100 * ($b_ms - $a_ms) / $a_ms))")"
fi
exit "$failed"
