"""Writes realistic application and CI log lines to stdout: timestamps, levels,
modules and ten message templates with variable fields (compresses about 5x
with zstd -1, like real logs). Usage: genlog.py BYTES [SEED]"""
import random, sys
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
target = int(sys.argv[1])
verbs = ["GET", "POST", "PUT", "DELETE"]
paths = ["/api/v1/agents", "/api/v1/pipelines/%d", "/v1/auth/token/renew-self", "/v1/secret/data/agov/%s", "/healthz", "/api/v1/bugs/%d/claim"]
mods = ["runtime", "vault", "ledger", "scheduler", "http", "db", "cache", "worker", "terraform", "ansible"]
templates = [
    lambda: "%s %s %d %.1fms" % (random.choice(verbs), random.choice(paths).replace("%d", str(random.randint(1, 5000))).replace("%s", random.choice(["hmac", "seal", "runtime"])), random.choice([200]*30 + [201, 204, 404, 500, 503]), random.random() * 200),
    lambda: "lock %s acquired by agent-%04x ttl=%ds" % (random.choice(["exec", "pipeline", "claim"]), random.getrandbits(16), random.choice([30, 60, 120])),
    lambda: "token renewed accessor=%012x ttl=%dm" % (random.getrandbits(48), random.choice([30, 60, 120])),
    lambda: "processed batch %d of %d (%d items, %d skipped)" % (random.randint(1, 900), 900, random.randint(100, 1000), random.randint(0, 9)),
    lambda: "resource \"aws_instance\" \"web_%d\": plan to %s" % (random.randint(1, 300), random.choice(["create", "update in-place", "destroy", "replace"])),
    lambda: "TASK [%s : %s] ok=%d changed=%d failed=%d" % (random.choice(mods), random.choice(["install packages", "template config", "restart service", "check health"]), random.randint(0, 40), random.randint(0, 5), random.choice([0] * 20 + [1])),
    lambda: "error: connection to %s:%d refused (attempt %d/5)" % (random.choice(["10.0.3.%d" % random.randint(1, 254), "redis", "vault"]), random.choice([6379, 8200, 5432]), random.randint(1, 5)),
    lambda: "test %s::%s ... %s" % (random.choice(mods), "_".join(random.choice(["handles", "rejects", "renews", "expired", "token", "lock", "budget", "phase", "order"]) for _ in range(4)), random.choice(["ok"] * 40 + ["FAILED"])),
    lambda: "compiling %s v0.%d.%d" % (random.choice(["serde", "tokio", "rusqlite", "clap", "regex", "hyper", "agov-core"]), random.randint(1, 30), random.randint(0, 20)),
    lambda: "gc pause %.2fms heap=%dMB live=%dMB" % (random.random() * 20, random.randint(200, 900), random.randint(100, 400)),
]
levels = ["INFO"] * 30 + ["DEBUG"] * 10 + ["WARN"] * 3 + ["ERROR"]
out = sys.stdout
n = 0
t = 1763800000.0
buf = []
while n < target:
    t += random.random() * 0.05
    line = "2026-11-22T%02d:%02d:%06.3fZ %-5s [%s] %s\n" % ((t // 3600) % 24, (t // 60) % 60, t % 60, random.choice(levels), random.choice(mods), random.choice(templates)())
    buf.append(line)
    n += len(line)
    if len(buf) >= 20000:
        out.write("".join(buf)); buf = []
out.write("".join(buf))
