//! A hostile agent cannot exceed its tier: escape attempts run as real
//! agents (`pipeline agent run`) at T0, T1 and T2, on the embedded default
//! and against OpenBao + Redis. The kernel sandbox refuses them; afterwards
//! nothing outside the tier's roots changed and no token above the tier
//! exists. These tests need Linux Landlock (ABI 6): where it is missing they
//! fail, saying so.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::agents::both;
use crate::common::{TestEnv, bin};

/// Fails with a hint where the kernel cannot confine agents.
fn require_landlock(env: &TestEnv) {
    let probe = env.sh(
        r#"printf '%s\n' '{"agent_id":"probe","task_id":"probe","objective":"probe"}' > probe.json
           "$PIPELINE" agent run --packet probe.json -- true"#,
    );
    assert!(
        !probe.stderr.contains("cannot enforce"),
        "this kernel cannot run agov's tier sandbox: {}\nhint: agov's containment tests need Linux \
         Landlock ABI 6 (Linux 6.12+, landlock in the lsm= boot list)",
        probe.stderr
    );
}

/// Promotes `agent` to `tier` as the operator (below T3 no approval is needed).
fn promote(env: &TestEnv, agent: &str, tier: u8) {
    if tier > 0 {
        env.run(
            "pipeline",
            &["agents", "promote", agent, "--to", &tier.to_string()],
        )
        .expect(0);
    }
}

const PHASES_IN: &str = r#"
say() { printf '%s\n' "$1"; }
for p in PREFLIGHT PLAN EXECUTE; do say "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
escaped() { echo "ESCAPED: $1" >&2; }
"#;
const PHASES_OUT: &str = r#"
for p in VERIFY PACKAGE REPORT; do say "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
"#;

/// The escape attempts, as a bash agent. Each prints `ESCAPED: what` on
/// stderr if it got through, `allowed: what` for what its tier may do.
fn attempts(env: &TestEnv, outside: &Path, redis_port: u16) -> String {
    let home = env.home();
    let data = env.data();
    let pipeline = bin("pipeline");
    format!(
        r#"{PHASES_IN}
# Writes outside the output folder.
touch {outside}/written 2>/dev/null && escaped "write outside the working tree"
touch ./src/in-work 2>/dev/null && echo "allowed: write the working tree" >&2
touch ./sandbox/in-sandbox 2>/dev/null && echo "allowed: write the sandbox folder" >&2
touch "$AGOV_OUTPUT_DIR/deliverable" && echo "allowed: write the output folder" >&2
# agov's databases, keys, seals and config.
for f in {data}/agov.db {data}/runtime.db {data}/tokens.db {data}/pipeline-token.key {data}/ledger.seals {home}/config.toml; do
  cat "$f" >/dev/null 2>&1 && escaped "read $f"
  [ -e "$f" ] && echo >> "$f" 2>/dev/null && escaped "append to $f"
done
# The operator's credentials.
cat {op}/.vault-token >/dev/null 2>&1 && escaped "read ~/.vault-token"
cat {op}/.ssh/id_ed25519 >/dev/null 2>&1 && escaped "read ~/.ssh/id_ed25519"
cat /etc/shadow >/dev/null 2>&1 && escaped "read /etc/shadow"
# Governance through the pipeline binary, with agov's folder named.
AGOV_HOME={home} {pipeline} agents promote "$AGOV_AGENT_ID" --to 4 --approve >/dev/null 2>&1 && escaped "promote itself"
AGOV_HOME={home} {pipeline} token issue --tier 4 >/dev/null 2>&1 && escaped "issue a T4 token"
AGOV_HOME={home} {pipeline} agents revoke victim --reason x >/dev/null 2>&1 && escaped "revoke another agent"
# The network: Redis (and any TCP) from a tier without it.
(exec 3<>/dev/tcp/127.0.0.1/{redis_port}) 2>/dev/null && escaped "connect to Redis on {redis_port}"
(exec 3<>/dev/tcp/127.0.0.1/{vault_port}) 2>/dev/null && escaped "connect to OpenBao on {vault_port}"
if [ "$AGOV_TIER" -lt 2 ]; then
  (echo x > /dev/udp/127.0.0.1/{redis_port}) 2>/dev/null && escaped "send a UDP datagram"
  python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)' 2>/dev/null && escaped "open a UDP socket"
  python3 -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)' 2>/dev/null || escaped "(a Unix socket should still open)"
fi
# Other processes: the launcher's and the governor's environment, signals.
cat /proc/$PPID/environ >/dev/null 2>&1 && escaped "read the launcher's environment"
[ "$PPID" != 0 ] && kill -0 $PPID 2>/dev/null && escaped "signal the launcher"
# A descriptor the operator's shell left open (7<~/.vault-token).
cat <&7 >/dev/null 2>&1 && escaped "read an inherited file descriptor"
# Typing into the operator's terminal, setuid bits, MPTCP past the port rules.
python3 -c 'import fcntl,termios; fcntl.ioctl(2, termios.TIOCSTI, b"x")' 2>&1 | grep -q "Errno 13" || escaped "TIOCSTI was not refused"
python3 -c 'import os; os.chmod(os.environ["AGOV_OUTPUT_DIR"], 0o4755)' 2>/dev/null && escaped "set a set-user-ID bit"
python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)' 2>/dev/null && escaped "open an MPTCP socket"
# Its own environment holds nothing of agov's.
env | grep -E '^(AGOV_HOME|AGOV_CONFIG|AGOV_VAULT|AGOV_RUNTIME|AGOV_LLM|AGOV_PIPELINE_BIN)' >&2 && escaped "agov settings in the environment"
say '{{"type":"artifact","name":"deliverable"}}'
{PHASES_OUT}"#,
        outside = outside.display(),
        data = data.display(),
        home = home.display(),
        op = env.dir.path().display(),
        pipeline = pipeline.display(),
        vault_port = agov_testkit::shared_bao().port,
    )
}

#[test]
fn escape_attempts_are_refused_at_every_tier_on_both_backends() {
    let redis_port = agov_testkit::shared_redis().port;
    for (name, env) in both() {
        require_landlock(&env);
        let outside = tempfile::tempdir().unwrap();
        let dir = env.dir.path();
        std::fs::create_dir_all(dir.join("sandbox")).unwrap();
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join(".ssh")).unwrap();
        std::fs::write(dir.join(".ssh/id_ed25519"), "secret key").unwrap();
        std::fs::write(dir.join(".vault-token"), "s.operator-token").unwrap();
        env.run("ledger", &["note", "-m", "a ledger to attack"])
            .expect(0);
        for tier in [0u8, 1, 2] {
            let agent = format!("hostile-t{tier}");
            promote(&env, &agent, tier);
            std::fs::write(
                dir.join(format!("{agent}.json")),
                format!(
                    r#"{{"agent_id":"{agent}","task_id":"task-{agent}","objective":"escape","deliverables":["deliverable"]}}"#
                ),
            )
            .unwrap();
            std::fs::write(
                dir.join(format!("{agent}.sh")),
                attempts(&env, outside.path(), redis_port),
            )
            .unwrap();
            let _ = std::fs::remove_file(dir.join("src/in-work"));
            let _ = std::fs::remove_file(dir.join("sandbox/in-sandbox"));
            let before = std::fs::read(env.data().join("agov.db")).unwrap().len();
            let r = env.sh(&format!(
                "\"$PIPELINE\" agent run --packet {agent}.json --json -- bash {agent}.sh 7<.vault-token"
            ));
            assert_eq!(
                r.code, 0,
                "{name} T{tier}: the agent should complete\n{}",
                r.stderr
            );
            assert!(
                !r.stderr.contains("ESCAPED"),
                "{name} T{tier}: an escape got through:\n{}",
                r.stderr
            );
            // What its tier may do, it can.
            assert!(
                r.stderr.contains("allowed: write the output folder"),
                "{name} T{tier}: {}",
                r.stderr
            );
            assert_eq!(
                r.stderr.contains("allowed: write the working tree"),
                tier >= 2,
                "{name} T{tier}: {}",
                r.stderr
            );
            assert_eq!(
                r.stderr.contains("allowed: write the sandbox folder"),
                tier >= 1,
                "{name} T{tier}: {}",
                r.stderr
            );
            // Nothing outside changed, and the operator's files are intact.
            assert!(
                crate::common::files_under(outside.path()).is_empty(),
                "{name} T{tier}"
            );
            assert_eq!(
                std::fs::read_to_string(dir.join(".vault-token")).unwrap(),
                "s.operator-token"
            );
            assert!(std::fs::read(env.data().join("agov.db")).unwrap().len() >= before);
            // It was not promoted, and no token above its tier exists.
            let show = env
                .run("pipeline", &["agents", "show", &agent, "--json"])
                .expect(0)
                .json();
            assert_eq!(
                show["agent"]["tier"],
                u64::from(tier),
                "{name} T{tier}: {show}"
            );
            let issued = env
                .run("ledger", &["query", "--action", "token.issue", "--json"])
                .expect(0)
                .json();
            assert!(
                issued
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|e| e["detail"]["tier"] != 4),
                "{name} T{tier}: a T4 token was issued: {issued}"
            );
        }
        // The victim of the revoke attempt is not on the revocation list.
        let revocations = env
            .run("pipeline", &["revocations", "--json"])
            .expect(0)
            .json();
        assert!(
            !revocations.to_string().contains("victim"),
            "{name}: {revocations}"
        );
    }
}

/// A name no other process has, for the background processes of one test's
/// agents (`exec -a MARKER sleep 300`): an agent's own pids are those of its
/// PID namespace, so the test finds its processes by name.
fn marker(test: &str, backend: &str) -> String {
    format!(
        "agov-test-{}-{test}-{}",
        std::process::id(),
        backend.replace('+', "-")
    )
}

/// How many live processes carry `marker` in their command line.
fn marked(marker: &str) -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter(|e| {
            // A zombie has no command line left.
            std::fs::read(e.path().join("cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(marker))
        })
        .count()
}

/// Waits until `n` processes carry `marker` (so that the test can see them
/// before it checks that they are gone).
fn wait_until_marked(marker: &str, n: usize) {
    let start = Instant::now();
    while marked(marker) < n {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{n} processes named {marker} never appeared (found {})",
            marked(marker)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits up to a second for every process carrying `marker` to be gone.
fn gone_within_a_second(marker: &str) -> bool {
    let start = Instant::now();
    while marked(marker) > 0 && start.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(10));
    }
    marked(marker) == 0
}

/// `pipeline ARGS` in the background, from the environment's folder.
fn pipeline_in_background(env: &TestEnv, args: &[&str]) -> std::process::Child {
    std::process::Command::new(bin("pipeline"))
        .args(args)
        .current_dir(env.dir.path())
        .env_clear()
        .envs(env.vars().iter().map(|(k, v)| (k, v)))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// A process that is never where it was: it forks, and the parent exits,
/// every half millisecond, for at most 20 s (a /proc scan cannot catch it).
const HOPPER: &str = "import os, time
os.setsid()
end = time.time() + 20
while time.time() < end:
    if os.fork() > 0:
        os._exit(0)
    time.sleep(0.0005)";

#[test]
fn a_grandchild_that_calls_setsid_dies_with_its_agent() {
    for (name, env) in both() {
        require_landlock(&env);
        let dir = env.dir.path();
        let m = marker("setsid", name);
        // Two processes that try to outlive it: one in a session of its own,
        // one orphaned by a double fork. The agent ends once `go` exists.
        let script = format!(
            r#"{PHASES_IN}
setsid bash -c 'exec -a {m} sleep 300' </dev/null >/dev/null 2>&1 &
( bash -c 'exec -a {m} sleep 300' </dev/null >/dev/null 2>&1 & ) &
( python3 -c "{HOPPER}" {m} </dev/null >/dev/null 2>&1 & ) &
while [ ! -e go ]; do sleep 0.05; done
{PHASES_OUT}"#
        );
        std::fs::write(
            dir.join("runaway.json"),
            r#"{"agent_id":"runaway","task_id":"t-runaway","objective":"outlive"}"#,
        )
        .unwrap();
        std::fs::write(dir.join("runaway.sh"), script).unwrap();
        let _ = std::fs::remove_file(dir.join("go"));
        let run = pipeline_in_background(
            &env,
            &[
                "agent",
                "run",
                "--packet",
                "runaway.json",
                "--json",
                "--",
                "bash",
                "runaway.sh",
            ],
        );
        wait_until_marked(&m, 3);
        std::fs::write(dir.join("go"), "").unwrap();
        let output = run.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{name}");
        assert!(
            gone_within_a_second(&m),
            "{name}: a process outlived its agent"
        );
    }
}

#[test]
fn a_chatty_agent_is_stopped_within_a_second_of_its_revocation_and_recorded_revoked() {
    for (name, env) in both() {
        require_landlock(&env);
        let dir = env.dir.path();
        let m = marker("chatty", name);
        let script = format!(
            r#"{PHASES_IN}
( exec -a {m} sleep 300 ) &
while true; do say '{{"type":"heartbeat","note":"still here"}}'; done
"#
        );
        std::fs::write(
            dir.join("chatty.json"),
            r#"{"agent_id":"chatty","task_id":"t-chatty","objective":"talk"}"#,
        )
        .unwrap();
        std::fs::write(dir.join("chatty.sh"), script).unwrap();
        let child = pipeline_in_background(
            &env,
            &[
                "agent",
                "run",
                "--packet",
                "chatty.json",
                "--json",
                "--",
                "bash",
                "chatty.sh",
            ],
        );
        wait_until_marked(&m, 1);
        env.run(
            "pipeline",
            &["agents", "revoke", "chatty", "--reason", "stop talking"],
        )
        .expect(0);
        let revoked_at = Instant::now();
        let output = child.wait_with_output().unwrap();
        let took = revoked_at.elapsed();
        assert!(
            took < Duration::from_secs(2),
            "{name}: the run went on {took:?} after its revocation"
        );
        assert!(
            gone_within_a_second(&m),
            "{name}: its child outlived the revocation"
        );
        assert_eq!(output.status.code(), Some(3), "{name}");
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(doc["outcome"], "revoked", "{name}: {doc}");
        let show = env
            .run("pipeline", &["agents", "show", "chatty", "--json"])
            .expect(0)
            .json();
        assert_eq!(show["agent"]["compliant_runs"], 0, "{name}: {show}");
        assert_eq!(show["agent"]["streak"], 0, "{name}: {show}");
    }
}

#[test]
fn sandbox_off_is_recorded_on_every_run() {
    let mut env = TestEnv::new();
    env.set("AGOV_SANDBOX", "off");
    let dir = env.dir.path();
    std::fs::write(
        dir.join("free.json"),
        r#"{"agent_id":"free","task_id":"t-free","objective":"x"}"#,
    )
    .unwrap();
    std::fs::write(dir.join("free.sh"), format!("{PHASES_IN}{PHASES_OUT}")).unwrap();
    env.sh("\"$PIPELINE\" agent run --packet free.json -- bash free.sh")
        .expect(0);
    let q = env
        .run(
            "ledger",
            &["query", "--action", "agent.unconfined", "--json"],
        )
        .expect(0);
    assert_eq!(q.json().as_array().unwrap().len(), 1, "{}", q.stdout);
    let mut bad = TestEnv::new();
    bad.set("AGOV_SANDBOX", "sometimes");
    std::fs::write(
        bad.dir.path().join("x.json"),
        r#"{"agent_id":"x","task_id":"t","objective":"x"}"#,
    )
    .unwrap();
    let r = bad
        .sh("\"$PIPELINE\" agent run --packet x.json -- true")
        .expect(64);
    assert!(
        r.stderr.contains("enforce, best-effort or off"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_critical_violation_revokes_every_agent_and_the_pipeline_token() {
    for (name, env) in both() {
        require_landlock(&env);
        let dir = env.dir.path();
        std::fs::write(
            dir.join("critical.yaml"),
            "name: critical\nobjective: one agent asks for what its packet forbids\ntier: 0\ntimeout: 2m\n\
             agents:\n  alpha:\n    command: [bash, alpha.sh]\n    forbidden: [\"cmd:rm *\"]\n  \
             beta:\n    command: [bash, beta.sh]\nconsensus:\n  required: [alpha, beta]\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("alpha.sh"),
            format!(
                r#"{PHASES_IN}
sleep 1
say '{{"type":"action","id":"a1","action":"cmd:rm -rf /srv/data"}}'
read -r answer
sleep 30
"#
            ),
        )
        .unwrap();
        let m = marker("critical", name);
        std::fs::write(
            dir.join("beta.sh"),
            format!(
                r#"{PHASES_IN}
( exec -a {m} sleep 300 ) &
while true; do say '{{"type":"heartbeat"}}'; sleep 0.1; done
"#
            ),
        )
        .unwrap();
        let start = Instant::now();
        let r = env.sh("\"$PIPELINE\" spawn --plan critical.yaml --json");
        assert_eq!(r.code, 3, "{name}: {}\n{}", r.stdout, r.stderr);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{name}: took {:?}",
            start.elapsed()
        );
        let lines = r.json_lines();
        let st = &lines.last().unwrap()["pipeline"];
        assert_eq!(st["status"], "FAILED", "{name}: {st}");
        assert_eq!(st["agents"]["alpha"]["status"], "revoked", "{name}: {st}");
        assert_ne!(st["agents"]["beta"]["status"], "completed", "{name}: {st}");
        // Beta's process tree is gone.
        assert!(
            gone_within_a_second(&m),
            "{name}: beta's child outlived the revocation"
        );
        // The pipeline token was revoked for the critical violation, and with it every agent token.
        let revoke = env
            .run(
                "ledger",
                &["query", "--action", "pipeline.revoke", "--json"],
            )
            .expect(0)
            .json();
        assert!(
            revoke.to_string().contains("critical violation"),
            "{name}: {revoke}"
        );
        let accessor = st["token"]["accessor"].as_str().unwrap();
        env.run("pipeline", &["token", "lookup", accessor])
            .expect(3);
    }
}

#[test]
fn an_unconfined_installation_is_a_warning_in_the_briefing_and_a_failed_check() {
    let mut env = TestEnv::new();
    env.run("ledger", &["note", "-m", "x"]).expect(0);
    let fine = env.run("checkpoint", &["load", "--json"]).expect(0).json();
    assert_eq!(fine["warnings"], serde_json::json!([]));
    let phase = env.run("validate-phases", &["--phase", "3", "--json"]);
    assert!(
        phase
            .stdout
            .contains("agents run in their tier's kernel sandbox"),
        "{}",
        phase.stdout
    );
    let checks = phase.json()["checks"].clone();
    let sandbox = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "agents run in their tier's kernel sandbox")
        .unwrap()
        .clone();
    assert_eq!(sandbox["outcome"], "passed", "{sandbox}");
    env.set("AGOV_SANDBOX", "off");
    let briefing = env.run("checkpoint", &["load"]).expect(0);
    assert!(
        briefing
            .stdout
            .contains("warning: agents run with sandbox = \"off\""),
        "{}",
        briefing.stdout
    );
    let phase = env
        .run("validate-phases", &["--phase", "3", "--json"])
        .json();
    let sandbox = phase["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "agents run in their tier's kernel sandbox")
        .unwrap()
        .clone();
    assert_eq!(sandbox["outcome"], "failed", "{sandbox}");
    assert!(
        sandbox["detail"]
            .as_str()
            .unwrap()
            .contains("agents run unconfined"),
        "{sandbox}"
    );
}

#[test]
fn agent_exec_runs_in_the_sandbox_so_a_rule_that_allows_a_read_cannot_reach_agov_s_data() {
    for (name, env) in both() {
        require_landlock(&env);
        let dir = env.dir.path();
        std::fs::write(dir.join(".vault-token"), "s.operator-token").unwrap();
        env.run("ledger", &["note", "-m", "the ledger exists"])
            .expect(0);
        let db = env.data().join("agov.db");
        // `read:*` lets T0 run cat on anything; the kernel still refuses these.
        for target in [
            db.display().to_string(),
            dir.join(".vault-token").display().to_string(),
        ] {
            let r = env.sh(&format!(
                "\"$PIPELINE\" agent exec --tier 0 -- cat {target}"
            ));
            assert_eq!(r.code, 1, "{name}: {target}: {}", r.stderr);
            assert!(
                r.stderr.contains("Permission denied"),
                "{name}: {}",
                r.stderr
            );
            assert!(
                !r.stdout.contains("SQLite") && !r.stdout.contains("operator-token"),
                "{name}"
            );
        }
        // What the tier may do still runs, and leaves no scratch folder behind.
        std::fs::write(dir.join("notes.txt"), "hello").unwrap();
        let r = env
            .sh("\"$PIPELINE\" agent exec --tier 0 -- cat notes.txt")
            .expect(0);
        assert_eq!(r.stdout, "hello", "{name}");
        let runs = env.data().join("runs");
        let left: Vec<_> = std::fs::read_dir(&runs)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with("exec-"))
                    .collect()
            })
            .unwrap_or_default();
        assert!(left.is_empty(), "{name}: scratch folders left: {left:?}");
    }
}

mod bypass;
mod kernel;
mod pipelines;
mod triggers;
mod worktree;
