#!/usr/bin/env bash
# The interactive dashboard at rest over 500 pipelines: one frame's render
# time (`cargo bench -p agov-commands --bench dashboard`: the snapshot built
# once, only drawing timed), and the whole `pipeline dashboard` started in
# tmux at 80x24 (embedded, and on Redis when redis-server is there), left
# idle, and sampled from /proc for IDLE_SECONDS (10): CPU time used over
# that time (utime + stime, as a share of one core) and its resident memory
# (the highest VmRSS seen, and VmHWM). Sourced by run.sh; run alone it
# builds what it needs and prints its own rows:
#
#   ./tests/bench/dashboard.sh
if [ -z "${ROOT:-}" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/../.."
  ROOT=$PWD
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  # shellcheck source=tests/bench/lib.sh
  source "$ROOT/tests/bench/lib.sh"
  cargo build -q --release -p agov --bins
  BIN=$ROOT/target/release
  unset VAULT_ADDR VAULT_TOKEN AGOV_RUNTIME_URL AGOV_LEDGER_PATH AGOV_TENANT || true
  DASHBOARD_ALONE=1
fi
if ! command -v tmux >/dev/null; then
  echo "installing tmux (the dashboard rows need a real terminal)…" >&2
  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null
fi

echo "dashboard…" >&2
D=$WORK/dashboard-idle
mkdir -p "$D"
IDLE_SECONDS=${IDLE_SECONDS:-10}

# One frame, render only.
frames=$(cargo bench -q -p agov-commands --bench dashboard 2>/dev/null)
frame=$(grep '80x24' <<<"$frames")
frame_ms=$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$frame")
row "one \`pipeline dashboard\` frame with 500 pipelines, 80x24, render only (median of 3,000; $(sed -E 's/.*(p99 [0-9.]+ ms).*/\1/' <<<"$frame"))" "$frame_ms" 5 ms
INFO+=("| one frame with 500 pipelines, 200x60, render only | $(sed -E 's/.*: (median.*)/\1/' <<<"$(grep '200x60' <<<"$frames")") |")

cat >"$D/trivial.sh" <<'SH'
#!/bin/sh
for p in PREFLIGHT PLAN EXECUTE VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"vote","vote":"ACCEPT","reasoning":"trivial"}'
SH
cat >"$D/trivial.yaml" <<YAML
name: trivial
objective: fill the dashboard
timeout: 1m
agents:
  alpha:
    command: [sh, $D/trivial.sh]
  beta:
    command: [sh, $D/trivial.sh]
consensus:
  required: [alpha, beta]
YAML

# idle BACKEND: 500 pipelines, the dashboard in tmux, then IDLE_SECONDS of
# samples; adds its rows.
idle() {
  local name=$1 sock=$D/tmux-$1.sock pid t0 t1 s0 s1 rss max=0 hwm ticks cpu
  for _ in $(seq 1 500); do
    "$BIN/pipeline" spawn --plan "$D/trivial.yaml" -q >/dev/null 2>>"$D/spawn.err" || true
  done
  {
    echo "cd '$D'"
    env | grep -E '^(AGOV_|PATH=)' | sed -E "s/^([^=]+)=(.*)$/export \1='\2'/"
    echo "echo \$\$ > '$D/pid-$name'"
    echo "exec '$BIN/pipeline' dashboard"
  } >"$D/run-$name.sh"
  tmux -S "$sock" -f /dev/null new-session -d -s dash -x 80 -y 24 "bash '$D/run-$name.sh'"
  for _ in $(seq 1 100); do
    tmux -S "$sock" capture-pane -p -t dash | grep -q '500 pipelines' && break
    sleep 0.1
  done
  pid=$(cat "$D/pid-$name")
  sleep 2
  ticks=$(getconf CLK_TCK)
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  s0=$(date +%s.%N)
  for _ in $(seq 1 $((IDLE_SECONDS * 2))); do
    sleep 0.5
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    [ "$rss" -gt "$max" ] && max=$rss
  done
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  s1=$(date +%s.%N)
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  tmux -S "$sock" capture-pane -p -t dash | head -1 >"$D/title-$name"
  tmux -S "$sock" send-keys -t dash q
  sleep 0.5
  tmux -S "$sock" kill-server 2>/dev/null || true
  cpu=$(python3 -c "import sys; t0, t1, s0, s1, hz = map(float, sys.argv[1:]); print(round((t1 - t0) / hz / (s1 - s0) * 100, 2))" "$t0" "$t1" "$s0" "$s1" "$ticks")
  row "\`pipeline dashboard\` idle over 500 pipelines, $name ($(awk -F ' · ' '{print $2}' "$D/title-$name"); ${IDLE_SECONDS} s sampled): CPU of one core" "$cpu" 2 %
  row "\`pipeline dashboard\` idle over 500 pipelines, $name: resident memory (highest VmRSS; VmHWM $(python3 -c "print(round($hwm / 1024, 1))") MB)" "$(python3 -c "print(round($max / 1024, 1))")" 50 MB
}

(
  export AGOV_HOME=$D/embedded
  idle embedded
  declare -p ROWS INFO >"$D/rows"
)
# shellcheck disable=SC1091
source "$D/rows"
if command -v redis-server >/dev/null; then
  port=$(free_port)
  start_redis "$port"
  (
    export AGOV_HOME=$D/redis AGOV_RUNTIME_URL=redis://127.0.0.1:$port
    idle redis
    declare -p ROWS INFO >"$D/rows"
  )
  # shellcheck disable=SC1091
  source "$D/rows"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
else
  echo "redis-server not found: skipping the Redis dashboard rows" >&2
fi

if [ -n "${DASHBOARD_ALONE:-}" ]; then
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
