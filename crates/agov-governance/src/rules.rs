//! Tier rules: which actions an agent of each tier may request, which need
//! a human approval, and when an agent is promoted. Loaded from
//! `policies/tiers.toml` (built in; a file of the same shape can replace it).
//!
//! Rules judge actions as [`crate::action`] parses them: a command by its
//! resolved program and every command it runs, a path as what it really
//! names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agov_core::Tier;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::action::{self, Check, Context, Parsed};
use crate::error::InputError;

/// The rules agov ships with.
pub const BUILT_IN: &str = include_str!("../../../policies/tiers.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    deny: Vec<String>,
    #[serde(default)]
    programs: Option<Vec<String>>,
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
    /// The trusted program folders: where a program a rule names by its
    /// bare name is looked up.
    pub programs: Vec<PathBuf>,
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
        let programs = match file.programs {
            Some(dirs) => {
                if let Some(d) = dirs.iter().find(|d| !d.starts_with('/')) {
                    return Err(InputError::new(
                        what,
                        "programs",
                        format!("`{d}` is not an absolute folder"),
                    ));
                }
                dirs.into_iter().map(PathBuf::from).collect()
            }
            None => action::DEFAULT_PROGRAM_DIRS
                .iter()
                .map(PathBuf::from)
                .collect(),
        };
        Ok(TierRules {
            deny: file.deny,
            programs,
            promotion: file.promotion,
            tiers,
        })
    }

    /// A tier's rules.
    pub fn tier(&self, tier: Tier) -> &TierRule {
        &self.tiers[usize::from(tier.number())]
    }

    /// Decides an action (`kind:target`) requested by `agent` on `task`
    /// running at `tier`, with the packet's `forbidden` patterns and `scope`,
    /// as seen from this process's working directory and PATH.
    pub fn decide(
        &self,
        tier: Tier,
        action: &str,
        forbidden: &[String],
        scope: &[String],
        agent: &str,
        task: &str,
    ) -> Decision {
        self.decide_in(
            &Context::current(),
            tier,
            action,
            forbidden,
            scope,
            agent,
            task,
        )
    }

    /// Decides an action (`kind:target`) as seen from `ctx` (the working
    /// directory and PATH of the process that will carry it out).
    #[allow(clippy::too_many_arguments)]
    pub fn decide_in(
        &self,
        ctx: &Context,
        tier: Tier,
        action: &str,
        forbidden: &[String],
        scope: &[String],
        agent: &str,
        task: &str,
    ) -> Decision {
        let parsed = self.parse_action(action, ctx);
        self.decide_parsed(tier, &parsed, forbidden, scope, agent, task)
    }

    /// Parses an action (`kind:target`) as seen from `ctx`.
    pub fn parse_action(&self, action: &str, ctx: &Context) -> Parsed {
        action::parse(action, ctx, &self.programs)
    }

    /// Parses a command given as argv as seen from `ctx`.
    pub fn parse_argv(&self, argv: &[String], ctx: &Context) -> Parsed {
        action::parse_argv(argv, ctx, &self.programs)
    }

    /// Decides a parsed action: every check it needs must be allowed, and
    /// it needs the highest tier any of them needs. `forbidden` and the
    /// deny list match every spelling of every check; `scope` the action's
    /// own. The approval digest covers the parsed action.
    pub fn decide_parsed(
        &self,
        tier: Tier,
        parsed: &Parsed,
        forbidden: &[String],
        scope: &[String],
        agent: &str,
        task: &str,
    ) -> Decision {
        for c in &parsed.checks {
            if let Some(p) = forbidden.iter().find(|p| denies(p, c)) {
                return Decision::Deny {
                    reason: format!("forbidden by the packet (`{p}`){}", via(c)),
                };
            }
        }
        for c in &parsed.checks {
            if let Some(p) = self.deny.iter().find(|p| denies(p, c)) {
                return Decision::Deny {
                    reason: format!("denied at every tier (`{p}`){}", via(c)),
                };
            }
        }
        if let Some(c) = parsed.checks.iter().find(|c| c.refused.is_some()) {
            return Decision::Deny {
                reason: format!(
                    "cannot be judged: {}{}",
                    c.refused.as_deref().unwrap_or_default(),
                    via(c)
                ),
            };
        }
        if !scope.is_empty()
            && let Some(top) = parsed.checks.first()
        {
            let in_scope = scope.iter().any(|p| {
                top.allow_forms().any(|f| {
                    let target = f.split_once(':').map_or(f, |(_, t)| t);
                    glob_match(p, target) || glob_match(p, f)
                })
            });
            if !in_scope {
                return Decision::Deny {
                    reason: format!("outside the packet's scope ({})", scope.join(", ")),
                };
            }
        }
        let mut needed: Option<&TierRule> = None;
        for c in &parsed.checks {
            if c.transparent && c.runs_code.is_none() {
                continue;
            }
            let lowest = self
                .tiers
                .iter()
                .find(|r| r.allow.iter().any(|p| allows(p, c)));
            let Some(r) = lowest else {
                return Decision::Deny {
                    reason: match (&c.runs_code, &c.program) {
                        (Some(why), Some(prog)) => {
                            format!("{why}, and no tier's rules name `{prog}`{}", via(c))
                        }
                        _ => format!(
                            "no tier's rules allow it{}{}",
                            c.note
                                .as_deref()
                                .map(|n| format!(" ({n})"))
                                .unwrap_or_default(),
                            via(c)
                        ),
                    },
                };
            };
            if r.tier > tier {
                let what = match (&c.runs_code, &c.note) {
                    (Some(why), _) | (None, Some(why)) => format!(" ({why})"),
                    (None, None) => String::new(),
                };
                return Decision::Deny {
                    reason: format!(
                        "needs tier {} ({}){what}{}; the agent runs at tier {}",
                        r.tier.number(),
                        r.tier.role(),
                        via(c),
                        tier.number()
                    ),
                };
            }
            if needed.is_none_or(|n| r.tier > n.tier) {
                needed = Some(r);
            }
        }
        match needed {
            Some(r) if r.approval => Decision::NeedsApproval {
                tier: r.tier,
                digest: approval_digest(agent, task, &parsed.action),
            },
            Some(_) => Decision::Allow,
            None => Decision::Deny {
                reason: "no tier's rules allow it".into(),
            },
        }
    }
}

/// Where a check came from, for a reason: ` in `cmd:sh -c x` (run by `find -exec`)`.
fn via(c: &Check) -> String {
    match (&c.via, &c.given) {
        (Some(v), _) => format!(" in `{}` (run by {v})", c.action),
        (None, Some(given)) => format!(" (`{given}` is `{}`)", c.action),
        (None, None) => String::new(),
    }
}

/// Whether a deny pattern (or a packet's `forbidden`) matches any spelling.
fn denies(p: &str, c: &Check) -> bool {
    let p = canonical_pattern(p);
    c.deny_forms().any(|f| glob_match(&p, f))
}

/// Whether an allow pattern allows a check. A check that runs code no rule
/// can read is allowed only by a rule granting its program whatever its
/// arguments (`cmd:sh *`, `cmd:/opt/x/bin/tool *`) or a blanket rule (`*`,
/// `cmd:*`): `cmd:cargo test*` does not allow `cargo test --config …`.
fn allows(p: &str, c: &Check) -> bool {
    let cp = canonical_pattern(p);
    if !c.allow_forms().any(|f| glob_match(&cp, f)) {
        return false;
    }
    if c.runs_code.is_none() || p == "*" || p == "cmd:*" {
        return true;
    }
    let Some(prog) = &c.program else { return false };
    let whole = |p: &str| {
        p.strip_prefix("cmd:")
            .and_then(|r| r.strip_suffix(" *"))
            .map(str::to_string)
    };
    let (Some(raw), Some(canon)) = (whole(p), whole(&cp)) else {
        return false;
    };
    !raw.contains(['*', '?', ' ']) && (raw == *prog || c.exe.as_deref() == Some(canon.as_str()))
}

/// A `cmd:` pattern whose program is an absolute path without a wildcard,
/// with that path canonicalised: a rule naming `/bin/ls` names the file
/// `/usr/bin/ls` is on a merged-/usr system.
fn canonical_pattern(p: &str) -> std::borrow::Cow<'_, str> {
    let Some(rest) = p.strip_prefix("cmd:/") else {
        return p.into();
    };
    let (prog, tail) = match rest.split_once(' ') {
        Some((prog, tail)) => (prog, Some(tail)),
        None => (rest, None),
    };
    if prog.contains(['*', '?']) {
        return p.into();
    }
    match std::fs::canonicalize(Path::new("/").join(prog)) {
        Ok(c) => match tail {
            Some(t) => format!("cmd:{} {t}", c.display()).into(),
            None => format!("cmd:{}", c.display()).into(),
        },
        Err(_) => p.into(),
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
