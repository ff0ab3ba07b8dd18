//! What the dashboard's keys decide, and how: each action calls the very
//! function its command calls (`pipeline consensus fallback`, `pipeline
//! approve`, `pipeline revoke`, `pipeline agents revoke`), so that who
//! decides is verified and recorded the same way, and a refusal is the
//! same refusal. A rerun is driven in the background, as `--detach` does.

use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use agov_pipeline::control::Fallback;

use super::super::{Backends, agents, approve, consensus, metrics, revoke, spawn};

/// One decision taken from the dashboard, once confirmed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Action {
    /// A fallback after a consensus failure.
    Fallback { id: String, action: Fallback },
    /// Approve (or reject) a waiting gate, as reviewed: its digest.
    Gate {
        id: String,
        stage: String,
        digest: String,
        approve: bool,
        reason: String,
    },
    /// Revoke a pipeline.
    RevokePipeline { id: String, reason: String },
    /// Revoke one agent.
    RevokeAgent { agent: String, reason: String },
}

/// The fallbacks offered, in the order of their keys (1-5).
pub(crate) const FALLBACKS: [Fallback; 5] = [
    Fallback::RerunSame,
    Fallback::RerunGamma,
    Fallback::EscalateTier,
    Fallback::AcceptPartial,
    Fallback::DownloadLog,
];

impl Action {
    /// Whether a reason is asked for before the confirmation (and whether
    /// it must not be empty).
    pub(crate) fn reason(&mut self) -> Option<(&mut String, bool)> {
        match self {
            Action::Fallback { .. } => None,
            Action::Gate { reason, .. } => Some((reason, false)),
            Action::RevokePipeline { reason, .. } | Action::RevokeAgent { reason, .. } => {
                Some((reason, true))
            }
        }
    }

    /// The question a person answers with y or n.
    pub(crate) fn question(&self) -> String {
        match self {
            Action::Fallback { id, action } => match action {
                Fallback::AcceptPartial => {
                    format!("accept {id} as it is, without consensus (your name is recorded)?")
                }
                Fallback::DownloadLog => {
                    format!(
                        "write the whole context of {id} to {}?",
                        log_file(id).display()
                    )
                }
                a => format!(
                    "choose {} for {id} (it runs again in the background)?",
                    a.as_str()
                ),
            },
            Action::Gate {
                id,
                stage,
                digest,
                approve,
                ..
            } => format!(
                "{} gate {stage} of {id} (digest {})?",
                if *approve { "approve" } else { "reject" },
                digest.get(..12).unwrap_or(digest)
            ),
            Action::RevokePipeline { id, .. } => {
                format!("revoke pipeline {id} and every agent token under it?")
            }
            Action::RevokeAgent { agent, .. } => {
                format!("revoke agent {agent} (it stops and cannot start until reinstated)?")
            }
        }
    }
}

/// Where `download_log` from the dashboard writes: the current folder.
pub(crate) fn log_file(id: &str) -> PathBuf {
    PathBuf::from(format!("{id}-context.json"))
}

/// Takes `action`; what it did, in words, or the command's own refusal.
pub(crate) fn perform(ctx: &Ctx, b: &mut Backends, action: &Action) -> Result<String, CliError> {
    match action {
        Action::Fallback {
            id,
            action: Fallback::DownloadLog,
        } => {
            let out = log_file(id);
            let bytes = consensus::fallback::download_log(ctx, b, id, &out)?;
            Ok(format!(
                "wrote the context of {id} to {} ({bytes} bytes)",
                out.display()
            ))
        }
        Action::Fallback { id, action } => {
            let (st, by) = consensus::fallback::choose(b, id, *action)?;
            if !action.reruns() {
                return Ok(format!("{} {id} as {by}: {}", action.as_str(), st.status));
            }
            let log = spawn::detach(b, &ctx.global, id, &metrics::FileArg::default())?;
            Ok(format!(
                "{} {id} as {by}: round {} runs in the background (log {})",
                action.as_str(),
                st.round,
                log.display()
            ))
        }
        Action::Gate {
            id,
            stage,
            digest,
            approve,
            reason,
        } => {
            let d = approve::decide(
                b,
                &approve::Gate {
                    id,
                    stage,
                    approved: *approve,
                    reason: Some(reason.as_str()).filter(|r| !r.trim().is_empty()),
                    reviewed: Some(digest),
                },
            )?;
            Ok(format!(
                "{} gate {stage} of {id} as {}",
                if d.approved { "approved" } else { "rejected" },
                d.by
            ))
        }
        Action::RevokePipeline { id, reason } => {
            let st = revoke::revoke(b, id, reason)?;
            Ok(format!(
                "revoked pipeline {} (token {} and its agents' tokens)",
                st.id, st.token.accessor
            ))
        }
        Action::RevokeAgent { agent, reason } => {
            let r = agents::revoke::revoke(b, agent, reason)?;
            Ok(format!(
                "{agent} revoked by {}{}",
                r.entry["by"].as_str().unwrap_or(""),
                if r.accessor.is_some() {
                    "; its last token is revoked"
                } else {
                    ""
                }
            ))
        }
    }
}
