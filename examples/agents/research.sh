#!/usr/bin/env bash
# A governed agent in a few lines of shell: it announces each phase, asks
# before it acts, reports the steps its packet requires and its deliverable.
# Run it with:
#   pipeline agent run --packet examples/packets/alpha-research.json -- examples/agents/research.sh
set -euo pipefail
say() { printf '%s\n' "$1"; }
phase() { say "{\"type\":\"phase\",\"phase\":\"$1\"}"; }

phase PREFLIGHT
say "{\"type\":\"log\",\"message\":\"agent $AGOV_AGENT_ID on task $AGOV_TASK_ID at tier $AGOV_TIER\"}"
phase PLAN
phase EXECUTE
# Ask before acting; the governor answers on stdin.
say '{"type":"action","id":"a1","action":"cmd:git log --oneline -5"}'
read -r answer
case "$answer" in
  *'"allow"'*) git log --oneline -5 >/dev/null 2>&1 || true ;;
  *) say '{"type":"error","key":"denied","message":"git log was not allowed"}' ;;
esac
say '{"type":"step","name":"reproduce"}'
say '{"type":"step","name":"read the renewal code"}'
out=${TMPDIR:-/tmp}/findings-$AGOV_RUN_ID.md
printf '# Findings\n\nNothing conclusive yet.\n' > "$out"
say "{\"type\":\"artifact\",\"name\":\"findings.md\",\"path\":\"$out\"}"
phase VERIFY
phase PACKAGE
phase REPORT
