#!/usr/bin/env bash
# Pipeline benchmarks: a pipeline of trivial agents from spawn to consensus
# (embedded and Redis), the HTML report of a 1,000-event pipeline, 10,000
# blackboard writes and reads against Redis, 50 pipelines at once against
# one Redis, and a dashboard frame over 500 pipelines. Sourced by run.sh; run alone
# it builds what it needs and prints its own rows:
#
#   ./tests/bench/pipelines.sh
if [ -z "${ROOT:-}" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/../.."
  ROOT=$PWD
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  # shellcheck source=tests/bench/lib.sh
  source "$ROOT/tests/bench/lib.sh"
  cargo build -q --release -p agov --bins -p agov-pipeline --example board
  BIN=$ROOT/target/release
  unset VAULT_ADDR VAULT_TOKEN AGOV_RUNTIME_URL AGOV_LEDGER_PATH AGOV_TENANT || true
  PIPELINES_ALONE=1
fi

echo "pipelines…" >&2
P=$WORK/pipelines
mkdir -p "$P"
cat >"$P/trivial.sh" <<'SH'
#!/bin/sh
# A trivial agent: every phase, one post, one vote.
for p in PREFLIGHT PLAN EXECUTE VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"post","section":"solutions","content":"done"}'
echo '{"type":"vote","vote":"ACCEPT","reasoning":"trivial"}'
SH
cat >"$P/trivial.yaml" <<YAML
name: trivial
objective: measure the orchestration overhead
agents:
  alpha: {command: [sh, $P/trivial.sh]}
  beta: {command: [sh, $P/trivial.sh]}
YAML
agent_ms=$(median_ms "sh $P/trivial.sh" 30)
spawn_row() { # spawn_row LABEL
  local total
  total=$(median_ms "$BIN/pipeline spawn --plan $P/trivial.yaml -q" 20)
  INFO+=("| \`pipeline spawn\` of two trivial agents to consensus, $1 (whole process; one agent alone: ${agent_ms} ms) | $total ms |")
  row "pipeline orchestration overhead, $1 (spawn to consensus minus one agent's own run)" \
    "$(python3 -c "print(round(float('$total') - float('$agent_ms'), 2))" 2>/dev/null || echo failed)" 150 ms
}
(
  export AGOV_HOME=$P/embedded
  spawn_row embedded
  declare -p ROWS INFO >"$P/rows"
)
# shellcheck disable=SC1091
source "$P/rows"
# `pipeline report --html` of a pipeline with about 1,000 ledger events:
# two agents of 490 steps each, embedded.
cat >"$P/many.sh" <<'SH'
#!/bin/sh
# An agent that leaves about 500 ledger events: every phase, 490 steps, one post, one vote.
for p in PREFLIGHT PLAN EXECUTE; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
i=0; while [ $i -lt 490 ]; do echo "{\"type\":\"step\",\"name\":\"s$i\"}"; i=$((i+1)); done
for p in VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"post","section":"solutions","content":"done"}'
echo '{"type":"vote","vote":"ACCEPT","reasoning":"many steps"}'
SH
cat >"$P/many.yaml" <<YAML
name: many
objective: leave a thousand ledger events
agents:
  alpha: {command: [sh, $P/many.sh]}
  beta: {command: [sh, $P/many.sh]}
YAML
(
  export AGOV_HOME=$P/report
  id=$("$BIN/pipeline" spawn --plan "$P/many.yaml" -q | awk 'NR == 1 {print $1}')
  events=$("$BIN/pipeline" report "$id" --html "$P/report.html" --json | python3 -c "import json, sys; print(json.load(sys.stdin)['events'])")
  row "\`pipeline report --html\` of a pipeline of $events ledger events, embedded" \
    "$(median_ms "$BIN/pipeline report $id --html $P/report.html" 20)" 100 ms
  declare -p ROWS INFO >"$P/rows"
)
# shellcheck disable=SC1091
source "$P/rows"
# One dashboard frame over 500 pipelines (the whole `--once` process:
# start, read every pipeline's state, render 80x24, print). No target: the
# issue's ≤ 5 ms is for drawing a frame, measured by tests/bench/dashboard.sh.
(
  export AGOV_HOME=$P/dashboard
  for _ in $(seq 1 500); do
    "$BIN/pipeline" spawn --plan "$P/trivial.yaml" -q >/dev/null 2>>"$P/dashboard.err" || true
  done
  INFO+=("| \`pipeline dashboard --once\` with 500 pipelines, embedded (whole process; no target) | $(median_ms "$BIN/pipeline dashboard --once" 20) ms |")
  declare -p ROWS INFO >"$P/rows"
)
# shellcheck disable=SC1091
source "$P/rows"
if command -v redis-server >/dev/null; then
  port=$(free_port)
  start_redis "$port"
  (
    export AGOV_HOME=$P/redis AGOV_RUNTIME_URL=redis://127.0.0.1:$port
    spawn_row "Redis on loopback"
    read -r w r a total <<<"$("$BIN/examples/board" "redis://127.0.0.1:$port" 10000)"
    INFO+=("| 10,000 blackboard posts / 10,000 single reads / one read of all 10,000, Redis | $(printf '%.0f / %.0f / %.0f' "$w" "$r" "$a") ms |")
    row "10,000 blackboard writes + 10,000 reads against Redis (one round trip each)" "$(printf '%.0f' "$total")" 1000 ms

    # 50 different pipelines (agents of their own) at once against one
    # Redis, each driven by its own process, in a tenant of their own.
    export AGOV_HOME=$P/fifty AGOV_TENANT=fifty
    for i in $(seq 1 50); do sed "s/^name: trivial/name: trivial-$i/" "$P/trivial.yaml" >"$P/trivial-$i.yaml"; done
    start=$(date +%s.%N)
    for i in $(seq 1 50); do "$BIN/pipeline" spawn --plan "$P/trivial-$i.yaml" -q >/dev/null 2>>"$P/fifty.err" & done
    wait
    elapsed=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))" "$start" "$(date +%s.%N)")
    "$BIN/pipeline" list --all --json >"$P/fifty.json"
    bad=$(python3 - "$P/fifty.json" <<'PY'
import json, sys
ps = json.load(open(sys.argv[1]))
print(50 - sum(1 for p in ps if p["status"] == "COMPLETED"))
PY
)
    votes=$(for id in $(python3 -c "import json,sys; print(' '.join(p['id'] for p in json.load(open(sys.argv[1]))))" "$P/fifty.json"); do
      "$BIN/pipeline" consensus status "$id" --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['votes']))"
    done | sort | uniq -c | tr -s ' ' | tr '\n' ';')
    drivers=$(python3 - "$P/fifty.json" "$BIN/pipeline" <<'PY'
import json, subprocess, sys
ps = json.load(open(sys.argv[1]))
print(sum(json.loads(subprocess.check_output([sys.argv[2], "status", p["id"], "--json"]))["drivers"] for p in ps))
PY
)
    row "50 pipelines at once on one Redis: not COMPLETED (took ${elapsed}s; votes per pipeline: ${votes} drivers: ${drivers})" "$bad" 0 pipelines
    declare -p ROWS INFO >"$P/rows"
  )
  # shellcheck disable=SC1091
  source "$P/rows"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
else
  echo "redis-server not found: skipping the Redis pipeline rows" >&2
fi

if [ -n "${PIPELINES_ALONE:-}" ]; then
  echo
  echo "| target | measured (median) | limit | verdict |"
  echo "|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "| measured, no target | median |"
  echo "|---|---|"
  printf '%s\n' "${INFO[@]}"
  if printf '%s\n' "${ROWS[@]}" | grep -q FAIL; then exit 1; fi
fi
