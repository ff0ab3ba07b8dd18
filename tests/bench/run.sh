#!/usr/bin/env bash
# Whole-binary benchmarks of agov's speed targets, against the release build.
# Prints one Markdown table: target, measured median, pass/fail.
#
#   ./tests/bench/run.sh            # all rows
#   BENCH_EVENTS=200000 ./tests/bench/run.sh   # a smaller ledger for a quick look
#
# Needs hyperfine (installed from Debian when missing) and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
EVENTS=${BENCH_EVENTS:-1000000}

if ! command -v hyperfine >/dev/null; then
  echo "installing hyperfine…" >&2
  (apt-get update -qq && apt-get install -y -qq hyperfine) >/dev/null
fi

echo "building the release binaries…" >&2
cargo build -q --release -p agov --bins
cargo build -q --release -p agov-ledger --example fill_ledger
BIN=$ROOT/target/release
LEDGER=$BIN/ledger

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export AGOV_HOME=$WORK/home
unset VAULT_ADDR VAULT_TOKEN AGOV_RUNTIME_URL AGOV_LEDGER_PATH AGOV_TENANT || true

ROWS=()
# row TARGET MEASURED LIMIT UNIT  (pass when MEASURED <= LIMIT)
row() {
  local verdict
  verdict=$(python3 -c "import sys; print('pass' if float(sys.argv[1]) <= float(sys.argv[2]) else 'FAIL')" "$2" "$3")
  ROWS+=("| $1 | $2 $4 | ≤ $3 $4 | $verdict |")
}
# median_ms COMMAND RUNS: hyperfine's median in milliseconds
median_ms() {
  hyperfine -N --warmup 3 --runs "$2" --export-json "$WORK/h.json" "$1" >/dev/null 2>&1
  python3 -c "import json; print(round(json.load(open('$WORK/h.json'))['results'][0]['median'] * 1000, 2))"
}

echo "ledger note…" >&2
"$LEDGER" note -m warm-up >/dev/null
row "\`ledger note\` (whole process, durable, median of 100)" "$(median_ms "$LEDGER note -m bench" 100)" 5 ms

echo "8 writers × 500 notes…" >&2
before=$("$LEDGER" verify --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
start=$(date +%s.%N)
for w in 1 2 3 4 5 6 7 8; do
  ( for i in $(seq 1 500); do "$LEDGER" note -m "w$w-$i" >/dev/null 2>>"$WORK/writers.err" || echo x >>"$WORK/failed"; done ) &
done
wait
elapsed=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))" "$start" "$(date +%s.%N)")
after=$("$LEDGER" verify --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["events"] if d["ok"] else -1)')
lost=$(( before + 4000 - after ))
failed=$( [ -f "$WORK/failed" ] && wc -l <"$WORK/failed" || echo 0)
row "8 writer processes × 500 notes: events lost (chain verifies; took ${elapsed}s, ${failed} failed)" "$lost" 0 events

echo "filling a ${EVENTS}-event ledger…" >&2
BIG=$WORK/big.db
"$BIN/examples/fill_ledger" "$BIG" "$EVENTS" 2>/dev/null
export AGOV_LEDGER_PATH=$BIG
row "\`ledger verify\` of ${EVENTS} events (median of 3)" "$(median_ms "$LEDGER verify" 3)" 2000 ms
row "\`ledger tail -n 20\` on ${EVENTS} events (median of 50)" "$(median_ms "$LEDGER tail -n 20" 50)" 10 ms
row "\`ledger query --action bug.log --limit 50\` on ${EVENTS} events (median of 50)" "$(median_ms "$LEDGER query --action bug.log --limit 50" 50)" 10 ms

echo
echo "agov benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), release build"
echo
echo "| target | measured (median) | limit | verdict |"
echo "|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if printf '%s\n' "${ROWS[@]}" | grep -q FAIL; then exit 1; fi
