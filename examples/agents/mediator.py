#!/usr/bin/env python3
"""GAMMA (mediator): settles every open conflict on the blackboard with a
ruling, records the mediated plan and votes on it."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agov_agent import *  # noqa: E402,F403

phase("PREFLIGHT")
phase("PLAN")
phase("EXECUTE")
board = blackboard()
rulings = []
for c in board.get("conflicts", []):
    if c.get("resolved_by"):
        continue
    ruling = "keep the narrower scope" if c["about"].startswith("scope") else "report, do not fail"
    resolve(c["id"], ruling)
    rulings.append({"conflict": c["id"], "about": c["about"], "ruling": ruling})
step("mediate")
post("solutions", {"mediated": rulings})
phase("VERIFY")
phase("PACKAGE")
phase("REPORT")
vote("ACCEPT", f"settled {len(rulings)} conflict(s); the mediated plan stands")
