//! What each key does: moving around (pipelines, agents, panes, the
//! filter, help), and the keys of the actions, which only open their
//! question ([`Prompt`]); an action is taken once the question is answered
//! with y.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::prompt::{Answer, Prompt};
use super::snapshot::Snapshot;
use super::ui::View;

/// What the loop does after a key.
#[derive(Debug, PartialEq)]
pub(crate) enum Outcome {
    /// Nothing to do.
    Nothing,
    /// Redraw.
    Redraw,
    /// Read the store again (another pipeline or filter), then redraw.
    Reread,
    /// Take this action (confirmed), then read the store again.
    Take(Action),
    /// Quit.
    Quit,
}

/// Handles key `k`; `filter` is the filter being typed.
pub(crate) fn key(k: KeyEvent, view: &mut View, snap: &Snapshot, filter: &mut String) -> Outcome {
    if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
        return Outcome::Quit;
    }
    if view.prompt.is_open() {
        return match view.prompt.key(k.code) {
            Answer::Asking => Outcome::Redraw,
            Answer::Cancelled => {
                view.message = Some("cancelled: nothing was done".into());
                Outcome::Redraw
            }
            Answer::Take(a) => Outcome::Take(a),
        };
    }
    if view.typing {
        match k.code {
            KeyCode::Enter => view.typing = false,
            KeyCode::Esc => {
                view.typing = false;
                filter.clear();
            }
            KeyCode::Backspace => {
                filter.pop();
            }
            KeyCode::Char(c) => filter.push(c),
            _ => {}
        }
        view.selected = 0;
        view.agent = 0;
        return Outcome::Reread;
    }
    view.message = None;
    let last = snap.pipelines.len().saturating_sub(1);
    let moved = |view: &mut View, to: usize| {
        view.selected = to;
        view.agent = 0;
        Outcome::Reread
    };
    match k.code {
        KeyCode::Char('q') => Outcome::Quit,
        KeyCode::Esc if view.help => {
            view.help = false;
            Outcome::Redraw
        }
        KeyCode::Esc => Outcome::Quit,
        KeyCode::Char('?') => {
            view.help = !view.help;
            Outcome::Redraw
        }
        KeyCode::Char('/') => {
            view.typing = true;
            Outcome::Redraw
        }
        KeyCode::Down | KeyCode::Char('j') => moved(view, (view.selected + 1).min(last)),
        KeyCode::Up | KeyCode::Char('k') => moved(view, view.selected.saturating_sub(1)),
        KeyCode::Home | KeyCode::Char('g') => moved(view, 0),
        KeyCode::End | KeyCode::Char('G') => moved(view, last),
        KeyCode::Right | KeyCode::Char('l') => {
            let agents = snap.selected.as_ref().map_or(0, |d| d.agents.len());
            view.agent = (view.agent + 1).min(agents.saturating_sub(1));
            Outcome::Redraw
        }
        KeyCode::Left | KeyCode::Char('h') => {
            view.agent = view.agent.saturating_sub(1);
            Outcome::Redraw
        }
        KeyCode::Tab => {
            view.pane = view.pane.next();
            Outcome::Redraw
        }
        KeyCode::Char(c @ ('f' | 'a' | 'd' | 'R' | 'x')) => {
            match ask(c, view, snap) {
                Ok(p) => view.prompt = p,
                Err(why) => view.message = Some(why),
            }
            Outcome::Redraw
        }
        _ => Outcome::Nothing,
    }
}

/// The question that action key `c` opens about the selected pipeline, or
/// why there is nothing to ask.
fn ask(c: char, view: &View, snap: &Snapshot) -> Result<Prompt, String> {
    let Some(d) = &snap.selected else {
        return Err("no pipeline is selected".into());
    };
    let id = d.id.clone();
    Ok(match c {
        'f' => Prompt::Fallback(id),
        'a' | 'd' => {
            let mut gates: Vec<Action> = d
                .gates
                .iter()
                .take(9)
                .map(|g| Action::Gate {
                    id: id.clone(),
                    stage: g.stage.clone(),
                    digest: g.digest.clone(),
                    approve: c == 'a',
                    reason: String::new(),
                })
                .collect();
            match gates.len() {
                0 => return Err(format!("no gate of {id} waits for a person")),
                // One gate: no need to ask which.
                1 => Prompt::ask(gates.remove(0)),
                _ => Prompt::Gate(gates),
            }
        }
        'R' => Prompt::ask(Action::RevokePipeline {
            id,
            reason: String::new(),
        }),
        _ => {
            let Some(a) = d.agents.get(view.agent).filter(|a| !a.agent_id.is_empty()) else {
                return Err(format!("no agent of {id} is selected (h, l select one)"));
            };
            Prompt::ask(Action::RevokeAgent {
                agent: a.agent_id.clone(),
                reason: String::new(),
            })
        }
    })
}
