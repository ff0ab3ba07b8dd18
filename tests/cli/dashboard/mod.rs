//! `pipeline dashboard`: one frame as text (`--once`) and as data
//! (`--json`) over real pipelines on both backends, and the interactive
//! mode driven in a real terminal (tmux, 80x24): a pipeline moving from
//! RUNNING to COMPLETED shows within a second or so, `q` quits and the
//! terminal is restored; a consensus failure raises its alert and `f 1 y`
//! reruns it (the ledger names who chose); `a Enter y` approves a gate and
//! its stage runs; a refused action is shown, the dashboard goes on.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{TestEnv, bin};
use crate::pipelines::{
    background_exit_code, both, events, spawn, spawn_in_background, status, with_examples,
};
use crate::schemas::assert_shape;
use crate::stages::{stage, wait_for_gate};

#[test]
fn once_shows_pipelines_agent_cards_votes_and_the_consensus_failure_alert() {
    for (name, env) in both() {
        with_examples(&env);
        let (run, done) = spawn(&env, "examples/plans/quickstart.yaml");
        run.expect(0);
        let (run, failed) = spawn(&env, "examples/plans/disagree.yaml");
        run.expect(2);

        // The newest (the consensus failure) is selected by default.
        let frame = env
            .run("pipeline", &["dashboard", "--once"])
            .expect(0)
            .stdout;
        let lines: Vec<&str> = frame.lines().collect();
        assert_eq!(
            lines.len(),
            24,
            "{name}: not 80x24 without a terminal\n{frame}"
        );
        assert!(
            lines.iter().all(|l| l.chars().count() <= 80),
            "{name}\n{frame}"
        );
        let row = |id: &str| {
            lines
                .iter()
                .find(|l| l.contains(id) && l.contains("T0"))
                .unwrap_or_else(|| panic!("{name}: no row for {id}\n{frame}"))
                .to_string()
        };
        assert!(row(&done).contains("COMPLETED"), "{name}\n{frame}");
        assert!(row(&failed).contains("CONSENSUS_FAILED"), "{name}\n{frame}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("FALLBACK") && l.contains(&failed)),
            "{name}: no alert for the consensus failure\n{frame}"
        );
        // The agent cards and the consensus panel of the selected one.
        assert!(
            frame.contains(&format!("{failed} CONSENSUS_FAILED · agents")),
            "{name}\n{frame}"
        );
        for role in ["alpha", "beta"] {
            let card = |l: &str| {
                let words: Vec<&str> = l.trim_start_matches('│').split_whitespace().collect();
                words.starts_with(&[role, "completed", "EXIT"])
            };
            assert!(
                frame.lines().any(card),
                "{name}: no card of {role}\n{frame}"
            );
        }
        assert!(
            frame.contains("alpha ACCEPT  by disagree-alpha"),
            "{name}\n{frame}"
        );
        assert!(
            frame.contains("beta  REJECT  by disagree-beta"),
            "{name}\n{frame}"
        );
        assert!(frame.contains("rejected by beta"), "{name}\n{frame}");

        // Another pipeline selected; a filter that hides the rest.
        let frame = env
            .run("pipeline", &["dashboard", "--once", "--pipeline", &done])
            .expect(0)
            .stdout;
        assert!(
            frame.contains(&format!("{done} COMPLETED · agents")),
            "{name}\n{frame}"
        );
        assert!(frame.contains("consensus"), "{name}\n{frame}");
        let frame = env
            .run(
                "pipeline",
                &["dashboard", "--once", "--filter", "quickstart"],
            )
            .expect(0)
            .stdout;
        assert!(
            frame.contains("1/2 pipelines /quickstart"),
            "{name}\n{frame}"
        );
        assert!(!frame.contains(&format!("{failed}   ")), "{name}\n{frame}");

        // The same as data, in its documented shape.
        let doc = env
            .run("pipeline", &["dashboard", "--json"])
            .expect(0)
            .json();
        assert_shape("pipeline-dashboard.schema.json", &doc);
        assert_eq!(doc["total"], 2, "{name}");
        assert_eq!(doc["selected"]["id"], failed.as_str(), "{name}");
        assert_eq!(
            doc["selected"]["votes"].as_array().unwrap().len(),
            2,
            "{name}"
        );
        assert!(
            doc["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["kind"] == "fallback" && a["subject"] == failed.as_str()),
            "{name}: {doc}"
        );
    }
}

#[test]
fn without_a_terminal_it_says_to_use_once_or_watch() {
    let env = TestEnv::new();
    let run = env.run("pipeline", &["dashboard"]).expect(64);
    assert!(run.stderr.contains("needs a terminal"), "{}", run.stderr);
    assert!(run.stderr.contains("--once"), "{}", run.stderr);
    assert!(run.stderr.contains("pipeline watch"), "{}", run.stderr);
}

/// A plan whose two agents wait for a file named `go` in the folder the
/// pipeline was spawned in, then accept.
fn hold_plan(env: &TestEnv) {
    let dir = env.dir.path();
    std::fs::write(
        dir.join("examples/agents/hold.py"),
        r#"import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agov_agent import *  # noqa
phase("PREFLIGHT")
phase("PLAN")
phase("EXECUTE")
deadline = time.time() + 60
while not os.path.exists("go") and time.time() < deadline:
    say(type="heartbeat", note="waiting for go")
    time.sleep(0.2)
phase("VERIFY")
phase("PACKAGE")
phase("REPORT")
vote("ACCEPT", "go was given")
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("hold.yaml"),
        "name: hold\ndescription: waits for a file named go\nobjective: Wait for go\ntier: 0\ntimeout: 2m\nagents:\n  alpha:\n    command: [python3, examples/agents/hold.py]\n    objective: wait for go\n  beta:\n    command: [python3, examples/agents/hold.py]\n    objective: wait for go\nconsensus:\n  required: [alpha, beta]\n",
    )
    .unwrap();
}

/// tmux on a socket of the test's own.
struct Tmux {
    socket: std::path::PathBuf,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .expect("tmux runs")
    }

    /// `pipeline dashboard ARGS` in an 80x24 terminal, in the environment's
    /// folder with its variables; once it exits the script prints its exit
    /// code and whether the terminal is back in canonical mode.
    fn start(env: &TestEnv, args: &str) -> Tmux {
        tmux_present();
        let script = env.dir.path().join("dash.sh");
        let mut text = String::from("cd \"$(dirname \"$0\")\"\n");
        for (k, v) in env.vars() {
            text.push_str(&format!("export {k}='{v}'\n"));
        }
        text.push_str(&format!(
            "'{}' dashboard {args}\necho \"dashboard exited $?\"\nstty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?icanon'\nsleep 60\n",
            bin("pipeline").display()
        ));
        std::fs::write(&script, text).unwrap();
        let tmux = Tmux {
            socket: env.dir.path().join("tmux.sock"),
        };
        let out = tmux.cmd(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "dash",
            "-x",
            "80",
            "-y",
            "24",
            &format!("bash '{}'", script.display()),
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux
    }

    /// Types `keys`, one key each (tmux key names: `Enter`, `Tab`, `y`).
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.cmd(&["send-keys", "-t", "dash", k]);
            assert!(out.status.success(), "send-keys {k}");
        }
    }

    /// Waits up to `limit` for `ok`; panics with `what` and the screen.
    fn expect(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        match self.wait(limit, ok) {
            Some((s, _)) => s,
            None => panic!("{what}\n{}", self.screen()),
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "dash"]).stdout)
            .into_owned()
    }

    /// Polls the screen until `ok` holds, for up to `limit`.
    fn wait(&self, limit: Duration, ok: impl Fn(&str) -> bool) -> Option<(String, Instant)> {
        let start = Instant::now();
        while start.elapsed() < limit {
            let s = self.screen();
            if ok(&s) {
                return Some((s, Instant::now()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn tmux_present() {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "tmux is missing: this test drives the dashboard in a real terminal; install it (`apt-get install tmux`; tests/run.sh does)"
    );
}

/// The row of pipeline `id` on `screen`.
fn row<'s>(screen: &'s str, id: &str) -> Option<&'s str> {
    screen
        .lines()
        .find(|l| l.contains(id) && l.contains(" T0 "))
}

#[test]
fn in_a_terminal_a_change_shows_within_a_second_and_q_restores_the_terminal() {
    for (name, env) in both() {
        with_examples(&env);
        hold_plan(&env);
        let run = env
            .sh("\"$PIPELINE\" spawn --plan hold.yaml --detach --json")
            .expect(0);
        let id = run.json()["id"].as_str().unwrap().to_string();
        // The dashboard in an 80x24 terminal, then what the terminal is
        // like once it exits.
        let tmux = Tmux::start(&env, "");

        let running = tmux.wait(Duration::from_secs(30), |s| {
            row(s, &id).is_some_and(|r| r.contains("RUNNING")) && s.contains("waiting for go")
        });
        let Some((screen, _)) = running else {
            panic!(
                "{name}: {id} never showed RUNNING with its agents waiting\n{}",
                tmux.screen()
            );
        };
        assert!(
            screen
                .lines()
                .any(|l| l.starts_with("│alpha ") && l.contains(" running ")),
            "{name}: no running card\n{screen}"
        );

        // Redis pushes changes to it; the embedded store is looked at.
        let feed = if name == "embedded" {
            "embedded, polled"
        } else {
            "redis, pushed"
        };
        assert!(
            screen.lines().next().unwrap().contains(feed),
            "{name}\n{screen}"
        );

        std::fs::write(env.dir.path().join("go"), "").unwrap();
        let completed = tmux.wait(Duration::from_secs(30), |s| {
            row(s, &id).is_some_and(|r| r.contains("COMPLETED"))
        });
        let shown_us = agov_core::time::now_us();
        let Some((screen, _)) = completed else {
            panic!(
                "{name}: {id} never showed COMPLETED\n{}\n{:?}",
                tmux.screen(),
                status(&env, &id)
            );
        };
        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}");
        let stored_us = agov_core::time::parse_point(st["updated"].as_str().unwrap(), 0).unwrap();
        let lag = Duration::from_micros((shown_us - stored_us).max(0) as u64);
        // 1 s is the target; a loaded machine gets some slack.
        assert!(
            lag < Duration::from_millis(2500),
            "{name}: COMPLETED showed {lag:?} after it was stored\n{screen}"
        );

        // q quits: the normal screen is back, out of raw mode.
        tmux.cmd(&["send-keys", "-t", "dash", "q"]);
        let Some((screen, _)) = tmux.wait(Duration::from_secs(10), |s| {
            s.contains("dashboard exited")
                && s.lines()
                    .any(|l| l.trim().trim_start_matches('-') == "icanon")
        }) else {
            panic!("{name}: q did not quit\n{}", tmux.screen());
        };
        assert!(screen.contains("dashboard exited 0"), "{name}\n{screen}");
        assert!(
            screen.lines().any(|l| l.trim() == "icanon"),
            "{name}: the terminal was left in raw mode\n{screen}"
        );
        assert!(
            !screen.contains("agov pipeline dashboard"),
            "{name}: the alternate screen was not left\n{screen}"
        );
        assert!(Path::new(&env.dir.path().join("go")).exists());
    }
}

/// A plan whose beta accepts only once a file named `accept` exists in the
/// folder the pipeline was spawned in: without it, a consensus failure.
fn flip_plan(env: &TestEnv) {
    let dir = env.dir.path();
    std::fs::write(
        dir.join("examples/agents/flip.py"),
        r#"import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agov_agent import *  # noqa
for p in ["PREFLIGHT", "PLAN", "EXECUTE", "VERIFY", "PACKAGE", "REPORT"]:
    phase(p)
if os.path.exists("accept"):
    vote("ACCEPT", "the file is there")
else:
    vote("REJECT", "no file named accept")
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("flip.yaml"),
        "name: flip\ndescription: beta accepts once a file named accept exists\nobjective: Wait for accept\ntier: 0\ntimeout: 2m\nagents:\n  alpha:\n    command: [python3, examples/agents/hold.py]\n    objective: accept\n  beta:\n    command: [python3, examples/agents/flip.py]\n    objective: accept only with the file\nconsensus:\n  required: [alpha, beta]\n",
    )
    .unwrap();
}

#[test]
fn a_consensus_failure_raises_its_alert_and_rerun_same_by_key_reruns_it_recording_who_chose() {
    for (name, env) in both() {
        with_examples(&env);
        hold_plan(&env);
        flip_plan(&env);
        // hold.py waits for `go`: give it at once, alpha accepts.
        std::fs::write(env.dir.path().join("go"), "").unwrap();
        let (run, id) = spawn(&env, "flip.yaml");
        run.expect(2);
        assert_eq!(status(&env, &id)["status"], "CONSENSUS_FAILED", "{name}");

        let tmux = Tmux::start(&env, &format!("--pipeline {id}"));
        tmux.expect(
            &format!("{name}: no FALLBACK alert for {id}"),
            Duration::from_secs(30),
            |s| {
                s.lines().any(|l| l.contains("FALLBACK") && l.contains(&id))
                    && row(s, &id).is_some_and(|r| r.contains("CONSENSUS_FAILED"))
            },
        );
        // n at the question does nothing.
        tmux.keys(&["f"]);
        tmux.expect(
            &format!("{name}: no fallback menu"),
            Duration::from_secs(10),
            |s| s.contains("which fallback?") && s.contains("1  rerun_same"),
        );
        tmux.keys(&["1"]);
        tmux.expect(
            &format!("{name}: no question"),
            Duration::from_secs(10),
            |s| s.contains(&format!("choose rerun_same for {id}")) && s.contains("y: yes"),
        );
        tmux.keys(&["n"]);
        tmux.expect(
            &format!("{name}: n did not cancel"),
            Duration::from_secs(10),
            |s| s.contains("cancelled: nothing was done"),
        );
        assert!(events(&env, &id, "pipeline.fallback").is_empty(), "{name}");

        // Now beta accepts; f 1 y reruns it in the background.
        std::fs::write(env.dir.path().join("accept"), "").unwrap();
        tmux.keys(&["f", "1", "y"]);
        tmux.expect(
            &format!("{name}: the rerun was not reported"),
            Duration::from_secs(30),
            |s| s.contains(&format!("rerun_same {id} as")),
        );
        tmux.expect(
            &format!("{name}: {id} never showed COMPLETED after the rerun"),
            Duration::from_secs(60),
            |s| row(s, &id).is_some_and(|r| r.contains("COMPLETED")),
        );
        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}: {st}");
        assert_eq!(st["round"], 2, "{name}: {st}");
        let fb = events(&env, &id, "pipeline.fallback");
        assert_eq!(fb.len(), 1, "{name}: {fb:?}");
        let by = crate::ledger_vault::decider(name);
        assert_eq!(fb[0]["actor"], by.as_str(), "{name}: who chose: {fb:?}");
        assert_eq!(fb[0]["detail"]["action"], "rerun_same", "{name}: {fb:?}");

        // A fallback on a completed pipeline is refused, on screen.
        tmux.keys(&["f", "4", "y"]);
        tmux.expect(
            &format!("{name}: the refusal was not shown"),
            Duration::from_secs(30),
            |s| s.contains("refused:"),
        );
        assert_eq!(events(&env, &id, "pipeline.fallback").len(), 1, "{name}");
        tmux.keys(&["q"]);
        tmux.expect(
            &format!("{name}: q did not quit"),
            Duration::from_secs(10),
            |s| s.contains("dashboard exited 0"),
        );
    }
}

#[test]
fn a_gate_approved_from_the_dashboard_lets_its_stage_run() {
    for (name, env) in both() {
        with_examples(&env);
        let (_, id) = spawn_in_background(&env, "examples/plans/staged.yaml");
        let st = wait_for_gate(&env, &id, "approve");
        let digest = stage(&st, "approve")["gate"]["digest"]
            .as_str()
            .unwrap()
            .to_string();

        let tmux = Tmux::start(&env, &format!("--pipeline {id}"));
        tmux.expect(
            &format!("{name}: no GATE alert or gate row"),
            Duration::from_secs(30),
            |s| s.contains("GATE") && s.contains("gate approve") && s.contains(&digest[..12]),
        );
        assert_eq!(stage(&status(&env, &id), "deploy")["status"], "pending");
        // a, then Enter (no reason), then y.
        tmux.keys(&["a"]);
        tmux.expect(
            &format!("{name}: no reason asked"),
            Duration::from_secs(10),
            |s| {
                s.contains(&format!("approve gate approve of {id}"))
                    && s.contains("reason (optional)")
            },
        );
        tmux.keys(&["Enter"]);
        tmux.expect(
            &format!("{name}: no question"),
            Duration::from_secs(10),
            |s| s.contains("y: yes"),
        );
        tmux.keys(&["y"]);
        let by = crate::ledger_vault::decider(name);
        tmux.expect(
            &format!("{name}: the approval was not reported"),
            Duration::from_secs(30),
            |s| s.contains(&format!("approved gate approve of {id} as {by}")),
        );
        assert_eq!(background_exit_code(&env), 0, "{name}");
        tmux.expect(
            &format!("{name}: {id} never showed COMPLETED"),
            Duration::from_secs(30),
            |s| row(s, &id).is_some_and(|r| r.contains("COMPLETED")),
        );
        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}");
        assert_eq!(stage(&st, "deploy")["status"], "completed", "{name}");
        let gate = &stage(&st, "approve")["gate"]["decision"];
        assert_eq!(gate["by"], by.as_str(), "{name}");
        assert_eq!(gate["digest"], digest.as_str(), "{name}");
        let approved = events(&env, &id, "pipeline.gate_approve");
        assert_eq!(approved.len(), 1, "{name}");
        assert_eq!(approved[0]["actor"], by.as_str(), "{name}");
        // The log pane follows its ledger events.
        let all = events(&env, &id, "*");
        let last = all.last().unwrap()["action"].as_str().unwrap();
        tmux.keys(&["Tab"]);
        tmux.expect(
            &format!("{name}: no log pane"),
            Duration::from_secs(10),
            |s| {
                s.contains(&format!("ledger events ({})", all.len()))
                    && newest_event(s).is_some_and(|l| l.contains(last))
            },
        );
        tmux.keys(&["q"]);
    }
}

#[test]
fn once_shows_the_log_pane_and_the_charts() {
    for (name, env) in both() {
        with_examples(&env);
        let (run, done) = spawn(&env, "examples/plans/quickstart.yaml");
        run.expect(0);
        let (run, failed) = spawn(&env, "examples/plans/disagree.yaml");
        run.expect(2);
        let frame = env
            .run(
                "pipeline",
                &["dashboard", "--once", "--pane", "log", "--pipeline", &done],
            )
            .expect(0)
            .stdout;
        assert!(
            frame.contains(&format!("{done} · ledger events")),
            "{name}\n{frame}"
        );
        // The newest at the bottom: the pipeline's last event.
        let last = events(&env, &done, "*");
        let last = last.last().unwrap()["action"].as_str().unwrap().to_string();
        assert!(
            newest_event(&frame).is_some_and(|l| l.contains(&last)),
            "{name}: the newest event ({last}) is not at the bottom\n{frame}"
        );
        let frame = env
            .run("pipeline", &["dashboard", "--once", "--pane", "charts"])
            .expect(0)
            .stdout;
        for label in [
            "started/h",
            "durations",
            "errors %/h",
            "2 in 24 h",
            "1 of 2 ended in error",
        ] {
            assert!(frame.contains(label), "{name}: no `{label}`\n{frame}");
        }
        assert!(
            frame.lines().all(|l| l.chars().count() <= 80),
            "{name}\n{frame}"
        );
        let doc = env
            .run("pipeline", &["dashboard", "--json", "--pipeline", &failed])
            .expect(0)
            .json();
        assert_shape("pipeline-dashboard.schema.json", &doc);
        assert_eq!(doc["charts"]["started_per_hour"][23], 2, "{name}: {doc}");
        assert!(
            doc["selected"]["log"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "pipeline.consensus"),
            "{name}: {doc}"
        );
    }
}

/// The bottom event line of the log pane on `screen`.
fn newest_event(screen: &str) -> Option<&str> {
    screen
        .lines()
        .skip_while(|l| !l.contains("ledger events"))
        .skip(1)
        .take_while(|l| l.starts_with('│'))
        .filter(|l| !l.trim_matches(['│', ' ']).is_empty())
        .last()
}

#[test]
fn an_agent_whose_governor_stopped_shows_as_stuck() {
    for (name, env) in both() {
        with_examples(&env);
        hold_plan(&env);
        let plan = std::fs::read_to_string(env.dir.path().join("hold.yaml")).unwrap();
        std::fs::write(
            env.dir.path().join("stuck.yaml"),
            format!("{plan}gamma:\n  stuck_after: 2s\n"),
        )
        .unwrap();
        let (pid, id) = spawn_in_background(&env, "stuck.yaml");
        let mut frame = String::new();
        crate::pipelines::wait_for("its agents running", Duration::from_secs(30), || {
            frame = env
                .run("pipeline", &["dashboard", "--once", "--pipeline", &id])
                .expect(0)
                .stdout;
            frame.contains("waiting for go")
        });
        assert!(!frame.contains("STUCK"), "{name}: stuck too soon\n{frame}");
        // The driver (every agent's governor) stops: no refresh any more.
        let stop = env.sh(&format!("kill -STOP {pid}"));
        assert_eq!(stop.code, 0, "{}", stop.stderr);
        crate::pipelines::wait_for("a STUCK alert", Duration::from_secs(20), || {
            frame = env
                .run("pipeline", &["dashboard", "--once", "--pipeline", &id])
                .expect(0)
                .stdout;
            frame.contains("STUCK")
        });
        let _ = env.sh(&format!("kill -CONT {pid}"));
        let alert = frame.lines().find(|l| l.contains("STUCK")).unwrap();
        assert!(
            (alert.contains("hold-alpha") || alert.contains("hold-beta")) && alert.contains(&id),
            "{name}: {alert}\n{frame}"
        );
        assert!(alert.contains("silent for"), "{name}: {alert}");
        let doc = env
            .run("pipeline", &["dashboard", "--json", "--pipeline", &id])
            .expect(0)
            .json();
        assert_shape("pipeline-dashboard.schema.json", &doc);
        env.run("pipeline", &["revoke", &id, "--reason", "test over"])
            .expect(0);
    }
}

#[test]
fn an_agent_and_then_its_pipeline_revoked_by_key_record_who_revoked() {
    for (name, env) in both() {
        with_examples(&env);
        hold_plan(&env);
        let (_, id) = spawn_in_background(&env, "hold.yaml");
        let by = crate::ledger_vault::decider(name);
        let tmux = Tmux::start(&env, &format!("--pipeline {id}"));
        tmux.expect(
            &format!("{name}: its agents never ran"),
            Duration::from_secs(30),
            |s| s.contains("waiting for go"),
        );
        // A revocation needs a reason: Enter alone keeps asking.
        tmux.keys(&["l", "x", "Enter"]);
        tmux.expect(
            &format!("{name}: no reason asked"),
            Duration::from_secs(10),
            |s| s.contains("revoke agent hold-beta") && s.contains("reason: "),
        );
        for k in ["s", "t", "o", "p", "Enter"] {
            tmux.keys(&[k]);
        }
        tmux.expect(
            &format!("{name}: no question"),
            Duration::from_secs(10),
            |s| s.contains("y: yes"),
        );
        tmux.keys(&["y"]);
        tmux.expect(
            &format!("{name}: the revocation was not reported"),
            Duration::from_secs(30),
            |s| s.contains(&format!("hold-beta revoked by {by}")),
        );
        let revoked = env
            .run(
                "ledger",
                &[
                    "query",
                    "--action",
                    "agent.revoke",
                    "--agent",
                    "hold-beta",
                    "--json",
                ],
            )
            .expect(0)
            .json();
        let by_hand: Vec<_> = revoked
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["detail"]["by_hand"] == true)
            .collect();
        assert_eq!(by_hand.len(), 1, "{name}: {revoked}");
        assert_eq!(by_hand[0]["actor"], by.as_str(), "{name}");
        assert_eq!(by_hand[0]["detail"]["reason"], "stop", "{name}");
        tmux.expect(
            &format!("{name}: no REVOKED alert"),
            Duration::from_secs(10),
            |s| s.contains("REVOKED") && s.contains("hold-beta"),
        );

        // Then the pipeline: R, a reason, y.
        tmux.keys(&["R"]);
        for k in ["d", "o", "n", "e", "Enter", "y"] {
            tmux.keys(&[k]);
        }
        tmux.expect(
            &format!("{name}: {id} was not revoked on screen"),
            Duration::from_secs(30),
            |s| s.contains(&format!("revoked pipeline {id}")),
        );
        let ev = events(&env, &id, "pipeline.revoke");
        assert_eq!(ev.len(), 1, "{name}: {ev:?}");
        assert_eq!(ev[0]["actor"], by.as_str(), "{name}");
        assert_eq!(background_exit_code(&env), 3, "{name}");
        tmux.expect(
            &format!("{name}: {id} never showed FAILED"),
            Duration::from_secs(30),
            |s| row(s, &id).is_some_and(|r| r.contains("FAILED")),
        );
        tmux.keys(&["q"]);
    }
}

/// The dashboard checks who decides as the command does: with Vault and
/// no operator token, approving a gate by key is refused on screen (the
/// dashboard goes on) and nothing is recorded.
#[test]
fn without_an_operator_token_a_gate_approved_by_key_is_refused_on_screen() {
    let mut env = crate::ledger_vault::governor_env();
    env.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url())
        .install_tenant(&agov_testkit::unique("t"))
        .set("AGOV_LEASE_TTL", "2s");
    with_examples(&env);
    let (pid, id) = spawn_in_background(&env, "examples/plans/staged.yaml");
    wait_for_gate(&env, &id, "approve");
    let tmux = Tmux::start(&env, &format!("--pipeline {id}"));
    tmux.expect("no gate row", Duration::from_secs(30), |s| {
        s.contains("gate approve")
    });
    tmux.keys(&["a", "Enter", "y"]);
    tmux.expect("the refusal was not shown", Duration::from_secs(30), |s| {
        s.contains("refused:") && s.contains("may not decide-gate")
    });
    assert!(events(&env, &id, "pipeline.gate_approve").is_empty());
    assert_eq!(stage(&status(&env, &id), "approve")["status"], "waiting");
    // Still running: the keys still work.
    tmux.keys(&["?"]);
    tmux.expect("no help after the refusal", Duration::from_secs(10), |s| {
        s.contains(" keys ") && s.contains("revoke the selected agent")
    });
    tmux.keys(&["Escape", "q"]);
    tmux.expect("q did not quit", Duration::from_secs(10), |s| {
        s.contains("dashboard exited 0")
    });
    // Nobody here may revoke it either: its driver is stopped instead.
    env.sh(&format!("kill {pid}")).expect(0);
}

mod feed;
