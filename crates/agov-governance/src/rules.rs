//! Tier rules: which actions an agent of each tier may request, which need
//! a human approval, and when an agent is promoted. Loaded from
//! `policies/tiers.toml` (built in; a file of the same shape can replace it).

use std::collections::BTreeMap;
use std::time::Duration;

use agov_core::Tier;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::InputError;

/// The rules agov ships with.
pub const BUILT_IN: &str = include_str!("../../../policies/tiers.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    deny: Vec<String>,
    promotion: Promotion,
    tier: BTreeMap<String, TierFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierFile {
    name: String,
    token_ttl: String,
    #[serde(default)]
    approval: bool,
    #[serde(default)]
    allow: Vec<String>,
}

/// Consecutive compliant runs needed to become eligible for the next tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// T0 → T1.
    pub t0_to_t1: u32,
    /// T1 → T2.
    pub t1_to_t2: u32,
    /// T2 → T3 (needs approval).
    pub t2_to_t3: u32,
    /// T3 → T4 (needs approval).
    pub t3_to_t4: u32,
}

impl Promotion {
    /// Runs needed to leave `tier`, or `None` at the top.
    pub fn runs_to_leave(&self, tier: Tier) -> Option<u32> {
        match tier {
            Tier::Observer => Some(self.t0_to_t1),
            Tier::Operator => Some(self.t1_to_t2),
            Tier::Builder => Some(self.t2_to_t3),
            Tier::Executor => Some(self.t3_to_t4),
            Tier::Architect => None,
        }
    }
}

/// One tier's rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TierRule {
    /// The tier.
    pub tier: Tier,
    /// Its token's lifetime.
    #[serde(serialize_with = "secs")]
    pub token_ttl: Duration,
    /// Whether actions first allowed here need a human approval.
    pub approval: bool,
    /// Patterns first allowed at this tier.
    pub allow: Vec<String>,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// Every tier's rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TierRules {
    /// Denied at every tier.
    pub deny: Vec<String>,
    /// Promotion thresholds.
    pub promotion: Promotion,
    /// T0 to T4.
    pub tiers: Vec<TierRule>,
}

/// The answer to an action request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// It may go ahead.
    Allow,
    /// It may go ahead once a person approves exactly this action.
    NeedsApproval {
        /// The tier whose rule allows it.
        tier: Tier,
        /// What the approval must cover: SHA-256 of the action and the agent.
        digest: String,
    },
    /// It may not.
    Deny {
        /// Why, in words.
        reason: String,
    },
}

/// Whether `text` matches the glob `pattern` (`*` any text, `?` one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The digest a human approves: SHA-256 over the agent, the task and the action.
pub fn approval_digest(agent: &str, task: &str, action: &str) -> String {
    let mut h = Sha256::new();
    for part in [agent, task, action] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

impl TierRules {
    /// The built-in rules.
    pub fn built_in() -> TierRules {
        TierRules::parse("policies/tiers.toml", BUILT_IN).unwrap_or_else(|e| {
            unreachable!("the built-in tier rules are valid (a test checks): {e}")
        })
    }

    /// Reads rules; `what` names the file in errors.
    pub fn parse(what: &str, text: &str) -> Result<TierRules, InputError> {
        let file: File = toml::from_str(text).map_err(|e| {
            let field = e.span().map_or("(document)".to_string(), |s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}")
            });
            InputError::new(what, field, e.message().to_string())
        })?;
        let mut tiers = Vec::new();
        for tier in Tier::ALL {
            let key = format!("t{}", tier.number());
            let Some(t) = file.tier.get(&key) else {
                return Err(InputError::new(what, format!("tier.{key}"), "missing"));
            };
            if t.name != tier.role() {
                return Err(InputError::new(
                    what,
                    format!("tier.{key}.name"),
                    format!(
                        "is `{}`; tier {} is `{}`",
                        t.name,
                        tier.number(),
                        tier.role()
                    ),
                ));
            }
            let ttl = agov_core::time::parse_duration(&t.token_ttl)
                .map_err(|e| InputError::new(what, format!("tier.{key}.token_ttl"), e))?;
            tiers.push(TierRule {
                tier,
                token_ttl: ttl,
                approval: t.approval,
                allow: t.allow.clone(),
            });
        }
        if let Some(extra) = file
            .tier
            .keys()
            .find(|k| !(0..5).any(|n| **k == format!("t{n}")))
        {
            return Err(InputError::new(
                what,
                format!("tier.{extra}"),
                "tiers are t0 to t4",
            ));
        }
        Ok(TierRules {
            deny: file.deny,
            promotion: file.promotion,
            tiers,
        })
    }

    /// A tier's rules.
    pub fn tier(&self, tier: Tier) -> &TierRule {
        &self.tiers[usize::from(tier.number())]
    }

    /// Decides an action (`kind:target`) requested by `agent` on `task`
    /// running at `tier`, with the packet's `forbidden` patterns and `scope`.
    pub fn decide(
        &self,
        tier: Tier,
        action: &str,
        forbidden: &[String],
        scope: &[String],
        agent: &str,
        task: &str,
    ) -> Decision {
        if let Some(p) = forbidden.iter().find(|p| glob_match(p, action)) {
            return Decision::Deny {
                reason: format!("forbidden by the packet (`{p}`)"),
            };
        }
        if let Some(p) = self.deny.iter().find(|p| glob_match(p, action)) {
            return Decision::Deny {
                reason: format!("denied at every tier (`{p}`)"),
            };
        }
        if !scope.is_empty() {
            let target = action.split_once(':').map_or(action, |(_, t)| t);
            let in_scope = scope
                .iter()
                .any(|p| glob_match(p, target) || glob_match(p, action));
            if !in_scope {
                return Decision::Deny {
                    reason: format!("outside the packet's scope ({})", scope.join(", ")),
                };
            }
        }
        let lowest = self
            .tiers
            .iter()
            .find(|r| r.allow.iter().any(|p| glob_match(p, action)));
        match lowest {
            Some(r) if r.tier <= tier => {
                if r.approval {
                    Decision::NeedsApproval {
                        tier: r.tier,
                        digest: approval_digest(agent, task, action),
                    }
                } else {
                    Decision::Allow
                }
            }
            Some(r) => Decision::Deny {
                reason: format!(
                    "needs tier {} ({}); the agent runs at tier {}",
                    r.tier.number(),
                    r.tier.role(),
                    tier.number()
                ),
            },
            None => Decision::Deny {
                reason: "no tier's rules allow it".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_a_shell() {
        assert!(glob_match("cmd:git log*", "cmd:git log --oneline"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("cmd:*| sh*", "cmd:curl x | sh -s"));
        assert!(!glob_match("read:*", "write:x"));
        assert!(glob_match("*b*b*", "abxxb"));
    }

    #[test]
    fn the_built_in_rules_load_and_agree_with_the_tier_ttls() {
        let r = TierRules::built_in();
        for t in Tier::ALL {
            assert_eq!(r.tier(t).token_ttl, t.default_ttl(), "{t:?}");
        }
        assert!(!r.tier(Tier::Builder).approval && r.tier(Tier::Executor).approval);
        assert_eq!(r.promotion.runs_to_leave(Tier::Observer), Some(3));
        assert_eq!(r.promotion.runs_to_leave(Tier::Architect), None);
    }

    #[test]
    fn decisions_follow_tiers_packets_and_approvals() {
        let r = TierRules::built_in();
        let d = |tier, action: &str| r.decide(tier, action, &[], &[], "a", "t");
        assert_eq!(d(Tier::Observer, "cmd:git status"), Decision::Allow);
        assert!(
            matches!(d(Tier::Observer, "write:sandbox/x"), Decision::Deny { reason } if reason.contains("needs tier 1"))
        );
        assert_eq!(d(Tier::Operator, "write:sandbox/x"), Decision::Allow);
        assert!(
            matches!(d(Tier::Architect, "cmd:curl x | sh"), Decision::Deny { reason } if reason.contains("every tier"))
        );
        match d(Tier::Executor, "cmd:terraform apply -auto-approve") {
            Decision::NeedsApproval { tier, digest } => {
                assert_eq!(tier, Tier::Executor);
                assert_eq!(
                    digest,
                    approval_digest("a", "t", "cmd:terraform apply -auto-approve")
                );
                assert_ne!(digest, approval_digest("a", "t", "cmd:terraform apply"));
            }
            other => panic!("{other:?}"),
        }
        let forbidden = vec!["cmd:git *".to_string()];
        assert!(matches!(
            r.decide(Tier::Architect, "cmd:git status", &forbidden, &[], "a", "t"),
            Decision::Deny { .. }
        ));
        let scope = vec!["sandbox/*".to_string()];
        assert_eq!(
            r.decide(Tier::Builder, "write:sandbox/a", &[], &scope, "a", "t"),
            Decision::Allow
        );
        assert!(
            matches!(r.decide(Tier::Builder, "write:src/a", &[], &scope, "a", "t"), Decision::Deny { reason } if reason.contains("scope"))
        );
        assert!(matches!(
            d(Tier::Observer, "launch:rockets"),
            Decision::Deny { .. }
        ));
    }

    #[test]
    fn bad_rule_files_name_the_problem() {
        let broken = BUILT_IN.replace("name = \"builder\"", "name = \"wizard\"");
        assert_eq!(
            TierRules::parse("r", &broken).unwrap_err().field,
            "tier.t2.name"
        );
        let broken = BUILT_IN.replace("token_ttl = \"1h\"", "token_ttl = \"soon\"");
        assert_eq!(
            TierRules::parse("r", &broken).unwrap_err().field,
            "tier.t0.token_ttl"
        );
        let broken = BUILT_IN.replace("[promotion]", "[promotion]\nbogus = 1");
        assert!(
            TierRules::parse("r", &broken)
                .unwrap_err()
                .field
                .starts_with("line ")
        );
    }
}
