//! The soak: 32 processes at once, mixing every tool against one data
//! folder and one Redis for 60 s (SOAK_SECONDS): nothing fails, nothing says
//! "database is locked", every write that reported success is there, and
//! the chain verifies.

use serde_json::Value;

use crate::common::TestEnv;

const WORKERS: usize = 32;

/// One worker: a loop of random operations until the deadline; each line of
/// `soak/w{N}.log` is `KIND RC`, and stderr goes to `soak/w{N}.err`.
const WORKER: &str = r#"
w=$1; end=$(( $(date +%s) + $2 )); i=0
mkdir -p "st/w$w"
log() { echo "$1 $2" >> "soak/w$w.log"; }
while [ "$(date +%s)" -lt "$end" ]; do
  i=$((i + 1))
  case $((RANDOM % 9)) in
    0) "$LEDGER" note -m "w$w note $i" -q; log note $? ;;
    1) "$BUGS" log -m "w$w bug $i lock never released" --severity high -q > /dev/null; log bug $? ;;
    2) "$BUGS" list --limit 5 > /dev/null; log read $? ;;
    3) head -c 20000 /dev/urandom | base64 | "$MEMORY" log --title "w$w mem $i" -q > /dev/null; log memory $? ;;
    4) "$CHECKPOINT" now --notes "w$w cp $i" -q > /dev/null; log checkpoint $? ;;
    5) "$STATUS" update "st/w$w" --task "task $i" -q > /dev/null; log task $? ;;
    6) "$CHECKPOINT" load > /dev/null && "$MEMORY" search lock > /dev/null && "$LEDGER" tail -n 5 > /dev/null; log read $? ;;
    7) if [ $((i % 3)) -eq 0 ]; then
         "$PIPELINE" spawn --plan soak.yaml --timeout 10m -q > /dev/null; log pipeline $?
       else
         "$BUGS" search lock > /dev/null; log read $?
       fi ;;
    8) "$PIPELINE" list --all > /dev/null && "$STATUS" sweep st > /dev/null; log read $? ;;
  esac
done 2>> "soak/w$w.err"
"#;

#[test]
fn thirty_two_processes_mixing_every_tool_lose_nothing() {
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let mut env = TestEnv::new();
    env.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url())
        .set("AGOV_TENANT", &agov_testkit::unique("soak"));
    crate::pipelines::with_examples(&env);
    std::fs::create_dir_all(env.dir.path().join("soak")).unwrap();
    std::fs::write(env.dir.path().join("worker.sh"), WORKER).unwrap();
    // Pipelines of two governed stages (the quickstart's Python agents
    // would mostly measure how 32 processes share two cores).
    std::fs::write(
        env.dir.path().join("soak.yaml"),
        "name: soak\nobjective: stay correct under load\nstages:\n  - name: a\n    command: [bash, examples/agents/stage.sh, ok]\n  - name: b\n    requires: [a]\n    command: [bash, examples/agents/stage.sh, ok]\n",
    )
    .unwrap();
    let run = env.sh(&format!(
        "for w in $(seq 1 {WORKERS}); do bash worker.sh $w {seconds} & done; wait"
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut ok: std::collections::BTreeMap<String, usize> = Default::default();
    let mut failures = Vec::new();
    let mut errors = String::new();
    for w in 1..=WORKERS {
        let log = std::fs::read_to_string(env.dir.path().join(format!("soak/w{w}.log")))
            .unwrap_or_default();
        for line in log.lines() {
            let (kind, rc) = line.split_once(' ').unwrap();
            if rc == "0" {
                *ok.entry(kind.to_string()).or_default() += 1;
            } else {
                failures.push(format!("w{w}: {line}"));
            }
        }
        errors.push_str(
            &std::fs::read_to_string(env.dir.path().join(format!("soak/w{w}.err")))
                .unwrap_or_default(),
        );
    }
    assert!(
        !errors.contains("database is locked"),
        "a tool said `database is locked`:\n{errors}"
    );
    assert!(failures.is_empty(), "{failures:?}\n{errors}");
    let total: usize = ok.values().sum();
    assert!(total > WORKERS * 5, "too little happened: {ok:?}");
    eprintln!("soak: {total} operations in {seconds} s: {ok:?}");

    // Every write that said so is there.
    let count = |action: &str| {
        env.run(
            "ledger",
            &["query", "--action", action, "--limit", "1000000", "--json"],
        )
        .expect(0)
        .json()
        .as_array()
        .unwrap()
        .len()
    };
    let n = |kind: &str| ok.get(kind).copied().unwrap_or(0);
    assert_eq!(count("ledger.note"), n("note"), "notes");
    assert_eq!(count("bug.log"), n("bug"), "bug events");
    assert_eq!(count("memory.log"), n("memory"), "memory events");
    assert_eq!(count("checkpoint.create"), n("checkpoint"), "checkpoints");
    let bugs = env
        .run(
            "bugs",
            &["list", "--status", "all", "--limit", "100000", "--json"],
        )
        .expect(0)
        .json();
    assert_eq!(bugs.as_array().unwrap().len(), n("bug"), "bugs");
    let memories = env.run("memory", &["list", "--limit", "100000", "--json"]);
    let memories = memories.expect(0).json();
    assert_eq!(
        memories.as_array().unwrap().len(),
        n("memory"),
        "memory entries"
    );
    let pipelines = env
        .run("pipeline", &["list", "--all", "--json"])
        .expect(0)
        .json();
    let pipelines = pipelines.as_array().unwrap();
    assert_eq!(pipelines.len(), n("pipeline"), "pipelines");
    assert!(
        pipelines.iter().all(|p| p["status"] == "COMPLETED"),
        "{pipelines:#?}"
    );
    let sweep = env.sh("\"$STATUS\" sweep st --json").expect(0).json();
    let tasks: u64 = sweep["dirs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d: &Value| d["tasks_total"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(tasks as usize, n("task"), "STATUS.md tasks");
    env.run("ledger", &["verify"]).expect(0);
}
