#!/usr/bin/env python3
"""BETA (synthesis): turns ALPHA's findings into a report grouped by file,
sends ALPHA its feedback and accepts when the report covers every finding."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agov_agent import *  # noqa: E402,F403

phase("PREFLIGHT")
phase("PLAN")
phase("EXECUTE")
board = wait_for(lambda b: entries_by(b, "solutions", "alpha"), "alpha's findings")
if board is None:
    phase("VERIFY")
    phase("PACKAGE")
    phase("REPORT")
    vote("ABSTAIN", "alpha posted no findings")
    sys.exit(0)
found = entries_by(board, "solutions", "alpha")[-1]["content"]
by_file = {}
for b in found["broken"]:
    by_file.setdefault(b["file"], []).append(b)
lines = [f"# Broken links\n\n{found['checked']} relative links checked, {len(found['broken'])} broken.\n"]
for f, items in sorted(by_file.items()):
    lines.append(f"\n## {f}\n")
    lines += [f"- line {i['line']}: `{i['target']}`\n" for i in items]
report = os.path.join(OUT, "report.md")
with open(report, "w") as out:
    out.writelines(lines)
step("summarise")
artifact("report.md", report)
post("solutions", {"summary": f"{len(by_file)} file(s) with broken links", "broken": len(found["broken"]), "report": report})
send("alpha", "FEEDBACK", f"report written: {len(found['broken'])} broken link(s) in {len(by_file)} file(s)")
phase("VERIFY")
phase("PACKAGE")
phase("REPORT")
vote("ACCEPT", f"the report covers all {len(found['broken'])} finding(s)")
