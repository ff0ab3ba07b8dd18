#!/usr/bin/env python3
"""BETA of the disagreement example: a stricter reviewer. It counts the
TODO markers in the folder's Markdown and rejects the result if there are
any, so that the pipeline ends without consensus and shows the fallbacks."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agov_agent import *  # noqa: E402,F403

phase("PREFLIGHT")
phase("PLAN")
phase("EXECUTE")
todos = 0
for folder, dirs, files in os.walk(os.getcwd()):
    dirs[:] = [d for d in dirs if d not in {".git", "target", "node_modules"} and not d.startswith(".")]
    for name in files:
        if name.endswith(".md"):
            try:
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                    todos += sum(line.count("TODO") for line in f)
            except OSError:
                continue  # hidden from agents by the sandbox (agov's own folders)
step("review")
# A rerun (an operator's fallback) is told how the round before ended.
with open(os.environ["AGOV_PACKET"], encoding="utf-8") as f:
    before = json.load(f).get("previous_attempt")
solution = {"todo_markers": todos}
if before:
    solution["rerun_of"] = {"round": before["round"], "failure": before.get("failure")}
post("solutions", solution)
phase("VERIFY")
phase("PACKAGE")
phase("REPORT")
threshold = int(os.environ.get("STRICT_BETA_MAX_TODOS", "-1"))
if todos > threshold:
    vote("REJECT", f"{todos} TODO marker(s) in the docs; I accept none")
else:
    vote("ACCEPT", f"{todos} TODO marker(s), within {threshold}")
