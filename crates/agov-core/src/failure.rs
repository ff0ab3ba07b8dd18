//! Failure classes: what kind of failure an error is, which decides the exit
//! code a binary returns and the tone of its hint.

/// The kind of a failure, independent of the crate that produced it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureClass {
    /// The caller asked for something malformed: bad flags, a bad config file, bad input.
    Usage,
    /// The thing asked for does not exist (an unknown id, an empty ledger).
    NotFound,
    /// Governance said no: a revoked or unknown token, a forbidden action, a spent budget.
    Denied,
    /// A backend could not be reached or is not serving (Vault sealed, Redis down).
    Unavailable,
    /// The agents did not reach consensus.
    ConsensusFailed,
    /// Anything else that went wrong.
    Failed,
}

/// Implemented by every library error so that the command line can choose an
/// exit code and print a hint without knowing the error's type.
pub trait Classify: std::error::Error {
    /// What kind of failure this is.
    fn class(&self) -> FailureClass;

    /// What the user can do about it, when there is something to say.
    fn hint(&self) -> Option<String> {
        None
    }
}

/// An error and its sources as one line (`a: b: c`), each cause once.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cur = c.source();
    }
    s
}
