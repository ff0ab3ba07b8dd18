//! The questions an action asks before it is taken: which fallback (1-5)
//! or which gate (when several wait), the reason (typed; a revocation
//! needs one), then y or n. Nothing is
//! done until `y`; any other key at the last question cancels.

use crossterm::event::KeyCode;

use super::action::{Action, FALLBACKS};

/// The question on screen, if any.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Prompt {
    /// No question: keys move around the dashboard.
    #[default]
    None,
    /// Which fallback for pipeline `id`.
    Fallback(String),
    /// Which of the waiting gates (each a gate action, by number).
    Gate(Vec<Action>),
    /// The reason for the action, being typed.
    Reason(Action),
    /// y takes the action; anything else cancels.
    Confirm(Action),
}

/// What a key did to the prompt.
#[derive(Debug, PartialEq)]
pub(crate) enum Answer {
    /// Still asking.
    Asking,
    /// The person said no (or Esc).
    Cancelled,
    /// The person said yes: take it.
    Take(Action),
}

impl Prompt {
    /// Asks about `action`: its reason first when it takes one.
    pub(crate) fn ask(mut action: Action) -> Prompt {
        if action.reason().is_some() {
            Prompt::Reason(action)
        } else {
            Prompt::Confirm(action)
        }
    }

    /// Whether a question is on screen.
    pub(crate) fn is_open(&self) -> bool {
        *self != Prompt::None
    }

    /// One key pressed while a question is on screen.
    pub(crate) fn key(&mut self, code: KeyCode) -> Answer {
        let now = std::mem::take(self);
        let (next, answer) = match (now, code) {
            (_, KeyCode::Esc) => (Prompt::None, Answer::Cancelled),
            (Prompt::Fallback(id), KeyCode::Char(c)) if ('1'..='5').contains(&c) => {
                let action = FALLBACKS[c as usize - '1' as usize];
                (Prompt::ask(Action::Fallback { id, action }), Answer::Asking)
            }
            (Prompt::Fallback(_), KeyCode::Char('n' | 'q')) => (Prompt::None, Answer::Cancelled),
            (Prompt::Gate(mut gates), KeyCode::Char(c))
                if c.is_ascii_digit()
                    && (1..=gates.len()).contains(&(c as usize - '0' as usize)) =>
            {
                let chosen = gates.swap_remove(c as usize - '1' as usize);
                (Prompt::ask(chosen), Answer::Asking)
            }
            (Prompt::Gate(_), KeyCode::Char('n' | 'q')) => (Prompt::None, Answer::Cancelled),
            (Prompt::Reason(mut a), code) => {
                if let Some((reason, needed)) = a.reason() {
                    match code {
                        KeyCode::Char(c) => reason.push(c),
                        KeyCode::Backspace => {
                            reason.pop();
                        }
                        KeyCode::Enter if !(needed && reason.trim().is_empty()) => {
                            return self.set(Prompt::Confirm(a), Answer::Asking);
                        }
                        _ => {}
                    }
                }
                (Prompt::Reason(a), Answer::Asking)
            }
            (Prompt::Confirm(a), KeyCode::Char('y' | 'Y')) => (Prompt::None, Answer::Take(a)),
            (Prompt::Confirm(_), _) => (Prompt::None, Answer::Cancelled),
            (other, _) => (other, Answer::Asking),
        };
        self.set(next, answer)
    }

    fn set(&mut self, next: Prompt, answer: Answer) -> Answer {
        *self = next;
        answer
    }

    /// The question's lines, for the overlay.
    pub(crate) fn lines(&self) -> Vec<String> {
        match self {
            Prompt::None => Vec::new(),
            Prompt::Fallback(id) => {
                let mut l = vec![format!("{id}: which fallback?")];
                l.extend(
                    FALLBACKS
                        .iter()
                        .enumerate()
                        .map(|(i, f)| format!("  {}  {}", i + 1, f.as_str())),
                );
                l.push("Esc cancels".into());
                l
            }
            Prompt::Gate(gates) => {
                let mut l = vec!["which gate?".to_string()];
                l.extend(gates.iter().enumerate().map(|(i, g)| match g {
                    Action::Gate { id, stage, .. } => format!("  {}  {stage} of {id}", i + 1),
                    _ => String::new(),
                }));
                l.push("Esc cancels".into());
                l
            }
            Prompt::Reason(a) => {
                let mut a = a.clone();
                let question = a.question();
                let (reason, needed) = a.reason().map(|(r, n)| (r.clone(), n)).unwrap_or_default();
                vec![
                    question,
                    String::new(),
                    format!(
                        "reason{}: {reason}▏",
                        if needed { "" } else { " (optional)" }
                    ),
                    "Enter to go on, Esc cancels".into(),
                ]
            }
            Prompt::Confirm(a) => vec![a.question(), String::new(), "y: yes · n: no".into()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agov_pipeline::control::Fallback;

    #[test]
    fn a_fallback_is_chosen_by_number_and_taken_only_on_y() {
        let mut p = Prompt::Fallback("p-1".into());
        assert_eq!(p.key(KeyCode::Char('1')), Answer::Asking);
        let want = Action::Fallback {
            id: "p-1".into(),
            action: Fallback::RerunSame,
        };
        assert_eq!(p, Prompt::Confirm(want.clone()));
        assert_eq!(p.key(KeyCode::Char('y')), Answer::Take(want));
        assert!(!p.is_open());

        let mut p = Prompt::Fallback("p-1".into());
        p.key(KeyCode::Char('4'));
        assert_eq!(p.key(KeyCode::Char('x')), Answer::Cancelled);
        assert!(!p.is_open());
    }

    #[test]
    fn with_several_gates_waiting_the_one_decided_is_chosen_by_number() {
        let gate = |stage: &str| Action::Gate {
            id: "p-1".into(),
            stage: stage.into(),
            digest: format!("d-{stage}"),
            approve: true,
            reason: String::new(),
        };
        let mut p = Prompt::Gate(vec![gate("review"), gate("security")]);
        assert_eq!(p.key(KeyCode::Char('3')), Answer::Asking, "no third gate");
        assert_eq!(p, Prompt::Gate(vec![gate("review"), gate("security")]));
        p.key(KeyCode::Char('2'));
        // The reason (optional for a gate), then y.
        p.key(KeyCode::Enter);
        assert_eq!(p.key(KeyCode::Char('y')), Answer::Take(gate("security")));
    }

    #[test]
    fn a_revocation_needs_a_reason_before_its_question() {
        let mut p = Prompt::ask(Action::RevokePipeline {
            id: "p-1".into(),
            reason: String::new(),
        });
        // Enter without a reason stays.
        assert_eq!(p.key(KeyCode::Enter), Answer::Asking);
        assert!(matches!(p, Prompt::Reason(_)));
        for c in "bad".chars() {
            p.key(KeyCode::Char(c));
        }
        p.key(KeyCode::Enter);
        assert!(matches!(p, Prompt::Confirm(_)));
        assert_eq!(
            p.key(KeyCode::Char('y')),
            Answer::Take(Action::RevokePipeline {
                id: "p-1".into(),
                reason: "bad".into()
            })
        );
        let mut p = Prompt::ask(Action::RevokeAgent {
            agent: "a".into(),
            reason: String::new(),
        });
        assert_eq!(p.key(KeyCode::Esc), Answer::Cancelled);
    }
}
