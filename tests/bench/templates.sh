# Marketplace and plan checks: `templates search` over 10,000 templates, and
# `pipeline validate` of the shipped quickstart plan. Sourced by run.sh.
echo "templates: 10,000…" >&2
export AGOV_HOME=$WORK/templates10k
TPL=$WORK/tpl
mkdir -p "$TPL"
python3 - "$TPL" <<'PY'
import random, sys
random.seed(7)
words = ["terraform", "ansible", "kubernetes", "helm", "review", "lint", "deploy", "audit", "docs", "links",
         "security", "cost", "drift", "backup", "restore", "migrate", "schema", "python", "rust", "go"]
roles = ["alpha", "beta", "gamma"]
for i in range(10000):
    tags = random.sample(words, 3)
    desc = " ".join(random.choices(words, k=12))
    with open(f"{sys.argv[1]}/t{i:05}.yaml", "w") as f:
        f.write(f"name: tpl-{i:05}-{tags[0]}\nversion: 1.{i % 7}.0\ndescription: {desc}\nrole: {roles[i % 3]}\n"
                f"command: [sh, agent.sh]\ntier: {i % 5}\ntags: [{', '.join(tags)}]\n")
PY
"$BIN/pipeline" templates add "$TPL" -q >/dev/null
row "\`pipeline templates search terraform drift\` over 10,000 templates (whole process)" "$(median_ms "$BIN/pipeline templates search terraform drift" 50)" 10 ms
one=$(sed -n 1p "$TPL/t00042.yaml" | cut -d' ' -f2)
INFO+=("| \`pipeline templates show $one\` over 10,000 templates | $(median_ms "$BIN/pipeline templates show $one" 50) ms |")
INFO+=("| \`pipeline validate examples/plans/quickstart.yaml\` (whole process) | $(median_ms "$BIN/pipeline validate $ROOT/examples/plans/quickstart.yaml" 50) ms |")
