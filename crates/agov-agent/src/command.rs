//! The `command` driver: any executable as a governed agent.
//!
//! The process gets an environment of its own, built from an allowlist
//! ([`PASSED`]) rather than the governor's minus some names: `PATH`, the
//! locale, `TERM`, `TZ`, a `HOME` and `TMPDIR` of its own, and the variables
//! of its own run (documented in the README): `AGOV_AGENT_ID`,
//! `AGOV_TASK_ID`, `AGOV_RUN_ID`, `AGOV_TIER`, `AGOV_PACKET` (the packet's
//! path) and `AGOV_TOKEN` (its tier token; also `VAULT_TOKEN` with
//! `VAULT_ADDR` when Vault is configured). Nothing of agov's configuration,
//! data, runtime URLs or the governor's credentials reaches it.
//!
//! It speaks the JSON-lines protocol ([`agov_governance::protocol`]) on
//! stdout and reads the answers to its action requests and reads on stdin;
//! its stderr is copied to the governor's, and a governor whose stderr
//! nobody reads any more drops it (the agent never sees a broken pipe). A
//! malformed line is an error against its budget.
//!
//! With a sandbox ([`CommandSpec::confined`]) the agent starts through the
//! launcher of `agov_sandbox`, confined by its tier's profile before its
//! first instruction, and stopping it (revocation, the pipeline's stop, an
//! interrupted governor) kills its whole process tree, `setsid` and double
//! forks included, within a second. The revocation list is read at least
//! every [`REVOCATION_CHECK`], however much the agent prints.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use agov_governance::protocol::{Answer, MAX_LINE, Message, Reply};
use agov_governance::{Decision, Phase};

use crate::collab::{Collab, is_pipeline_message};
use crate::engine::Run;
use crate::error::AgentError;

/// The governor's environment variables an agent gets (when set); every
/// other one is withheld.
pub const PASSED: [&str; 6] = ["PATH", "LANG", "LANGUAGE", "TERM", "TZ", "NO_COLOR"];
/// The variable in which an operator names more variables to pass on
/// (comma-separated; `AGOV_*` and `VAULT_*` never pass).
pub const AGENT_ENV: &str = "AGOV_AGENT_ENV";
/// How often the lock and heartbeat are refreshed while the agent is quiet.
const REFRESH_EVERY: Duration = Duration::from_secs(5);
/// How often the revocation list is read while the agent runs.
pub const REVOCATION_CHECK: Duration = Duration::from_millis(250);
/// How long a stopped launcher gets to kill the agent's tree before it is
/// killed itself.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// What to run.
#[derive(Clone, Debug)]
pub struct CommandSpec {
    /// The program and its arguments.
    pub argv: Vec<String>,
    /// Where the packet was written for the agent to read.
    pub packet_path: PathBuf,
    /// Working directory.
    pub dir: Option<PathBuf>,
    /// Its private HOME and TMPDIR (created if missing).
    pub home: PathBuf,
    /// The sandbox it runs in; `None` runs it unconfined (recorded in the
    /// ledger as `agent.unconfined`).
    pub confined: Option<(agov_sandbox::Sandbox, agov_sandbox::Confinement)>,
    /// Variables of its run besides the standard ones (`AGOV_OUTPUT_DIR`).
    pub extra_env: Vec<(String, String)>,
    /// Set by the caller to stop the agent (its group is killed and the run
    /// fails). A caller that passes one handles SIGINT and SIGTERM itself.
    pub stop: Option<Arc<AtomicBool>>,
}

/// What the driver tells its caller as the run goes.
pub enum Note<'a> {
    /// The agent logged a line.
    Log {
        /// Its level.
        level: &'a str,
        /// The text.
        message: &'a str,
    },
    /// The agent entered a phase.
    Phase(Phase),
    /// A line was not protocol.
    Malformed(&'a str),
    /// It made progress (a step, an artifact, an action request, a pipeline message).
    Progress,
}

enum Line {
    Text(String),
    TooLong,
}

/// Why an agent's process ended too soon, in words that say what to fix:
/// one that ended in BOOTSTRAP never ran (its command did not start, or it
/// never announced a phase).
fn exit_reason(status: std::process::ExitStatus, phase: Phase) -> String {
    if phase != Phase::Bootstrap {
        return format!("the agent process exited ({status}) during {phase}");
    }
    match status.code() {
        Some(127) => "it never started: its command was not found (exit 127; a relative command runs from the folder the pipeline runs in)".into(),
        Some(126) => "it never started: its command is not executable (exit 126)".into(),
        _ => format!(
            "it exited ({status}) without speaking the protocol: its first line on stdout must be {{\"type\":\"phase\",\"phase\":\"PREFLIGHT\"}}"
        ),
    }
}

/// Copies the agent's stderr to the governor's, in pieces; once the
/// governor's stderr is closed the rest is read and dropped, so the agent
/// never writes into a broken pipe.
fn forward_stderr(err: impl Read + Send + 'static) {
    std::thread::spawn(move || {
        let mut err = err;
        let mut buf = [0u8; 8192];
        let mut open = true;
        loop {
            match err.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) if open => open = std::io::stderr().lock().write_all(&buf[..n]).is_ok(),
                Ok(_) => {}
            }
        }
    });
}

fn read_lines(out: impl Read + Send + 'static) -> Receiver<Line> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(out);
        loop {
            let mut buf = Vec::new();
            match r
                .by_ref()
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf)
            {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
                // Skip the rest of the long line, a bounded piece at a time
                // (an endless line must not fill the governor's memory).
                loop {
                    let mut rest = Vec::new();
                    match r
                        .by_ref()
                        .take(MAX_LINE as u64)
                        .read_until(b'\n', &mut rest)
                    {
                        Ok(0) | Err(_) => break,
                        Ok(_) if rest.last() == Some(&b'\n') => break,
                        Ok(_) => {}
                    }
                }
                Line::TooLong
            } else {
                Line::Text(String::from_utf8_lossy(&buf).into_owned())
            };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

fn answer(stdin: &mut Option<ChildStdin>, id: &str, decision: &Decision) {
    let (word, reason) = match decision {
        Decision::Allow => ("allow", None),
        Decision::NeedsApproval { digest, .. } => (
            "needs_approval",
            Some(format!("needs a human approval of digest {digest}")),
        ),
        Decision::Deny { reason } => ("deny", Some(reason.clone())),
    };
    let reply = Reply {
        kind: "decision".into(),
        id: id.to_string(),
        decision: word.into(),
        reason,
    };
    if let Some(s) = stdin.as_mut() {
        let line = serde_json::to_string(&reply).unwrap_or_default();
        // An agent that closed its stdin does not want answers.
        let _ = writeln!(s, "{line}").and_then(|()| s.flush());
    }
}

/// Gives `cmd` an agent's environment instead of the governor's: the
/// [`PASSED`] variables, the locale, those the operator names in
/// [`AGENT_ENV`], and `home` (created if missing) as its HOME and, below it,
/// TMPDIR. Nothing else of the governor's environment reaches it.
pub fn allowlisted_env(cmd: &mut Command, home: &std::path::Path) -> Result<(), AgentError> {
    cmd.env_clear();
    let chosen = std::env::var(AGENT_ENV).unwrap_or_default();
    let chosen: Vec<&str> = chosen
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.starts_with("AGOV_") && !n.starts_with("VAULT_"))
        .collect();
    for (name, value) in std::env::vars_os() {
        let passed = name
            .to_str()
            .is_some_and(|n| PASSED.contains(&n) || n.starts_with("LC_") || chosen.contains(&n));
        if passed {
            cmd.env(name, value);
        }
    }
    agov_core::fsutil::create_private_dir(&home.join("tmp"))
        .map_err(|e| AgentError::Process(format!("cannot create {}: {e}", home.display())))?;
    cmd.env("HOME", home).env("TMPDIR", home.join("tmp"));
    Ok(())
}

fn spawn(
    run: &Run<'_>,
    spec: &CommandSpec,
    collab: Option<&dyn Collab>,
) -> Result<Child, AgentError> {
    let Some((program, args)) = spec.argv.split_first() else {
        return Err(AgentError::BadInput(
            "no command to run: put it after `--`".into(),
        ));
    };
    let mut cmd = match &spec.confined {
        Some((sandbox, confinement)) => sandbox.command(confinement, &spec.argv)?,
        None => {
            let mut c = Command::new(program);
            c.args(args);
            c
        }
    };
    cmd.process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    allowlisted_env(&mut cmd, &spec.home)?;
    let token = run
        .token()
        .map(|t| t.token.expose().to_string())
        .unwrap_or_default();
    if let Some(addr) = std::env::var_os("VAULT_ADDR").filter(|a| !a.is_empty()) {
        cmd.env("VAULT_ADDR", addr).env("VAULT_TOKEN", &token);
        if let Some(ca) = std::env::var_os("VAULT_CACERT") {
            cmd.env("VAULT_CACERT", ca);
        }
    }
    cmd.env("AGOV_AGENT_ID", &run.packet.agent_id)
        .env("AGOV_TASK_ID", &run.packet.task_id)
        .env("AGOV_RUN_ID", &run.run_id)
        .env("AGOV_TIER", run.tier.number().to_string())
        .env("AGOV_PACKET", &spec.packet_path)
        .env("AGOV_TOKEN", token);
    cmd.envs(spec.extra_env.iter().map(|(k, v)| (k, v)));
    // With tracing on, the agent's own telemetry joins its span's trace.
    if let Some(parent) = agov_trace::current_traceparent() {
        cmd.env("TRACEPARENT", parent);
    }
    if let Some(c) = collab {
        cmd.envs(c.env());
    }
    if let Some(d) = &spec.dir {
        cmd.current_dir(d);
    }
    cmd.spawn()
        .map_err(|e| AgentError::Process(format!("cannot start `{program}`: {e}")))
}

/// Runs the agent to its end; the outcome is then in [`Run::outcome`].
pub fn drive(
    run: &mut Run<'_>,
    spec: &CommandSpec,
    note: &mut dyn FnMut(Note<'_>),
    mut collab: Option<&mut dyn Collab>,
) -> Result<(), AgentError> {
    match &spec.confined {
        None => {
            let e = run
                .event("agent.unconfined")
                .with("reason", "the sandbox is off (sandbox = \"off\")")
                .with("tier", run.tier.number());
            run.record(e)?;
        }
        Some((sandbox, c)) if c.best_effort => {
            let e = run
                .event("agent.sandbox")
                .with("mode", sandbox.mode.as_str())
                .with("tier", run.tier.number());
            run.record(e)?;
        }
        Some(_) => {}
    }
    run.work_dir = spec.dir.clone().or_else(|| std::env::current_dir().ok());
    let mut child = spawn(run, spec, collab.as_deref())?;
    if let Some(err) = child.stderr.take() {
        forward_stderr(err);
    }
    if let Some(c) = collab.as_deref_mut() {
        c.started(child.id());
    }
    let mut stdin = child.stdin.take();
    let lines = read_lines(
        child
            .stdout
            .take()
            .ok_or_else(|| AgentError::Process("no stdout".into()))?,
    );
    let mut last_refresh = Instant::now();
    let mut last_check = Instant::now();
    let confined = spec.confined.is_some();
    let interrupted = Arc::new(AtomicBool::new(false));
    // A caller that can stop the agent handles interruptions itself.
    if spec.stop.is_none() {
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            signal_hook::flag::register(sig, Arc::clone(&interrupted))
                .map_err(|e| AgentError::Process(format!("cannot watch for interruptions: {e}")))?;
        }
    }
    let result = (|| -> Result<(), AgentError> {
        loop {
            if run.outcome().is_some() {
                return Ok(());
            }
            // However much it prints, a revoked agent is stopped within
            // REVOCATION_CHECK (and the kill that follows).
            if last_check.elapsed() >= REVOCATION_CHECK {
                last_check = Instant::now();
                run.check_revocation_list()?;
                if run.outcome().is_some() {
                    return Ok(());
                }
            }
            if interrupted.load(Ordering::Relaxed) {
                stop(&mut child, confined);
                return run.fail(&format!(
                    "the governor was interrupted during {}",
                    run.phase()
                ));
            }
            if spec
                .stop
                .as_ref()
                .is_some_and(|s| s.load(Ordering::Relaxed))
            {
                stop(&mut child, confined);
                return run.fail(&format!("the pipeline stopped it during {}", run.phase()));
            }
            match lines.recv_timeout(Duration::from_millis(250)) {
                Ok(Line::TooLong) => {
                    note(Note::Malformed("line too long"));
                    run.error(
                        "protocol",
                        &format!("a protocol line longer than {MAX_LINE} bytes"),
                    )?;
                }
                Ok(Line::Text(text)) => {
                    if text.trim().is_empty() {
                        continue;
                    }
                    match Message::parse(&text) {
                        Err(problem) => {
                            note(Note::Malformed(&problem));
                            run.error("protocol", &format!("malformed protocol line: {problem}"))?;
                        }
                        Ok(m) => handle(run, m, &mut stdin, note, &mut collab)?,
                    }
                    last_refresh = Instant::now();
                }
                Err(RecvTimeoutError::Timeout) => {
                    if last_refresh.elapsed() >= REFRESH_EVERY {
                        run.check_revocation_list()?;
                        if run.outcome().is_some() {
                            return Ok(());
                        }
                        run.heartbeat(None)?;
                        last_refresh = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    drop(stdin.take());
                    let status = child.wait().map_err(|e| {
                        AgentError::Process(format!("cannot wait for the agent: {e}"))
                    })?;
                    if run.outcome().is_some() {
                        return Ok(());
                    }
                    return match run.phase() {
                        Phase::Report | Phase::Exit if status.success() => run.finish(),
                        phase => run.fail(&exit_reason(status, phase)),
                    };
                }
            }
        }
    })();
    stop(&mut child, confined);
    result
}

/// Stops the agent and everything it started. A confined agent's launcher
/// gets SIGTERM and kills the whole tree itself (it is the tree's subreaper);
/// if it has not ended within [`STOP_GRACE`], or the agent is unconfined,
/// its process group is killed.
fn stop(child: &mut Child, confined: bool) {
    if confined && matches!(child.try_wait(), Ok(None)) {
        if let Some(pid) = i32::try_from(child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let start = Instant::now();
        while start.elapsed() < STOP_GRACE {
            if !matches!(child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    kill_group(child);
}

/// Kills the agent's process group.
fn kill_group(child: &mut Child) {
    if let Some(pid) = i32::try_from(child.id())
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        // The group may be gone already; nothing to do then.
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn handle(
    run: &mut Run<'_>,
    m: Message,
    stdin: &mut Option<ChildStdin>,
    note: &mut dyn FnMut(Note<'_>),
    collab: &mut Option<&mut dyn Collab>,
) -> Result<(), AgentError> {
    if !matches!(m, Message::Heartbeat { .. } | Message::Log { .. }) {
        note(Note::Progress);
    }
    if let Message::Read { id, what, section } = &m {
        let Some(c) = collab else {
            return run.error(
                "protocol",
                "a read of the blackboard or messages from an agent that is not in a pipeline",
            );
        };
        run.count_call()?;
        let data = c.read(*what, section.as_deref())?;
        let line = serde_json::to_string(&Answer {
            kind: "answer".into(),
            id: id.clone(),
            data,
        })
        .unwrap_or_default();
        if let Some(s) = stdin.as_mut() {
            // An agent that closed its stdin does not want answers.
            let _ = writeln!(s, "{line}").and_then(|()| s.flush());
        }
        return Ok(());
    }
    if is_pipeline_message(&m) {
        return match collab {
            Some(c) => c.act(run, m),
            None => run.error(
                "protocol",
                "a pipeline message (post, send, vote, conflict, resolve, complexity) from an agent that is not in a pipeline",
            ),
        };
    }
    match m {
        Message::Phase { phase } => {
            note(Note::Phase(phase));
            run.enter(phase)
        }
        Message::Heartbeat { note: n } => run.heartbeat(n.as_deref()),
        Message::Step { name } => run.step(&name),
        Message::Action { id, action } => {
            let decision = run.request(&action)?;
            answer(stdin, &id, &decision);
            Ok(())
        }
        Message::Error { key, message } => {
            let key = key.unwrap_or_else(|| message.chars().take(200).collect());
            run.error(&key, &message)
        }
        Message::Artifact { name, path } => run.artifact(&name, path.as_deref()),
        Message::Log { level, message } => {
            note(Note::Log {
                level: &level,
                message: &message,
            });
            Ok(())
        }
        // Routed to the pipeline above.
        Message::Post { .. }
        | Message::Send { .. }
        | Message::Vote { .. }
        | Message::Conflict { .. }
        | Message::Resolve { .. }
        | Message::Complexity { .. }
        | Message::Read { .. } => Ok(()),
    }
}
