#!/usr/bin/env python3
"""ALPHA (research): finds broken relative links in the Markdown files of the
folder the pipeline runs in, posts them to the blackboard, and accepts the
result if BETA's report counts the same broken links."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agov_agent import *  # noqa: E402,F403

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
SKIP = {".git", "target", "node_modules", ".venv"}

phase("PREFLIGHT")
root = os.getcwd()
phase("PLAN")
post("problem", f"find Markdown links under {root} that point at missing files")
phase("EXECUTE")
checked, broken = 0, []
for folder, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if d not in SKIP and not d.startswith(".")]
    for name in sorted(files):
        if not name.endswith(".md"):
            continue
        path = os.path.join(folder, name)
        try:
            f = open(path, encoding="utf-8", errors="replace")
        except OSError as e:
            # The sandbox hides agov's own folders (and what they hold)
            # from agents, also where they sit inside the working tree.
            log(f"skipped {os.path.relpath(path, root)}: {e.strerror}")
            continue
        with f:
            for lineno, line in enumerate(f, 1):
                for target in LINK.findall(line):
                    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                        continue
                    checked += 1
                    file_part = target.split("#", 1)[0]
                    if not os.path.exists(os.path.join(folder, file_part)):
                        broken.append({"file": os.path.relpath(path, root), "line": lineno, "target": target})
step("scan")
found = {"checked": checked, "broken": broken}
artifact("links.json", write_json("links.json", found))
post("solutions", found)
log(f"checked {checked} relative links, {len(broken)} broken")
phase("VERIFY")
board = wait_for(lambda b: entries_by(b, "solutions", "beta"), "beta's report")
phase("PACKAGE")
phase("REPORT")
if board is None:
    vote("ABSTAIN", "beta did not report in time")
else:
    theirs = entries_by(board, "solutions", "beta")[-1]["content"]
    if "broken" not in theirs:
        vote("ACCEPT", f"my findings stand: {len(broken)} broken link(s) of {checked}")
    elif theirs["broken"] == len(broken):
        vote("ACCEPT", f"beta's report counts the {len(broken)} broken link(s) I found")
    else:
        vote("REJECT", f"beta counts {theirs.get('broken')} broken links, I found {len(broken)}")
