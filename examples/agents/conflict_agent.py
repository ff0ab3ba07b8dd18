#!/usr/bin/env python3
"""ALPHA or BETA of the conflict example: each raises disagreements about the
scope of the work, waits until the mediator (GAMMA, spawned on three
unresolved conflicts) has settled them, then accepts the mediated result."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agov_agent import *  # noqa: E402,F403

other = "beta" if ROLE == "alpha" else "alpha"
disputes = {
    "alpha": ["scope: include vendored code", "severity: broken anchors are errors"],
    "beta": ["scope: exclude generated files"],
}[ROLE]

phase("PREFLIGHT")
phase("PLAN")
phase("EXECUTE")
post("solutions", {"proposal": f"{ROLE}'s reading of the task", "disputes": disputes})
send(other, "PROPOSAL", f"{ROLE} proposes: {', '.join(disputes)}")
for d in disputes:
    conflict(d, other)
step("propose")
board = wait_for(
    lambda b: b.get("conflicts") and all(c.get("resolved_by") for c in b["conflicts"]),
    "the mediator to settle the conflicts",
)
phase("VERIFY")
phase("PACKAGE")
phase("REPORT")
if board is None:
    vote("REJECT", "the conflicts were not settled")
else:
    vote("ACCEPT", f"all {len(board['conflicts'])} conflicts were settled by {board['conflicts'][0]['resolved_by']}")
