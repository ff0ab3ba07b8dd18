# Containment rows of the whole-binary benchmarks (sourced by run.sh; needs
# $BIN, $WORK and lib.sh): what the kernel sandbox costs an agent's start,
# `agent exec` whole, and how long a revoked agent's processes live on.
echo "sandbox…" >&2
(
  export AGOV_HOME=$WORK/sandbox
  mkdir -p "$WORK/sandbox-tree" && cd "$WORK/sandbox-tree"
  "$BIN/ledger" note -m warm-up >/dev/null
  # agent exec: the rules, the ledger event, and `true` in its tier's sandbox.
  confined=$(AGOV_SANDBOX=enforce median_ms "$BIN/pipeline agent exec --tier 0 -- true" 50)
  unconfined=$(AGOV_SANDBOX=off median_ms "$BIN/pipeline agent exec --tier 0 -- true" 50)
  row "\`pipeline agent exec --tier 0 -- true\` (whole process, sandboxed, ledgered)" "$confined" 5 ms
  row "sandbox set-up per agent start (the same, sandboxed minus unconfined)" \
    "$(python3 -c "print(round(max(0.0, $confined - $unconfined), 2))")" 2 ms

  # Revocation: a chatty agent with a child; from `agents revoke` to the last
  # of its processes gone.
  # (An agent's pids are those of its own PID namespace: its child is found by name.)
  times=()
  for i in 1 2 3 4 5; do
    mark="agov-bench-chatty-$$-$i"
    cat >chatty.sh <<SH
for p in PREFLIGHT PLAN EXECUTE; do printf '{"type":"phase","phase":"%s"}\n' "\$p"; done
( exec -a $mark sleep 300 ) &
while true; do printf '{"type":"heartbeat"}\n'; done
SH
    printf '{"agent_id":"chatty-%s","task_id":"bench","objective":"talk"}' "$i" >"chatty-$i.json"
    "$BIN/pipeline" agent run --packet "chatty-$i.json" -- bash chatty.sh >/dev/null 2>&1 &
    driver=$!
    for _ in $(seq 1 500); do pgrep -f "$mark" >/dev/null && break; sleep 0.01; done
    t0=$(date +%s%N)
    "$BIN/pipeline" agents revoke "chatty-$i" --reason bench >/dev/null
    while pgrep -f "$mark" >/dev/null; do sleep 0.002; done
    t1=$(date +%s%N)
    wait "$driver" 2>/dev/null || true
    times+=("$(( (t1 - t0) / 1000000 ))")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  row "revocation to the last process of a chatty agent gone (median of 5)" "$median" 1000 ms
  declare -p ROWS INFO >"$WORK/sandbox-rows"
)
# shellcheck disable=SC1091
source "$WORK/sandbox-rows"
