//! Phases 3 (Agent execution) and 4 (Promotion & revocation): scripted
//! agents run through the real lifecycle engine against the configured
//! backends, in the scratch tenant, which is cleaned up afterwards.

use std::path::PathBuf;
use std::time::Duration;

use agov_agent::command::{CommandSpec, drive};
use agov_agent::{Governor, Outcome, Run, records};
use agov_config::Settings;
use agov_core::Tier;
use agov_governance::rules::TierRules;
use agov_governance::{Decision, Packet};
use agov_ledger::{Ledger, Query};
use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;
use agov_tokens::TokenAuthority;

use super::Phase;
use crate::backends;

/// A compliant agent: every phase in order, its deliverable, then exit.
const COMPLIANT: &str = r#"for p in PREFLIGHT PLAN EXECUTE; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"artifact","name":"probe.txt"}'
for p in VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done"#;

/// An agent that repeats one error until its budget is spent.
const FLAKY: &str = r#"echo '{"type":"phase","phase":"PREFLIGHT"}'
for i in 1 2 3; do echo '{"type":"error","key":"probe","message":"probe error"}'; done
sleep 5"#;

pub(super) struct Backends {
    pub(super) store: Box<dyn RuntimeStore>,
    pub(super) tokens: Box<dyn TokenAuthority>,
    pub(super) ledger: Ledger,
    pub(super) rules: TierRules,
}

pub(super) fn open(settings: &Settings, phase: &mut Phase) -> Option<Backends> {
    let ledger = super::existing_ledger(settings, phase)?;
    let opened = (|| -> Result<Backends, String> {
        Ok(Backends {
            store: backends::runtime_store(settings).map_err(|e| e.message().to_string())?,
            tokens: backends::token_authority(settings).map_err(|e| e.message().to_string())?,
            ledger,
            rules: TierRules::built_in(),
        })
    })();
    match opened {
        Ok(b) => Some(b),
        Err(e) => {
            phase.check("backends reachable", Err(e));
            None
        }
    }
}

/// The governor over the scratch tenant, and the ledger it records in.
fn governor<'a>(b: &'a mut Backends, scratch: &str) -> (Governor<'a>, &'a mut Ledger) {
    (
        Governor {
            store: b.store.as_ref(),
            tokens: b.tokens.as_ref(),
            rules: &b.rules,
            tenant: scratch.to_string(),
            actor: "agov:validate-phases".into(),
            lock_ttl: Duration::from_secs(10),
            renew_every: None,
            retention: agov_runtime::RETENTION,
            max_tier: Tier::Architect,
        },
        &mut b.ledger,
    )
}

fn packet(agent: &str, extra: &str) -> Packet {
    Packet::parse(
        "probe packet",
        &format!(r#"{{"agent_id":"{agent}","task_id":"probe","objective":"validate-phases probe"{extra}}}"#),
    )
    .unwrap_or_else(|e| unreachable!("the probe packet is valid: {e}"))
}

/// A scripted agent, confined like any agent of its tier, in a scratch folder.
fn spec(
    settings: &Settings,
    tier: u8,
    dir: &std::path::Path,
    script: &str,
) -> Result<CommandSpec, String> {
    let (out, home) = (dir.join("out"), dir.join("home"));
    for d in [&out, &home] {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let containment = backends::containment(settings).map_err(|e| e.message().to_string())?;
    let confined = containment
        .confine(
            tier,
            &agov_agent::contain::AgentPlaces {
                work: dir,
                out: &out,
                home: &home,
                packet: None,
                argv: &[],
            },
        )
        .map_err(|e| e.to_string())?;
    Ok(CommandSpec {
        argv: vec!["sh".into(), "-c".into(), script.into()],
        packet_path: PathBuf::from("/dev/null"),
        dir: Some(dir.to_path_buf()),
        home,
        confined,
        extra_env: vec![("AGOV_OUTPUT_DIR".into(), out.display().to_string())],
        stop: None,
    })
}

/// Runs one scripted agent; returns its outcome and its token's accessor.
fn run_script(
    settings: &Settings,
    b: &mut Backends,
    scratch: &str,
    p: Packet,
    script: &str,
) -> Result<(Outcome, String), String> {
    let (gov, ledger) = governor(b, scratch);
    let mut run = Run::bootstrap(&gov, ledger, p, None).map_err(|e| e.to_string())?;
    let accessor = run.token().map(|t| t.accessor.clone()).unwrap_or_default();
    let scratch_dir =
        tempfile::tempdir().map_err(|e| format!("cannot make a scratch folder: {e}"))?;
    let spec = spec(settings, run.tier.number(), scratch_dir.path(), script)?;
    drive(&mut run, &spec, &mut |_| {}, None).map_err(|e| e.to_string())?;
    let outcome = run
        .outcome()
        .cloned()
        .ok_or("the run ended without an outcome")?;
    Ok((outcome, accessor))
}

/// Phase 3: agents run confined. A sandbox the operator turned off, or one
/// this kernel cannot fully enforce, fails the check (it never passes silently).
pub(super) fn check_sandbox(settings: &Settings, phase: &mut Phase) {
    let name = "agents run in their tier's kernel sandbox";
    let result = (|| -> Result<(), String> {
        let containment = backends::containment(settings).map_err(|e| e.message().to_string())?;
        if containment.mode() == agov_sandbox::Mode::Off {
            return Err(format!(
                "sandbox = \"off\" ({}): agents run unconfined",
                settings.sandbox.source
            ));
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let strict = agov_sandbox::Sandbox {
            mode: agov_sandbox::Mode::Enforce,
            ..containment.sandbox.clone()
        };
        let places = agov_sandbox::Places {
            work: dir.path().to_path_buf(),
            out: dir.path().to_path_buf(),
            home: dir.path().to_path_buf(),
            ..Default::default()
        };
        for tier in 0..=4 {
            strict.prepare(tier, &places).map_err(|e| {
                if containment.mode() == agov_sandbox::Mode::BestEffort {
                    format!("sandbox = \"best-effort\": {e}")
                } else if containment.best_effort.contains(&tier) {
                    format!(
                        "sandbox_best_effort includes tier {tier} ({}): {e}",
                        settings.sandbox_best_effort.source
                    )
                } else {
                    e.to_string()
                }
            })?;
        }
        Ok(())
    })();
    phase.check(name, result);
}

/// Phase 3: a scripted agent through every phase.
pub(super) fn check_execution(settings: &Settings, scratch: &str, phase: &mut Phase) {
    let Some(mut b) = open(settings, phase) else {
        return;
    };
    let result = run_script(
        settings,
        &mut b,
        scratch,
        packet("probe-runner", r#","deliverables":["probe.txt"]"#),
        COMPLIANT,
    );
    let (outcome, accessor) = match result {
        Ok(r) => r,
        Err(e) => {
            phase.check("scripted agent runs", Err(e));
            return;
        }
    };
    phase.check(
        "scripted agent goes BOOTSTRAP → EXIT",
        match &outcome {
            Outcome::Completed { .. } => Ok(()),
            other => Err(format!("it ended {other:?}")),
        },
    );
    phase.check(
        "its token is revoked at EXIT",
        match b.tokens.lookup_accessor(&accessor) {
            Err(_) => Ok(()),
            Ok(_) => Err("the token still looks up".into()),
        },
    );
    let keys = Keyspace::new(scratch);
    phase.check(
        "its lock is released",
        match b.store.lock_owner(&keys.agent("probe-runner", "lock")) {
            Ok(None) => Ok(()),
            Ok(Some(o)) => Err(format!("still held by {o}")),
            Err(e) => Err(e.to_string()),
        },
    );
    let q = Query {
        tenant: Some(scratch.into()),
        action: Some("agent.phase".into()),
        ..Query::default()
    };
    phase.check(
        "every transition is ledgered",
        match b.ledger.query(&q) {
            Ok(events) if events.len() == 6 => Ok(()),
            Ok(events) => Err(format!("{} phase events, expected 6", events.len())),
            Err(e) => Err(e.to_string()),
        },
    );
    let (gov, ledger) = governor(&mut b, scratch);
    let denied = (|| -> Result<(), String> {
        let mut run = Run::bootstrap(&gov, ledger, packet("probe-t0", ""), Some(Tier::Observer))
            .map_err(|e| e.to_string())?;
        let d = run
            .request("write:sandbox/probe")
            .map_err(|e| e.to_string())?;
        run.revoke("probe done").map_err(|e| e.to_string())?;
        match d {
            Decision::Deny { .. } => Ok(()),
            other => Err(format!("a T0 agent's T1 action was answered {other:?}")),
        }
    })();
    phase.check("a T0 agent is denied a T1 action", denied);
    cleanup(&mut b, scratch, phase);
}

/// Phase 4: compliant runs promote; a budget breach revokes and leaves a handoff.
pub(super) fn check_revocation(settings: &Settings, scratch: &str, phase: &mut Phase) {
    let Some(mut b) = open(settings, phase) else {
        return;
    };
    let needed = b.rules.promotion.t0_to_t1;
    let mut promoted = Err(format!("not promoted after {needed} compliant runs"));
    for _ in 0..needed {
        match run_script(
            settings,
            &mut b,
            scratch,
            packet("probe-climber", r#","deliverables":["probe.txt"]"#),
            COMPLIANT,
        ) {
            Ok((
                Outcome::Completed {
                    promoted: Some(Tier::Operator),
                },
                _,
            )) => promoted = Ok(()),
            Ok((Outcome::Completed { .. }, _)) => {}
            Ok((other, _)) => {
                promoted = Err(format!("a compliant run ended {other:?}"));
                break;
            }
            Err(e) => {
                promoted = Err(e);
                break;
            }
        }
    }
    phase.check("consecutive compliant runs promote T0 → T1", promoted);
    match run_script(
        settings,
        &mut b,
        scratch,
        packet("probe-climber", ""),
        FLAKY,
    ) {
        Ok((Outcome::Revoked { handoff, .. }, accessor)) => {
            phase.check("a budget breach revokes the agent", Ok(()));
            phase.check(
                "its token no longer looks up",
                match b.tokens.lookup_accessor(&accessor) {
                    Err(_) => Ok(()),
                    Ok(_) => Err("the revoked token still looks up".into()),
                },
            );
            phase.check(
                "it leaves a handoff naming its phase",
                match records::latest_handoff(&b.ledger, scratch, "probe") {
                    Ok(Some(h))
                        if h["last_known_state"]["phase"] == "PREFLIGHT"
                            && handoff.last_known_state.phase.as_str() == "PREFLIGHT" =>
                    {
                        Ok(())
                    }
                    Ok(h) => Err(format!("handoff: {h:?}")),
                    Err(e) => Err(e.to_string()),
                },
            );
            phase.check(
                "the revocation demotes it",
                match records::metrics(&b.ledger, scratch, "probe-climber", &b.rules.promotion) {
                    Ok(Some(m)) if m.tier == Tier::Observer && m.revocations == 1 => Ok(()),
                    Ok(m) => Err(format!("trust state after revocation: {m:?}")),
                    Err(e) => Err(e.to_string()),
                },
            );
        }
        Ok((other, _)) => phase.check(
            "a budget breach revokes the agent",
            Err(format!("it ended {other:?}")),
        ),
        Err(e) => phase.check("a budget breach revokes the agent", Err(e)),
    }
    cleanup(&mut b, scratch, phase);
}

/// Removes the scratch tenant's runtime keys and trust rows (its ledger
/// events stay: the ledger is append-only).
pub(super) fn cleanup(b: &mut Backends, scratch: &str, phase: &mut Phase) {
    let runtime = super::remove_scratch_keys(b.store.as_ref(), scratch);
    let rows = records::purge_tenant(&mut b.ledger, scratch);
    phase.check(
        "scratch state removed",
        runtime.and(rows.map_err(|e| e.to_string())),
    );
}
