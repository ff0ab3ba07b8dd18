"""The agent side of agov's JSON-lines protocol, for Python agents.

An agent writes one JSON object per line on stdout (phases, steps,
artifacts, and in a pipeline: blackboard posts, messages, conflicts, votes,
reads) and reads the governor's answers to its action requests and reads on
stdin. It has no access to agov's data: it reads the blackboard and its
messages only through the protocol. Shape: schema/json/agent-protocol.schema.json.
"""

import itertools
import json
import os
import sys
import time

PIPELINE = os.environ.get("AGOV_PIPELINE_ID", "")
ROLE = os.environ.get("AGOV_ROLE", "")
OUT = os.environ.get("AGOV_OUTPUT_DIR", ".")
_ids = itertools.count(1)


def say(**message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def phase(name):
    say(type="phase", phase=name)


def log(message, level="info"):
    say(type="log", level=level, message=message)


def step(name):
    say(type="step", name=name)


def artifact(name, path):
    say(type="artifact", name=name, path=path)


def post(section, content):
    say(type="post", section=section, content=content)


def send(to, kind, body):
    say(type="send", to=to, kind=kind, body=body)


def vote(choice, reasoning):
    say(type="vote", vote=choice, reasoning=reasoning)


def conflict(about, with_role=None):
    say(type="conflict", about=about, **({"with": with_role} if with_role else {}))


def resolve(conflict_id, note):
    say(type="resolve", conflict=conflict_id, note=note)


def _answer(request_id):
    """The governor's answer to request `request_id` (one line on stdin)."""
    while True:
        line = sys.stdin.readline()
        if not line:
            return {}
        answer = json.loads(line)
        if answer.get("id") == request_id:
            return answer


def ask(action):
    """Asks the governor before acting; True if allowed."""
    request_id = f"a{next(_ids)}"
    say(type="action", id=request_id, action=action)
    return _answer(request_id).get("decision") == "allow"


def blackboard(section=None):
    """The current round of the blackboard, as `pipeline blackboard --json` shows it."""
    request_id = f"r{next(_ids)}"
    say(type="read", id=request_id, what="blackboard", **({"section": section} if section else {}))
    return _answer(request_id).get("data", {})


def messages():
    """The messages sent to this agent, oldest first."""
    request_id = f"r{next(_ids)}"
    say(type="read", id=request_id, what="messages")
    return _answer(request_id).get("data", [])


def wait_for(predicate, what, timeout=60.0, every=0.7):
    """Polls the blackboard until predicate(board) is true; heartbeats meanwhile.
    Every read is a call: an agent that makes more than 100 a minute is
    throttled, and revoked at 200."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        board = blackboard()
        if predicate(board):
            return board
        say(type="heartbeat", note=f"waiting for {what}")
        time.sleep(every)
    say(type="error", key="timeout", message=f"gave up waiting for {what}")
    return None


def entries_by(board, section, role):
    return [e for e in board.get(section, []) if e["by"] == role]


def write_json(name, value):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
    return path
