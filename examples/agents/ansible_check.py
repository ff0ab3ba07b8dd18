#!/usr/bin/env python3
"""ALPHA (operator): runs an Ansible playbook in check mode (`--check --diff`,
which changes nothing) after asking the governor, posts what would change to
the blackboard, and accepts once BETA has reported. The playbook is
$AGOV_PLAYBOOK (default site.yml), the inventory $AGOV_INVENTORY if set."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agov_agent import *  # noqa: E402,F403

playbook = os.environ.get("AGOV_PLAYBOOK", "site.yml")
inventory = os.environ.get("AGOV_INVENTORY")
phase("PREFLIGHT")
binary = shutil.which("ansible-playbook")
phase("PLAN")
cmd = ["ansible-playbook", "--check", "--diff", playbook]
if inventory:
    cmd += ["-i", inventory]
post("problem", f"what would `{' '.join(cmd)}` change?")
phase("EXECUTE")
if binary is None:
    result = {"ran": False, "reason": "ansible-playbook is not installed", "changed": None}
elif not ask("cmd:" + " ".join(cmd)):
    result = {"ran": False, "reason": "the governor denied the check run", "changed": None}
else:
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    changed = [l for l in run.stdout.splitlines() if l.startswith("changed:")]
    result = {"ran": True, "exit": run.returncode, "changed": len(changed), "lines": changed[:200]}
step("check")
artifact("ansible-check.json", write_json("ansible-check.json", result))
post("solutions", result)
phase("VERIFY")
board = wait_for(lambda b: entries_by(b, "solutions", "beta"), "beta's review")
phase("PACKAGE")
phase("REPORT")
if board is None:
    vote("ABSTAIN", "beta did not review in time")
elif not result["ran"]:
    vote("REJECT", result["reason"])
else:
    vote("ACCEPT", f"check mode ran (exit {result['exit']}), {result['changed']} task(s) would change")
