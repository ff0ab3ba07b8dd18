//! What people do to a pipeline from outside: revoke it, choose a fallback
//! after a consensus failure, take its whole context away in one file.

use std::str::FromStr;

use agov_core::Tier;
use agov_ledger::{Ledger, NewEvent};
use agov_runtime::keys::Keyspace;
use serde_json::{Value, json};

use crate::board::Board;
use crate::error::PipelineError;
use crate::orchestrator::{Env, Lease};
use crate::plan::Role;
use crate::state::{self, GammaSpawn, PipelineState, SlotStatus, Status};

fn event(env: &Env<'_>, st: &PipelineState, action: &str) -> NewEvent {
    crate::orchestrator::event(env, &st.id, action).with("round", st.round)
}

/// Revokes pipeline `id`: its token and, with it, every agent token issued
/// under it. A driving process notices within a quarter second, stops its
/// agents and ends FAILED; with no driver, the state is settled here.
/// Returns the state after the revocation (waiting for the driver, up to
/// [`DRIVER_SETTLES`]).
pub fn revoke(
    env: &Env<'_>,
    ledger: &mut Ledger,
    id: &str,
    reason: &str,
) -> Result<PipelineState, PipelineError> {
    let k = Keyspace::new(&env.tenant);
    let mut st = state::load(env.store, &k, id)?;
    if matches!(st.status, Status::Completed | Status::Failed) {
        return Err(PipelineError::WrongState {
            id: id.to_string(),
            status: st.status.to_string(),
            detail: "it has ended; its token was revoked when it did".into(),
        });
    }
    flag_revoked(env, ledger, &st, reason)?;
    // The state after the revocation: settled here when nobody drives it,
    // else by its driver, which is waited for (a bounded while: a driver
    // that does not settle it in time leaves the state as it then is).
    let deadline = std::time::Instant::now() + DRIVER_SETTLES;
    loop {
        if let Ok(lease) = Lease::take(env, &k, id) {
            let result = (|| {
                st = state::load(env.store, &k, id)?;
                if matches!(st.status, Status::Completed | Status::Failed) {
                    // Its driver settled it and let go meanwhile.
                    return Ok(());
                }
                for slot in st.agents.values_mut() {
                    if !slot.status.ended() {
                        slot.status = SlotStatus::Failed;
                        slot.reason = Some("the pipeline was revoked".into());
                    }
                }
                let now = agov_core::time::now_us();
                st.revoked_by = Some(env.actor.clone());
                st.token.revoked_us = Some(now);
                st.failure = Some(format!("revoked by {}: {reason}", env.actor));
                st.set_status(Status::Failed, st.failure.clone());
                lease.save(env, &mut st)
            })();
            lease.release(env);
            result?;
            return Ok(st);
        }
        st = state::load(env.store, &k, id)?;
        if matches!(st.status, Status::Completed | Status::Failed)
            || std::time::Instant::now() >= deadline
        {
            return Ok(st);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// How long [`revoke`] waits for a pipeline's driver to settle it: the
/// driver notices the flag within a quarter second and stops its agents
/// within a second more.
const DRIVER_SETTLES: std::time::Duration = std::time::Duration::from_secs(10);

/// Revokes the pipeline's token (and with it every agent token under it)
/// and raises the flag its driver stops on within a quarter second.
fn flag_revoked(
    env: &Env<'_>,
    ledger: &mut Ledger,
    st: &PipelineState,
    reason: &str,
) -> Result<(), PipelineError> {
    let k = Keyspace::new(&env.tenant);
    env.tokens.revoke_accessor(&st.token.accessor)?;
    let flag = json!({"by": env.actor, "reason": reason, "at_us": agov_core::time::now_us()});
    env.store.set(
        &k.pipeline(&st.id, "revoke"),
        flag.to_string().as_bytes(),
        None,
    )?;
    ledger.append(
        &event(env, st, "pipeline.revoke")
            .with("reason", reason)
            .with("token_accessor", st.token.accessor.as_str()),
    )?;
    Ok(())
}

/// A CRITICAL violation by one of its agents revokes the whole pipeline:
/// its token, every agent token under it, and (through the driver, which
/// stops every agent) the pipeline itself, which ends FAILED with exit 3.
pub fn revoke_for_critical(
    env: &Env<'_>,
    ledger: &mut Ledger,
    id: &str,
    reason: &str,
) -> Result<(), PipelineError> {
    let k = Keyspace::new(&env.tenant);
    let st = state::load(env.store, &k, id)?;
    flag_revoked(env, ledger, &st, &format!("critical violation: {reason}"))
}

/// What [`gc`] did with one pipeline's token.
#[derive(Clone, Debug, serde::Serialize, schemars::JsonSchema)]
pub struct Collected {
    /// The pipeline.
    pub pipeline: String,
    /// Its status.
    #[schemars(with = "crate::state::Status")]
    pub status: String,
    /// Why its token had to go.
    pub reason: String,
    /// The token authority revoked its token (or it was no longer valid);
    /// false: it did not answer, the next `gc` tries again.
    pub revoked: bool,
    /// Its driver is gone and nobody drove it for the retention
    /// (AGOV_RETENTION): its runtime keys were deleted.
    pub forgotten: bool,
}

/// Revokes the tokens nothing should hold any more: those of settled
/// pipelines (COMPLETED, FAILED, CONSENSUS_FAILED) and of pipelines whose
/// driver is gone (their lease lapsed). Each pipeline token takes every
/// agent token issued under it along. A pipeline resumed later
/// (`pipeline continue`, a fallback) gets a fresh token. A driverless
/// pipeline nobody drove for the retention is forgotten (its keys deleted).
/// Fit for cron.
pub fn gc(env: &Env<'_>) -> Result<Vec<Collected>, PipelineError> {
    let k = Keyspace::new(&env.tenant);
    let mut out = Vec::new();
    for st in state::list(env.store, &k)? {
        let mut reason = if st.status.is_settled() {
            format!("it is {}", st.status)
        } else {
            match crate::driver::driver(env.store, &k, &st.id)? {
                crate::driver::Driver::Alive(_) => continue,
                crate::driver::Driver::Gone(h) => {
                    format!("it is {} and its driver ({h}) is gone", st.status)
                }
                crate::driver::Driver::Nobody => {
                    format!("it is {} and its driver is gone", st.status)
                }
            }
        };
        // A settled pipeline's keys expire by themselves; an abandoned
        // one's are deleted once nobody drove it for the retention.
        let abandoned = !st.status.is_settled() && crate::retention::stale(env, &st);
        let live = match env.tokens.lookup_accessor(&st.token.accessor) {
            Err(agov_tokens::TokenError::Invalid) => false,
            Err(e) => return Err(e.into()),
            Ok(_) => true,
        };
        if !live && !abandoned {
            continue;
        }
        let revoked = !live
            || crate::orchestrator::revoke_after_failure(
                env,
                &st.id,
                &st.token.accessor,
                &format!("pipeline gc: {reason}"),
            );
        // Not before its token is gone: the next gc needs its state to retry.
        let forgotten = abandoned && revoked;
        if forgotten {
            crate::retention::forget(env, &st.id)?;
            reason.push_str(", nobody drove it for the retention: its keys are deleted");
        }
        out.push(Collected {
            pipeline: st.id.clone(),
            status: st.status.to_string(),
            reason,
            revoked,
            forgotten,
        });
    }
    Ok(out)
}

/// What to do after a consensus failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Run the same agents again, in a new round.
    RerunSame,
    /// Run them again with GAMMA from the start.
    RerunGamma,
    /// Run them again one tier higher.
    EscalateTier,
    /// Accept what there is (needs an explicit yes; records who).
    AcceptPartial,
    /// Take the whole context away in one file.
    DownloadLog,
}

impl Fallback {
    /// Its name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Fallback::RerunSame => "rerun_same",
            Fallback::RerunGamma => "rerun_gamma",
            Fallback::EscalateTier => "escalate_tier",
            Fallback::AcceptPartial => "accept_partial",
            Fallback::DownloadLog => "download_log",
        }
    }

    /// True for the fallbacks after which the pipeline runs again.
    pub fn reruns(self) -> bool {
        matches!(
            self,
            Fallback::RerunSame | Fallback::RerunGamma | Fallback::EscalateTier
        )
    }
}

impl FromStr for Fallback {
    type Err = String;
    fn from_str(s: &str) -> Result<Fallback, String> {
        Ok(match s {
            "rerun_same" => Fallback::RerunSame,
            "rerun_gamma" => Fallback::RerunGamma,
            "escalate_tier" => Fallback::EscalateTier,
            "accept_partial" => Fallback::AcceptPartial,
            "download_log" => Fallback::DownloadLog,
            _ => {
                return Err(format!(
                    "`{s}` is not a fallback (rerun_same, rerun_gamma, escalate_tier, accept_partial, download_log)"
                ));
            }
        })
    }
}

/// Applies a fallback (not [`Fallback::DownloadLog`]: see [`context`]) to a
/// pipeline in CONSENSUS_FAILED. The reruns leave it RUNNING in a new round
/// for [`crate::drive`]; accept_partial completes it.
pub fn fallback(
    env: &Env<'_>,
    ledger: &mut Ledger,
    id: &str,
    action: Fallback,
) -> Result<PipelineState, PipelineError> {
    let k = Keyspace::new(&env.tenant);
    let st = state::load(env.store, &k, id)?;
    if st.status != Status::ConsensusFailed {
        return Err(PipelineError::WrongState {
            id: id.to_string(),
            status: st.status.to_string(),
            detail: "fallbacks apply only after a consensus failure".into(),
        });
    }
    let lease = Lease::take(env, &k, id)?;
    let result = apply(env, &k, &lease, ledger, id, action);
    lease.release(env);
    result
}

fn apply(
    env: &Env<'_>,
    k: &Keyspace,
    lease: &Lease,
    ledger: &mut Ledger,
    id: &str,
    action: Fallback,
) -> Result<PipelineState, PipelineError> {
    let mut st = state::load(env.store, k, id)?;
    if st.status != Status::ConsensusFailed {
        return Err(PipelineError::WrongState {
            id: id.to_string(),
            status: st.status.to_string(),
            detail: "it changed while the fallback was being chosen".into(),
        });
    }
    if action == Fallback::RerunGamma && !st.plan.agents.contains_key(&Role::Gamma) {
        return Err(PipelineError::BadInput(format!(
            "rerun_gamma needs a gamma agent, and plan {} has none: add `agents.gamma` to it, or choose another fallback",
            st.plan.name
        )));
    }
    let now = agov_core::time::now_us();
    let mut e = event(env, &st, "pipeline.fallback").with("action", action.as_str());
    match action {
        Fallback::AcceptPartial => {
            // Completed with the best-supported proposal of the round.
            let board = Board::new(env.store, k.clone(), id);
            let proposals: Vec<String> = board
                .entries("solutions")?
                .iter()
                .filter(|p| p.round == st.round)
                .map(crate::board::Entry::id)
                .collect();
            let best = crate::consensus::best_proposal(&proposals, &board.votes(st.round)?);
            st.accepted_by = Some(env.actor.clone());
            st.accepted_proposal = best.as_ref().map(|(p, _)| p.clone());
            st.fallbacks.push(action.as_str().into());
            let note = match &best {
                Some((p, n)) => format!(
                    "partial result accepted by {}: proposal {p} ({n} accept vote{})",
                    env.actor,
                    if *n == 1 { "" } else { "s" }
                ),
                None => format!(
                    "partial result accepted by {} (no proposal was posted)",
                    env.actor
                ),
            };
            st.set_status(Status::Completed, Some(note.clone()));
            e = e.with("accepted_by", env.actor.as_str()).with(
                "tally",
                serde_json::to_value(&st.tally).unwrap_or(Value::Null),
            );
            if let Some((p, n)) = &best {
                e = e.with("proposal", p.as_str()).with("proposal_accepts", *n);
            }
            board.post(&crate::board::Entry {
                section: "final".into(),
                by: Role::Gamma,
                round: st.round,
                n: 1,
                at_us: now,
                content: json!({
                    "orchestrator": "final",
                    "outcome": "COMPLETED",
                    "how": "accept_partial",
                    "accepted_by": env.actor,
                    "proposal": st.accepted_proposal,
                    "tally": st.tally,
                }),
            })?;
            lease.save(env, &mut st)?;
            ledger.append(&e)?;
            if env.tokens.revoke_accessor(&st.token.accessor).is_ok() {
                st.token.revoked_us = Some(now);
                lease.save(env, &mut st)?;
            }
        }
        Fallback::RerunSame | Fallback::RerunGamma | Fallback::EscalateTier => {
            if action == Fallback::EscalateTier {
                let next =
                    Tier::from_number(st.tier + 1).ok_or_else(|| PipelineError::WrongState {
                        id: id.to_string(),
                        status: st.status.to_string(),
                        detail: "it already runs at the highest tier (4)".into(),
                    })?;
                reissue_token(env, &mut st, next)?;
                st.tier = next.number();
                for (role, slot) in st.agents.iter_mut() {
                    slot.tier = st.plan.agent_tier(*role, next)?.number();
                }
                e = e.with("tier", next.number());
            } else if env.tokens.lookup_accessor(&st.token.accessor).is_err()
                || env.store.get(&k.pipeline(id, "vault_token"))?.is_none()
            {
                // Revoked, expired, or its sealed copy expired with it.
                let tier = Tier::from_number(st.tier).unwrap_or(Tier::Observer);
                reissue_token(env, &mut st, tier)?;
            }
            // The rerun is told, in its packets, how this round ended.
            let agents: serde_json::Map<String, Value> = st
                .agents
                .iter()
                .map(|(role, s)| {
                    let outcome = json!({
                        "agent_id": s.agent_id,
                        "status": s.status,
                        "phase": s.phase,
                        "reason": s.reason,
                    });
                    (role.as_str().to_string(), outcome)
                })
                .collect();
            st.previous_attempt = Some(json!({
                "round": st.round,
                "fallback": action.as_str(),
                "failure": st.failure,
                "tally": st.tally,
                "agents": agents,
            }));
            e = e.with("previous_failure", st.failure.clone().unwrap_or_default());
            st.round += 1;
            st.gamma = (action == Fallback::RerunGamma).then(|| GammaSpawn {
                reason: "fallback rerun_gamma".into(),
                at_us: now,
            });
            for slot in st.agents.values_mut() {
                slot.status = SlotStatus::Pending;
                slot.run_id = None;
                slot.pid = None;
                slot.phase = None;
                slot.reason = None;
                slot.token_accessor = None;
            }
            st.tally = None;
            st.failure = None;
            st.complexity = 0.0;
            st.deadline_us = now + st.plan.timeout().as_micros() as i64;
            st.fallbacks.push(action.as_str().into());
            st.set_status(
                Status::Running,
                Some(format!("fallback {}: round {}", action.as_str(), st.round)),
            );
            lease.save(env, &mut st)?;
            ledger.append(&e.with("new_round", st.round))?;
        }
        Fallback::DownloadLog => {
            return Err(PipelineError::BadInput(
                "download_log writes a file: use `pipeline consensus fallback ID --action download_log --output FILE`".into(),
            ));
        }
    }
    Ok(st)
}

fn reissue_token(env: &Env<'_>, st: &mut PipelineState, tier: Tier) -> Result<(), PipelineError> {
    let _ = env.tokens.revoke_accessor(&st.token.accessor);
    let token = crate::orchestrator::issue_token(env, &st.id, tier)?;
    let now = agov_core::time::now_us();
    st.token.accessor = token.accessor;
    st.token.expires_us = now + token.ttl.as_micros() as i64;
    st.token.renewals = 0;
    st.token.renewed_us = None;
    st.token.revoked_us = None;
    Ok(())
}

/// Everything about a pipeline in one document: its state, blackboard,
/// conflicts, messages, votes of every round and its ledger events
/// ([`crate::dossier`]).
pub fn context(env: &Env<'_>, ledger: Option<&Ledger>, id: &str) -> Result<Value, PipelineError> {
    Ok(crate::dossier::gather(env.store, &env.tenant, ledger, id)?.to_json())
}
