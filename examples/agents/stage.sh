#!/usr/bin/env bash
# A stage agent for staged plans: announces each phase, writes its
# deliverable (`result.json`, or the name given after `ok`) into its own
# folder ($AGOV_OUTPUT_DIR) and reports it. Its argument says how it
# behaves, for demos and tests:
#   stage.sh ok [NAME]     completes
#   stage.sh fail [SECS]   fails in EXECUTE (exit 1), after SECS seconds
#   stage.sh flaky N       fails its first N tries, then completes
#   stage.sh sleep SECS    takes SECS seconds in EXECUTE
set -euo pipefail
say() { printf '%s\n' "$1"; }
phase() { say "{\"type\":\"phase\",\"phase\":\"$1\"}"; }
mode=${1:-ok}
phase PREFLIGHT
phase PLAN
phase EXECUTE
case "$mode" in
  fail) sleep "${2:-0}"; say '{"type":"log","level":"error","message":"failing as asked"}'; exit 1 ;;
  flaky)
    tries_file=$AGOV_OUTPUT_DIR/.tries
    tries=$(( $(cat "$tries_file" 2>/dev/null || echo 0) + 1 ))
    echo "$tries" > "$tries_file"
    if [ "$tries" -le "${2:-1}" ]; then
      say "{\"type\":\"log\",\"level\":\"error\",\"message\":\"try $tries fails as asked\"}"; exit 1
    fi ;;
  sleep) sleep "${2:-1}" ;;
esac
name=result.json
if [ "$mode" = ok ] && [ -n "${2:-}" ]; then name=$2; fi
out=$AGOV_OUTPUT_DIR/$name
printf '{"stage":"%s","agent":"%s"}\n' "${AGOV_AGENT_ID}" "$AGOV_AGENT_ID" > "$out"
say "{\"type\":\"artifact\",\"name\":\"$name\",\"path\":\"$out\"}"
phase VERIFY
phase PACKAGE
phase REPORT
