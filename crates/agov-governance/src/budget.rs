//! The error budget: how much an agent may get wrong before it is revoked.
//!
//! Each limit is the count at which the agent is revoked: with the defaults,
//! the 8th error, the 3rd occurrence of one error (its 2nd repeat) and the
//! 1st procedure violation revoke it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The limits, from the packet or the defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Budget {
    /// Errors of any kind.
    pub max_total_errors: u32,
    /// Repeats of one error (occurrences after its first).
    pub max_same_error_repeats: u32,
    /// Illegal phase changes.
    pub max_procedure_violations: u32,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_total_errors: 8,
            max_same_error_repeats: 2,
            max_procedure_violations: 1,
        }
    }
}

/// Which limit was reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "limit", rename_all = "snake_case")]
pub enum Breach {
    /// Too many errors.
    TotalErrors {
        /// Errors so far.
        count: u32,
    },
    /// One error repeated too often.
    SameErrorRepeats {
        /// The error's key.
        key: String,
        /// Its repeats so far.
        count: u32,
    },
    /// Too many procedure violations.
    ProcedureViolations {
        /// Violations so far.
        count: u32,
    },
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Breach::TotalErrors { count } => write!(f, "{count} errors reach the error budget"),
            Breach::SameErrorRepeats { key, count } => {
                write!(
                    f,
                    "error `{key}` repeated {count} time(s), the budget's limit"
                )
            }
            Breach::ProcedureViolations { count } => {
                write!(f, "{count} procedure violation(s) reach the budget's limit")
            }
        }
    }
}

/// What an agent has used of its budget.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BudgetState {
    /// Errors so far.
    pub total_errors: u32,
    /// Occurrences of each error, by key.
    pub by_key: BTreeMap<String, u32>,
    /// Procedure violations so far.
    pub violations: u32,
}

/// Most distinct error keys kept; further new keys count under `other`.
const MAX_KEYS: usize = 256;

impl BudgetState {
    /// Records an error (its key says which errors are "the same") and says
    /// whether that breaches `budget`.
    pub fn error(&mut self, key: &str, budget: &Budget) -> Option<Breach> {
        self.total_errors += 1;
        let key = if self.by_key.len() >= MAX_KEYS && !self.by_key.contains_key(key) {
            "other"
        } else {
            key
        };
        let n = self.by_key.entry(key.to_string()).or_default();
        *n += 1;
        let repeats = *n - 1;
        if repeats >= budget.max_same_error_repeats && repeats > 0 {
            return Some(Breach::SameErrorRepeats {
                key: key.to_string(),
                count: repeats,
            });
        }
        (self.total_errors >= budget.max_total_errors).then_some(Breach::TotalErrors {
            count: self.total_errors,
        })
    }

    /// Records a procedure violation and says whether that breaches `budget`.
    pub fn violation(&mut self, budget: &Budget) -> Option<Breach> {
        self.violations += 1;
        (self.violations >= budget.max_procedure_violations).then_some(
            Breach::ProcedureViolations {
                count: self.violations,
            },
        )
    }

    /// What is left before each limit.
    pub fn remaining(&self, budget: &Budget) -> Remaining {
        Remaining {
            errors: budget.max_total_errors.saturating_sub(self.total_errors),
            violations: budget
                .max_procedure_violations
                .saturating_sub(self.violations),
        }
    }
}

/// What is left of a budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Remaining {
    /// Errors before revocation.
    pub errors: u32,
    /// Violations before revocation.
    pub violations: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_revoke_on_the_third_same_error_the_eighth_error_and_the_first_violation() {
        let b = Budget::default();
        let mut s = BudgetState::default();
        assert_eq!(s.error("timeout", &b), None);
        assert_eq!(s.error("timeout", &b), None);
        assert_eq!(
            s.error("timeout", &b),
            Some(Breach::SameErrorRepeats {
                key: "timeout".into(),
                count: 2
            })
        );

        let mut s = BudgetState::default();
        for i in 0..7 {
            assert_eq!(s.error(&format!("e{i}"), &b), None, "error {i}");
        }
        assert_eq!(s.remaining(&b).errors, 1);
        assert_eq!(s.error("e7", &b), Some(Breach::TotalErrors { count: 8 }));

        let mut s = BudgetState::default();
        assert_eq!(
            s.violation(&b),
            Some(Breach::ProcedureViolations { count: 1 })
        );
    }

    #[test]
    fn a_packet_can_loosen_the_budget() {
        let b = Budget {
            max_total_errors: 100,
            max_same_error_repeats: 5,
            max_procedure_violations: 3,
        };
        let mut s = BudgetState::default();
        for _ in 0..5 {
            assert_eq!(s.error("x", &b), None);
        }
        assert!(s.error("x", &b).is_some());
        assert_eq!(s.violation(&b), None);
        assert_eq!(s.violation(&b), None);
        assert!(s.violation(&b).is_some());
    }

    #[test]
    fn distinct_keys_are_bounded() {
        let b = Budget {
            max_total_errors: u32::MAX,
            max_same_error_repeats: u32::MAX,
            max_procedure_violations: 1,
        };
        let mut s = BudgetState::default();
        for i in 0..1000 {
            s.error(&format!("k{i}"), &b);
        }
        assert_eq!(s.by_key.len(), MAX_KEYS + 1);
        assert_eq!(s.total_errors, 1000);
    }
}
