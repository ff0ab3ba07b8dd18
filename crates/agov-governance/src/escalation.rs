//! Escalation rules: what a packet says to do when something happens, read
//! into conditions the governor watches for and actions it takes.
//!
//! A rule is agov's `{when, then}` or, as the reference writes them, the
//! rule in words (`"on a denied action, notify the operator"`). The
//! conditions: `error` (any error), `same_error` (an error seen before),
//! `budget_half_spent` (half the error budget gone), `denied` or `blocked`
//! (an action the agent asked for was refused). The actions: `notify` (an
//! `agent.escalation` event for the operator), `handoff` (a handoff left
//! now, the agent running on) and `request_tier` (a request for a higher
//! tier, for the operator to decide with `pipeline agents promote`). Each
//! rule fires at most once per run; a rule in words that names no known
//! condition and action is kept as written and reported at BOOTSTRAP.

use crate::packet::EscalationRule;

/// What a rule waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition {
    /// Any error.
    Error,
    /// An error whose key was seen before in the run.
    SameError,
    /// Half the packet's error budget is spent.
    BudgetHalfSpent,
    /// An action the agent asked for was refused.
    Denied,
}

/// What the governor does when a rule's condition happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// An `agent.escalation` event for the operator.
    Notify,
    /// A handoff left now; the agent runs on.
    Handoff,
    /// A request for a higher tier, for the operator to decide.
    RequestTier,
}

impl Condition {
    /// Its name in rules and events.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Error => "error",
            Condition::SameError => "same_error",
            Condition::BudgetHalfSpent => "budget_half_spent",
            Condition::Denied => "denied",
        }
    }
}

impl Action {
    /// Its name in rules and events.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Notify => "notify",
            Action::Handoff => "handoff",
            Action::RequestTier => "request_tier",
        }
    }
}

/// A rule the governor can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escalation {
    /// Its place in the packet's `escalation_rules`.
    pub index: usize,
    /// What it waits for.
    pub when: Condition,
    /// What to do then.
    pub then: Action,
    /// The rule as written.
    pub text: String,
}

/// The packet's rules read: those the governor acts on, and those (in
/// words) it could not read, as written.
pub fn read(rules: &[EscalationRule]) -> (Vec<Escalation>, Vec<String>) {
    let (mut known, mut unread) = (Vec::new(), Vec::new());
    for (index, rule) in rules.iter().enumerate() {
        let (when, then, text) = match rule {
            EscalationRule::Rule(r) => (
                condition(&r.when),
                action(&r.then),
                format!("when {}, {}", r.when, r.then),
            ),
            EscalationRule::Text(t) => (condition(t), action(t), t.clone()),
        };
        match (when, then) {
            (Some(when), Some(then)) => known.push(Escalation {
                index,
                when,
                then,
                text,
            }),
            _ => unread.push(text),
        }
    }
    (known, unread)
}

/// The condition `words` name, by name or in words.
fn condition(words: &str) -> Option<Condition> {
    let w = words.to_lowercase().replace(['-', ' '], "_");
    let has = |k: &str| w.contains(k);
    if has("half") && has("budget") {
        Some(Condition::BudgetHalfSpent)
    } else if has("denied") || has("refused") || has("blocked") {
        Some(Condition::Denied)
    } else if has("same_error") || has("repeat") {
        Some(Condition::SameError)
    } else if has("error") || has("fail") {
        Some(Condition::Error)
    } else {
        None
    }
}

/// The action `words` name, by name or in words.
fn action(words: &str) -> Option<Action> {
    let w = words.to_lowercase().replace(['-', ' '], "_");
    let has = |k: &str| w.contains(k);
    if has("handoff") || has("hand_off") {
        Some(Action::Handoff)
    } else if has("tier") || has("escalate") {
        Some(Action::RequestTier)
    } else if has("notify") || has("operator") || has("alert") || has("tell") {
        Some(Action::Notify)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Rule;

    #[test]
    fn rules_by_name_and_in_words_read_to_what_the_governor_does() {
        let rules = vec![
            EscalationRule::Rule(Rule {
                when: "blocked".into(),
                then: "handoff".into(),
            }),
            EscalationRule::Text("when half the error budget is spent, notify the operator".into()),
            EscalationRule::Text("on a repeated error, request a higher tier".into()),
            EscalationRule::Text("be kind".into()),
        ];
        let (known, unread) = read(&rules);
        let got: Vec<(usize, Condition, Action)> =
            known.iter().map(|e| (e.index, e.when, e.then)).collect();
        assert_eq!(
            got,
            [
                (0, Condition::Denied, Action::Handoff),
                (1, Condition::BudgetHalfSpent, Action::Notify),
                (2, Condition::SameError, Action::RequestTier),
            ]
        );
        assert_eq!(unread, ["be kind"]);
    }
}
