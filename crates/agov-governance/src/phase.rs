//! The lifecycle every agent follows, in this order and no other.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A lifecycle phase.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Phase {
    /// Refuse a revoked agent, load its packet, take its lock, get its token.
    Bootstrap,
    /// Check the environment and inputs.
    Preflight,
    /// Decide what to do.
    Plan,
    /// Do it.
    Execute,
    /// Check it.
    Verify,
    /// Gather the artifacts.
    Package,
    /// Report.
    Report,
    /// Release the lock, revoke the token.
    Exit,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 8] = [
        Phase::Bootstrap,
        Phase::Preflight,
        Phase::Plan,
        Phase::Execute,
        Phase::Verify,
        Phase::Package,
        Phase::Report,
        Phase::Exit,
    ];

    /// The name as written in packets and the protocol (`PLAN`).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Bootstrap => "BOOTSTRAP",
            Phase::Preflight => "PREFLIGHT",
            Phase::Plan => "PLAN",
            Phase::Execute => "EXECUTE",
            Phase::Verify => "VERIFY",
            Phase::Package => "PACKAGE",
            Phase::Report => "REPORT",
            Phase::Exit => "EXIT",
        }
    }

    /// The phase that must come next, if any.
    pub fn next(self) -> Option<Phase> {
        Phase::ALL.get(self as usize + 1).copied()
    }

    /// Whether moving from `self` to `to` follows the lifecycle. Announcing
    /// the phase one is already in is allowed (an agent may repeat itself
    /// after a restart); anything else but the next phase is a violation.
    pub fn check_move(self, to: Phase) -> Result<(), Violation> {
        if to == self || Some(to) == self.next() {
            return Ok(());
        }
        Err(Violation {
            from: self,
            to,
            kind: if to > self {
                ViolationKind::Skipped
            } else {
                ViolationKind::Reordered
            },
        })
    }
}

/// How a phase change broke the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    /// It jumped over one or more phases.
    Skipped,
    /// It went back to an earlier phase.
    Reordered,
}

/// A procedure violation: an illegal phase change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Where the agent was.
    pub from: Phase,
    /// Where it tried to go.
    pub to: Phase,
    /// Skipped or reordered.
    pub kind: ViolationKind,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.from.next()) {
            (ViolationKind::Skipped, Some(next)) => {
                write!(f, "{} → {} skips {}", self.from, self.to, next)
            }
            _ => write!(f, "{} → {} goes back", self.from, self.to),
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Phase {
    type Err = String;
    fn from_str(s: &str) -> Result<Phase, String> {
        Phase::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a phase: {}",
                    Phase::ALL.map(Phase::as_str).join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_next_phase_or_the_same_one_is_legal() {
        assert!(Phase::Bootstrap.check_move(Phase::Preflight).is_ok());
        assert!(Phase::Plan.check_move(Phase::Plan).is_ok());
        let skip = Phase::Preflight.check_move(Phase::Execute).unwrap_err();
        assert_eq!(skip.kind, ViolationKind::Skipped);
        assert_eq!(skip.to_string(), "PREFLIGHT → EXECUTE skips PLAN");
        let back = Phase::Verify.check_move(Phase::Execute).unwrap_err();
        assert_eq!(back.kind, ViolationKind::Reordered);
        assert_eq!(Phase::Exit.next(), None);
        assert_eq!("plan".parse::<Phase>(), Ok(Phase::Plan));
        assert!(
            "PLANNING"
                .parse::<Phase>()
                .unwrap_err()
                .contains("BOOTSTRAP, PREFLIGHT")
        );
    }
}
