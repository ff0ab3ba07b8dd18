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
cargo build -q --release -p agov-ledger --example fill_ledger -p agov-bugs --example fill_bugs -p agov-agent --example transitions -p agov-pipeline --example board
BIN=$ROOT/target/release
LEDGER=$BIN/ledger
BUGS=$BIN/bugs

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export AGOV_HOME=$WORK/home
unset VAULT_ADDR VAULT_TOKEN AGOV_RUNTIME_URL AGOV_LEDGER_PATH AGOV_TENANT || true

# shellcheck source=tests/bench/lib.sh
source "$ROOT/tests/bench/lib.sh"

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

echo "bugs at 100,000…" >&2
unset AGOV_LEDGER_PATH
export AGOV_HOME=$WORK/bugs100k
mkdir -p "$AGOV_HOME/data"
"$BIN/examples/fill_bugs" "$AGOV_HOME/data/agov.db" 100000 2>/dev/null
row "\`bugs log\` at 100,000 bugs (durable, with its ledger event; median of 50)" "$(median_ms "$BUGS log -m 'lock never released after a crash' --severity high" 50)" 6 ms
row "\`bugs update\` at 100,000 bugs (median of 50)" "$(median_ms "$BUGS update b500 --severity high" 50)" 6 ms
row "\`bugs list --status open --limit 50\` at 100,000 bugs" "$(median_ms "$BUGS list --status open --limit 50" 50)" 5 ms
row "\`bugs get\` at 100,000 bugs" "$(median_ms "$BUGS get b777" 50)" 5 ms
row "\`bugs search renewal\` at 100,000 bugs (2,462 matches)" "$(median_ms "$BUGS search renewal" 50)" 15 ms
INFO+=("| \`bugs search error\` at 100,000 bugs (54,148 matches, the densest word; no target) | $(median_ms "$BUGS search error" 20) ms |")
export AGOV_HOME=$WORK/bugs10k
mkdir -p "$AGOV_HOME/data"
"$BIN/examples/fill_bugs" "$AGOV_HOME/data/agov.db" 10000 --export-task "$WORK/tasks.json" 2>/dev/null
row "\`bugs list --status all --limit 10000 --json\` of 10,000 bugs" "$(median_ms "$BUGS list --status all --limit 10000 --json" 30)" 40 ms

INFO+=("| \`bugs log\` at 10,000 bugs (compare with 100,000 above: flat) | $(median_ms "$BUGS log -m 'lock never released after a crash'" 50) ms |")

echo "status sweep of 10,000 directories…" >&2
TREE=$WORK/tree
python3 - "$TREE" <<'PY'
import os, sys
root = sys.argv[1]
for i in range(100):
    for j in range(100):
        d = os.path.join(root, f"svc{i:03}", f"mod{j:03}")
        os.makedirs(d)
        if j % 10 == 0:
            with open(os.path.join(d, "STATUS.md"), "w") as f:
                f.write(f"---\nphase: in_progress\nupdated: 2026-11-01T00:00:00Z\nowner: o{i}\n---\n## Tasks\n- [x] a\n- [ ] b\n")
PY
row "\`status sweep\` over 10,000 directories (1,000 STATUS.md files)" "$(median_ms "$BIN/status sweep $TREE" 10)" 500 ms

echo "checkpoint load with 10,000 checkpoints…" >&2
export AGOV_HOME=$WORK/checkpoints
mkdir -p "$AGOV_HOME/data" && cd "$WORK"
"$BIN/checkpoint" now --notes seed --no-sweep >/dev/null
python3 - "$AGOV_HOME/data/agov.db" <<'PY'
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1])
snap = db.execute("SELECT snapshot FROM checkpoints LIMIT 1").fetchone()[0]
db.executemany("INSERT INTO checkpoints (tenant, created_us, actor, notes, head_seq, snapshot) VALUES ('default', ?, 'user:bench', 'n', 1, ?)",
               [(i, snap) for i in range(1, 10000)])
db.commit()
PY
"$BIN/bugs" log -m "after the checkpoints" >/dev/null
"$BIN/checkpoint" now --notes latest --no-sweep >/dev/null
for i in $(seq 1 20); do "$BIN/ledger" note -m "since $i" >/dev/null; done
row "\`checkpoint load\` with 10,000 checkpoints (20 events since)" "$(median_ms "$BIN/checkpoint load" 50)" 15 ms
cd "$ROOT"

# memory: 500 MB from stdin, peak memory, and search over 1 GB stored.
echo "memory log of 500 MB…" >&2
MEMORY=$BIN/memory
python3 tests/bench/genlog.py 500000000 1 >"$WORK/log1"
python3 tests/bench/genlog.py 500000000 2 >"$WORK/log2"
# Word soup from 50,000 random words: compresses only 2x, the hard case.
python3 - "$WORK/soup" <<'PY'
import random, sys
random.seed(1)
words = ["".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(random.randint(3, 10))) for _ in range(50000)]
with open(sys.argv[1], "w") as f:
    n = 0
    while n < 500_000_000:
        block = "".join(" ".join(random.choices(words, k=random.randint(4, 14))) + "\n" for _ in range(10000))
        f.write(block)
        n += len(block)
PY
export AGOV_MEMORY_INDEX=off
mem_log() { # mem_log FILE: "MB/s peak-RSS-MB" of `memory log` into an empty store, median of 3
  python3 - "$MEMORY" "$1" "$WORK/memlog" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
exe, path, home = sys.argv[1:]
size = os.path.getsize(path)
rates, rss = [], 0
for _ in range(3):
    shutil.rmtree(home, ignore_errors=True)
    start = time.monotonic()
    with open(path, "rb") as f:
        subprocess.run([exe, "log", "-q"], stdin=f, stdout=subprocess.DEVNULL, check=True,
                       env=dict(os.environ, AGOV_HOME=home))
    rates.append(size / 1e6 / (time.monotonic() - start))
    rss = max(rss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
print(round(statistics.median(rates), 1), round(rss, 1))
PY
}
read -r rate rss < <(mem_log "$WORK/log1")
row_min "\`memory log\` of 500 MB of logs from stdin (median of 3)" "$rate" 150 MB/s
row "peak memory of that \`memory log\`" "$rss" 64 MB
read -r rate rss < <(mem_log "$WORK/soup")
INFO+=("| \`memory log\` of 500 MB of random-word text (compresses 2×, the hard case; peak ${rss} MB) | ${rate} MB/s |")
echo "memory search over 1 GB…" >&2
export AGOV_HOME=$WORK/memory1g
"$MEMORY" log -q <"$WORK/log1" >/dev/null
"$MEMORY" log -q <"$WORK/log2" >/dev/null
start=$(date +%s.%N)
"$MEMORY" index -q >/dev/null
INFO+=("| \`memory index\` of 1 GB (search index built off the log's path) | $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s |")
row "\`memory search 'connection refused'\` over 1 GB stored (a phrase in every chunk)" "$(median_ms "$MEMORY search 'connection refused'" 30)" 50 ms
row "\`memory search renewal\` over 1 GB stored (no match)" "$(median_ms "$MEMORY search renewal" 30)" 50 ms
INFO+=("| \`memory fetch m1 --lines 5000000:5000020\` of a 500 MB entry | $(median_ms "$MEMORY fetch m1 --lines 5000000:5000020" 30) ms |")
rm -f "$WORK/log1" "$WORK/log2" "$WORK/soup"
unset AGOV_MEMORY_INDEX

# Governance overhead per lifecycle transition (heartbeat + lock refresh +
# budget/state write in one round trip + durable ledger append).
echo "lifecycle transitions…" >&2
ms_per() { python3 -c "print(round(float('$1') / 1000, 3))"; }
row "governance overhead per transition, embedded (mean of 10,000)" "$(ms_per "$("$BIN/examples/transitions" "$WORK/transitions-embedded" 10000)")" 2 ms
if command -v redis-server >/dev/null; then
  port=$(free_port)
  start_redis "$port"
  row "governance overhead per transition, Redis on loopback (mean of 10,000)" "$(ms_per "$("$BIN/examples/transitions" "$WORK/transitions-redis" 10000 "redis://127.0.0.1:$port")")" 1 ms
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
else
  echo "redis-server not found: skipping the Redis transition row (apt-get install redis-server)" >&2
fi

# validate-phases, every phase, on the embedded default.
(
  export AGOV_HOME=$WORK/validate
  "$BIN/validate-phases" --apply -q >/dev/null 2>&1 || true
  row "\`validate-phases\`, every phase, embedded" "$(median_ms "$BIN/validate-phases -q" 5)" 3000 ms
  declare -p ROWS INFO >"$WORK/validate-rows"
)
# shellcheck disable=SC1091
source "$WORK/validate-rows"

# Token operations against a real OpenBao, as whole `pipeline` processes.
BAO=${AGOV_TEST_BAO:-$(command -v bao || echo "$ROOT/target/test-tools/venv/bin/bao")}
if [ -x "$BAO" ]; then
  echo "token operations against OpenBao…" >&2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$WORK/bao"
  HOME=$WORK/bao "$BAO" server -dev -dev-root-token-id=root -dev-listen-address="127.0.0.1:$port" >"$WORK/bao/log" 2>&1 &
  bao_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/v1/sys/health" >/dev/null 2>&1 && break; sleep 0.1; done
  (
    export AGOV_HOME=$WORK/tokens VAULT_ADDR=http://127.0.0.1:$port VAULT_TOKEN=root
    "$BIN/validate-phases" --apply --phase 2 -q >/dev/null 2>&1 || true
    "$BIN/validate-phases" --apply --phase 1 -q >/dev/null 2>&1 || true
    # validate-phases, every phase, against Redis + OpenBao (AppRole-free: root token).
    vport=$(free_port)
    start_redis "$vport"
    (
      export AGOV_HOME=$WORK/validate-real AGOV_RUNTIME_URL=redis://127.0.0.1:$vport/
      "$BIN/validate-phases" --apply -q >/dev/null 2>&1 || true
      row "\`validate-phases\`, every phase, against Redis + OpenBao" "$(median_ms "$BIN/validate-phases -q" 5)" 5000 ms
      declare -p ROWS INFO >"$WORK/validate-real-rows"
    )
    # shellcheck disable=SC1091
    source "$WORK/validate-real-rows"
    redis-cli -p "$vport" shutdown nosave >/dev/null 2>&1 || true
    acc=$("$BIN/pipeline" token issue --tier 1)
    tok=$("$BIN/pipeline" token issue --tier 1 --reveal)
    row "\`pipeline token issue\` against OpenBao (whole process, ledgered)" "$(median_ms "$BIN/pipeline token issue --tier 1" 50)" 5 ms
    row "\`pipeline token revoke\` against OpenBao (whole process, ledgered)" "$(median_ms "$BIN/pipeline token revoke $acc" 50)" 5 ms
    row "\`pipeline token renew\` against OpenBao (whole process, ledgered)" "$(AGOV_TOKEN=$tok median_ms "$BIN/pipeline token renew" 50)" 5 ms
    declare -p ROWS INFO >"$WORK/token-rows"
  )
  # shellcheck disable=SC1091
  source "$WORK/token-rows"
  kill "$bao_pid" 2>/dev/null || true
else
  echo "bao not found: skipping the OpenBao token rows (./tests/run.sh installs it)" >&2
fi

# The agents' kernel sandbox: its cost per start, agent exec, revocation.
# shellcheck source=tests/bench/sandbox.sh
source "$ROOT/tests/bench/sandbox.sh"

# Multi-agent pipelines: orchestration overhead, blackboard throughput, 50 at once.
# shellcheck source=tests/bench/pipelines.sh
source "$ROOT/tests/bench/pipelines.sh"

# The dashboard: one frame's render, and its idle CPU and memory over 500 pipelines.
# shellcheck source=tests/bench/dashboard.sh
source "$ROOT/tests/bench/dashboard.sh"

# The marketplace and plan checks.
# shellcheck source=tests/bench/templates.sh
source "$ROOT/tests/bench/templates.sh"

# Side by side: the same 10,000-bug workload through taskwarrior and beads_rust.
echo "peers…" >&2
export AGOV_HOME=$WORK/bugs10k
SIDE=()
BR=${BEADS_RUST:-/opt/bench-tools/bin/br}
if ! command -v task >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq taskwarrior) >/dev/null 2>&1 || true
fi
if command -v task >/dev/null; then
  export TASKRC=$WORK/taskrc TASKDATA=$WORK/taskdata
  mkdir -p "$TASKDATA"
  printf 'data.location=%s\nconfirmation=off\nverbose=nothing\njson.array=on\n' "$TASKDATA" >"$TASKRC"
  task import "$WORK/tasks.json" >/dev/null 2>&1
fi
have_br=false
if [ -x "$BR" ]; then
  have_br=true
  BEADS=$WORK/bench   # beads names issues after its folder: bench-1, bench-2 …
  mkdir -p "$BEADS" && (cd "$BEADS" && "$BR" init >/dev/null 2>&1)
  python3 - "$WORK/tasks.json" "$BEADS/.beads/issues.jsonl" <<'PY'
import json, sys
tasks = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as out:
    for i, t in enumerate(tasks):
        out.write(json.dumps({"id": f"bench-{i+1}", "title": t["description"], "status": "open", "priority": 2,
                              "issue_type": "bug", "created_at": "2026-11-22T00:00:00Z", "created_by": "bench",
                              "updated_at": "2026-11-22T00:00:00Z", "source_repo": "bench", "compaction_level": 0,
                              "original_size": 0}) + "\n")
PY
  (cd "$BEADS" && "$BR" sync --import-only >/dev/null 2>&1) || { echo "beads_rust import failed; skipping its column" >&2; have_br=false; }
fi
side() { # side WORKLOAD AGOV_CMD TASK_CMD BR_CMD
  local a t="-" b="-"
  a=$(median_ms "$2" 20)
  if command -v task >/dev/null; then t=$(median_ms "$3" 10); fi
  if $have_br; then b=$( (cd "$BEADS" && median_ms "$4" 10) ); fi
  SIDE+=("| $1 | $a ms | $t ms | $b ms |")
}
side "add one bug at 10,000" "$BUGS log -m 'lock never released after a crash'" "task add lock never released after a crash" "$BR create 'lock never released after a crash'"
side "list all 10,000 (table)" "$BUGS list --status all --limit 100000" "task rc.report.list.filter:status:pending list" "$BR list --limit 0"
side "list all 10,000 (JSON)" "$BUGS list --status all --limit 100000 --json" "task export" "$BR list --limit 0 --json"
side "search a word" "$BUGS search renewal" "task description.has:renewal list" "$BR search renewal"
side "show one" "$BUGS get b777" "task 777 info" "$BR show bench-777"

echo
echo "agov benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), release build"
echo
echo "| target | measured (median) | limit | verdict |"
echo "|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "| same workload, 10,000 bugs | agov | taskwarrior $(task --version 2>/dev/null || echo absent) | beads_rust $($have_br && "$BR" --version 2>/dev/null | head -n1 || echo absent) |"
echo "|---|---|---|---|"
printf '%s\n' "${SIDE[@]}"
$have_br || echo "(beads_rust not found at $BR: build it once outside the repo with RUSTC_BOOTSTRAP=1 cargo install beads_rust --no-default-features --locked --ignore-rust-version --root /opt/bench-tools, ~12 min)"
if [ ${#INFO[@]} -gt 0 ]; then
  echo
  echo "| measured, no target | median |"
  echo "|---|---|"
  printf '%s\n' "${INFO[@]}"
fi
if printf '%s\n' "${ROWS[@]}" | grep -q FAIL; then exit 1; fi
