//! The exit codes every agov binary returns. Scripts can rely on them.

use agov_core::FailureClass;

/// A process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// An error.
    Error = 1,
    /// The agents did not reach consensus.
    ConsensusFailed = 2,
    /// Governance refused: revoked, forbidden, budget spent, another tenant's data.
    Denied = 3,
    /// Bad flags, arguments, config or input (sysexits EX_USAGE).
    Usage = 64,
    /// A backend is unavailable (sysexits EX_UNAVAILABLE).
    Unavailable = 69,
}

impl Exit {
    /// Every exit code, in order.
    pub const ALL: [Exit; 6] = [
        Exit::Ok,
        Exit::Error,
        Exit::ConsensusFailed,
        Exit::Denied,
        Exit::Usage,
        Exit::Unavailable,
    ];

    /// What it tells a script, for the manual pages (docs/exit-codes.md).
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "Success (also when a reader closes the pipe).",
            Exit::Error => "An error: the error: and hint: lines say what and what to do.",
            Exit::ConsensusFailed => "The agents ran and did not reach consensus (pipelines).",
            Exit::Denied => {
                "Denied by governance: revoked, forbidden, budget spent, another tenant's data."
            }
            Exit::Usage => "Usage error: bad flags, arguments, config or input (EX_USAGE).",
            Exit::Unavailable => "A backend is unavailable: Vault or Redis (EX_UNAVAILABLE).",
        }
    }
}

impl From<FailureClass> for Exit {
    fn from(c: FailureClass) -> Exit {
        match c {
            FailureClass::Usage => Exit::Usage,
            FailureClass::Denied => Exit::Denied,
            FailureClass::Unavailable => Exit::Unavailable,
            FailureClass::ConsensusFailed => Exit::ConsensusFailed,
            FailureClass::NotFound | FailureClass::Failed => Exit::Error,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> std::process::ExitCode {
        std::process::ExitCode::from(e as u8)
    }
}
