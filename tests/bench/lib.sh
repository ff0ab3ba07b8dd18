# Helpers of the whole-binary benchmarks: rows of the result table and
# hyperfine medians. Sourced by run.sh and pipelines.sh; needs $WORK.
ROWS=()
INFO=()
# row TARGET MEASURED LIMIT UNIT  (pass when MEASURED <= LIMIT)
row() {
  local verdict
  verdict=$(python3 -c "import sys; print('pass' if sys.argv[1] != 'failed' and float(sys.argv[1]) <= float(sys.argv[2]) else 'FAIL')" "$2" "$3")
  ROWS+=("| $1 | $2 $4 | ≤ $3 $4 | $verdict |")
}
# row_min TARGET MEASURED LIMIT UNIT  (pass when MEASURED >= LIMIT)
row_min() {
  local verdict
  verdict=$(python3 -c "import sys; print('pass' if sys.argv[1] != 'failed' and float(sys.argv[1]) >= float(sys.argv[2]) else 'FAIL')" "$2" "$3")
  ROWS+=("| $1 | $2 $4 | ≥ $3 $4 | $verdict |")
}
# median_ms COMMAND RUNS: hyperfine's median in milliseconds, or `failed`
# (with the command's error on stderr) when the command does not succeed.
median_ms() {
  rm -f "$WORK/h.json"
  if ! hyperfine -N --warmup 3 --runs "$2" --export-json "$WORK/h.json" "$1" >/dev/null 2>"$WORK/h.err"; then
    echo "benchmark failed: $1" >&2
    tail -n 3 "$WORK/h.err" >&2
    echo failed
    return
  fi
  python3 -c "import json; print(round(json.load(open('$WORK/h.json'))['results'][0]['median'] * 1000, 2))"
}


# free_port: a free loopback TCP port.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_redis PORT: a throwaway redis-server on loopback, no persistence.
start_redis() {
  redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && return; sleep 0.1; done
}
