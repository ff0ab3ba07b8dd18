# Marketplace and plan checks: `templates search` over 10,000 templates, and
# `pipeline validate` of the shipped quickstart plan. Sourced by run.sh.
#
# The 10,000 templates read like a marketplace: descriptions of 12-30 words
# drawn from a 3,000-word vocabulary with a Zipf-like skew (a few words
# everywhere, most rare), 3 tags each from 200, and about 3% of them about
# Terraform. The target row searches two words as a user would; an extra row
# searches the two most common words (half the templates match; no target).
echo "templates: 10,000…" >&2
export AGOV_HOME=$WORK/templates10k
TPL=$WORK/tpl
mkdir -p "$TPL"
python3 - "$TPL" <<'PY'
import random, sys
random.seed(7)
letters = "abcdefghijklmnopqrstuvwxyz"
vocab = ["".join(random.choice(letters) for _ in range(random.randint(3, 9))) for _ in range(3000)]
vocab[0], vocab[1] = "review", "plan"            # the most common words
weights = [1.0 / (i + 1) for i in range(len(vocab))]
tags = vocab[:200]
domain = ["terraform", "ansible", "kubernetes", "helm", "drift", "audit", "backup", "lint"]
roles = ["alpha", "beta", "gamma"]
for i in range(10000):
    words = random.choices(vocab, weights=weights, k=random.randint(12, 30))
    if random.random() < 0.03:
        words += ["terraform"] + (["drift"] if random.random() < 0.5 else [])
    words += random.sample(domain, 1)
    random.shuffle(words)
    t = random.sample(tags, 3)
    with open(f"{sys.argv[1]}/t{i:05}.yaml", "w") as f:
        f.write(f"name: tpl-{i:05}\nversion: 1.{i % 7}.0\ndescription: {' '.join(words)}\nrole: {roles[i % 3]}\n"
                f"command: [sh, agent.sh]\ntier: {i % 5}\ntags: [{', '.join(t)}]\n")
PY
"$BIN/pipeline" templates add "$TPL" --json >/dev/null
row "\`pipeline templates search terraform drift\` over 10,000 templates (whole process)" "$(median_ms "$BIN/pipeline templates search terraform drift" 50)" 10 ms
INFO+=("| \`pipeline templates search review plan\` over 10,000 templates (the two commonest words: half of them match; no target) | $(median_ms "$BIN/pipeline templates search review plan" 30) ms |")
INFO+=("| \`pipeline templates show tpl-00042\` over 10,000 templates | $(median_ms "$BIN/pipeline templates show tpl-00042" 50) ms |")
# A 500-stage plan: a layered DAG (each stage requires up to 3 of the 20
# before it), a condition every 7th, retries every 5th, a gate every 50th.
python3 - "$WORK/stages500.yaml" <<'PY'
import random, sys
random.seed(11)
out = ["name: stages500", "objective: the 500-stage validate benchmark", "stages:"]
for i in range(500):
    out.append(f"  - name: s{i:03}")
    req = sorted(random.sample(range(max(0, i - 20), i), min(i, random.randint(1, 3)))) if i else []
    if req:
        out.append(f"    requires: [{', '.join(f's{j:03}' for j in req)}]")
    if i % 50 == 49:
        out.append("    type: human-gate\n    approvers: [ana]\n    timeout: 1h")
        continue
    out.append(f"    command: [sh, stage.sh, s{i:03}]")
    if req and i % 7 == 0:
        out.append(f"    when: s{req[0]:03} == completed")
    if i % 5 == 0:
        out.append("    retry: {max: 2, backoff: 1s}\n    timeout: 10m")
    out.append("    deliverables: [out.json]\n    tier: 1")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
"$BIN/pipeline" validate "$WORK/stages500.yaml" --tier 1 >/dev/null
row "\`pipeline validate\` of a 500-stage plan (whole process)" "$(median_ms "$BIN/pipeline validate $WORK/stages500.yaml --tier 1" 50)" 20 ms
INFO+=("| \`pipeline validate examples/plans/quickstart.yaml\` (whole process) | $(median_ms "$BIN/pipeline validate $ROOT/examples/plans/quickstart.yaml" 50) ms |")
