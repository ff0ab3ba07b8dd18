//! Readers that go away and drivers that die (issue 19, item 1): every
//! tool survives a closed stdout or stderr at any point (exit 0, no
//! panic); a pipeline's driver whose output nobody reads any more drives
//! its pipeline to the end; a driver killed with kill -9 leaves a pipeline
//! that `pipeline status` reports as "driver gone", with the command that
//! takes over, and `pipeline continue` takes over at once.

use std::time::{Duration, Instant};

use crate::common::TestEnv;
use crate::pipelines::{both, with_examples};

/// A small pseudo-random sequence; its seed is in every failure message.
struct Points(u64);

impl Points {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// An installation with something in every store: a finished pipeline,
/// notes, bugs, memory entries, a checkpoint, a STATUS.md.
fn busy() -> TestEnv {
    let env = TestEnv::new();
    with_examples(&env);
    env.sh("set -e
         \"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml >/dev/null 2>&1
         for i in $(seq 1 40); do \"$LEDGER\" note -m \"note $i\" >/dev/null; done
         for i in 1 2 3; do \"$BUGS\" log -m \"bug $i\" >/dev/null; done
         seq 1 2000 | \"$MEMORY\" log >/dev/null
         \"$STATUS\" update --phase in_progress --task 'a task' . >/dev/null
         \"$CHECKPOINT\" now -n 'a checkpoint' >/dev/null")
        .expect(0);
    env
}

/// Commands with some output, on stdout (and, with -v, log lines on stderr).
const TALKERS: &[&str] = &[
    "\"$LEDGER\" -v query --limit 1000",
    "\"$LEDGER\" -v query --limit 1000 --json",
    "\"$LEDGER\" -v verify",
    "\"$CHECKPOINT\" -v load",
    "\"$CHECKPOINT\" -v load --json",
    "\"$BUGS\" -v list",
    "\"$MEMORY\" -v list",
    "\"$STATUS\" -v sweep",
    "\"$PIPELINE\" -v list --all",
    "\"$PIPELINE\" -v logs $(\"$PIPELINE\" list --all --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"id\"])')",
    "\"$PIPELINE\" -v metrics",
    "\"$PIPELINE\" --help",
];

#[test]
fn every_tool_survives_a_reader_that_goes_away_at_any_point() {
    let env = busy();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut points = Points(seed);
    for cmd in TALKERS {
        let whole = env.sh(cmd);
        assert_eq!(whole.code, 0, "`{cmd}`: {whole:?}");
        for (stream, len, redirect) in [
            ("stdout", whole.stdout.len(), ""),
            ("stderr", whole.stderr.len(), "2>&1 >/dev/null"),
        ] {
            for _ in 0..3 {
                let n = points.below(len);
                let r = env.sh(&format!(
                    "{cmd} {redirect} | head -c {n} >/dev/null; echo \"status=${{PIPESTATUS[0]}}\" >&2"
                ));
                assert!(
                    r.stderr.contains("status=0"),
                    "`{cmd}` with {stream} closed after {n} of {len} bytes (seed {seed}): {}",
                    r.stderr
                );
                assert!(
                    !r.stderr.contains("panicked"),
                    "`{cmd}` (seed {seed}): {}",
                    r.stderr
                );
            }
        }
    }
}

/// Which of the tenant's pipelines have which status.
fn statuses(env: &TestEnv) -> Vec<String> {
    env.run("pipeline", &["list", "--all", "--json"])
        .expect(0)
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_driver_whose_reader_went_away_completes_its_pipeline() {
    for (name, env) in both() {
        with_examples(&env);
        let plan = "examples/plans/quickstart.yaml";
        // Its progress goes to stderr, closed after the first line.
        let r = env.sh(&format!(
            "\"$PIPELINE\" spawn --plan {plan} 2>&1 >/dev/null | head -1 >/dev/null; echo \"status=${{PIPESTATUS[0]}}\""
        ));
        assert!(r.stdout.contains("status=0"), "{name}: {r:?}");
        // Its JSON lines go to stdout, closed after 20 bytes.
        let r = env.sh(&format!(
            "\"$PIPELINE\" spawn --plan {plan} --json 2>/dev/null | head -c 20 >/dev/null; echo \"status=${{PIPESTATUS[0]}}\""
        ));
        assert!(r.stdout.contains("status=0"), "{name}: {r:?}");
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        assert_eq!(statuses(&env), ["COMPLETED", "COMPLETED"], "{name}");
    }
}

#[test]
fn a_killed_driver_is_reported_gone_and_continue_takes_over_at_once() {
    for (name, env) in both() {
        let dir = env.dir.path();
        std::fs::write(
            dir.join("wait.sh"),
            r#"say() { printf '%s\n' "$1"; }
for p in PREFLIGHT PLAN EXECUTE; do say "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
while [ ! -e go ]; do say '{"type":"heartbeat"}'; sleep 0.2; done
say '{"type":"vote","vote":"ACCEPT","reasoning":"go"}'
for p in VERIFY PACKAGE REPORT; do say "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
"#,
        )
        .unwrap();
        std::fs::write(
            dir.join("wait.yaml"),
            "name: wait\nobjective: wait for go\ntier: 0\ntimeout: 5m\nagents:\n  \
             alpha:\n    command: [bash, wait.sh]\n  beta:\n    command: [bash, wait.sh]\n\
             consensus:\n  required: [alpha, beta]\n",
        )
        .unwrap();
        let mut driver = std::process::Command::new(crate::common::bin("pipeline"))
            .args(["spawn", "--plan", "wait.yaml", "--json"])
            .current_dir(dir)
            .env_clear()
            .envs(env.vars().iter().map(|(k, v)| (k, v)))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Once both agents run, the driver dies without a word.
        let start = Instant::now();
        let id = loop {
            let list = env.run("pipeline", &["list", "--json"]).json();
            let running = list.as_array().and_then(|l| l.first()).filter(|p| {
                p["status"] == "RUNNING" && p["agents"].to_string().matches("running").count() == 2
            });
            if let Some(p) = running {
                break p["id"].as_str().unwrap().to_string();
            }
            assert!(start.elapsed() < Duration::from_secs(20), "{name}: {list}");
            std::thread::sleep(Duration::from_millis(100));
        };
        driver.kill().unwrap();
        driver.wait().unwrap();
        let status = env.run("pipeline", &["status", &id]).expect(0);
        assert!(
            status
                .stdout
                .contains(&format!("driver gone (pid {} on", driver.id()))
                && status
                    .stdout
                    .contains(&format!("`pipeline continue {id}` takes over")),
            "{name}: {}",
            status.stdout
        );
        let doc = env
            .run("pipeline", &["status", &id, "--json"])
            .expect(0)
            .json();
        assert_eq!(doc["driver"], "gone", "{name}: {doc}");
        assert_eq!(
            doc["continue_with"],
            format!("pipeline continue {id}"),
            "{name}"
        );
        // Taken over at once, not after the dead driver's lease lapsed.
        std::fs::write(dir.join("go"), "").unwrap();
        let r = env.run("pipeline", &["continue", &id, "--json"]);
        assert_eq!(r.code, 0, "{name}: {}\n{}", r.stdout, r.stderr);
        let doc = env
            .run("pipeline", &["status", &id, "--json"])
            .expect(0)
            .json();
        assert_eq!(doc["status"], "COMPLETED", "{name}: {doc}");
        assert_eq!(doc["driver"], "none", "{name}: {doc}");
        assert!(doc["continue_with"].is_null(), "{name}: {doc}");
    }
}
