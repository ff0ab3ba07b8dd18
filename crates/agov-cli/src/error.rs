//! The error a command returns: what failed, why, and what to do next.

use agov_core::{Classify, FailureClass};

use crate::exit::Exit;

/// A command's failure, ready to print.
#[derive(Debug)]
pub struct CliError {
    class: FailureClass,
    message: String,
    hint: Option<String>,
    broken_pipe: bool,
}

impl CliError {
    /// A failure of the given class.
    pub fn new(class: FailureClass, message: impl Into<String>) -> CliError {
        CliError {
            class,
            message: message.into(),
            hint: None,
            broken_pipe: false,
        }
    }

    /// The user's input was wrong (exit 64).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::new(FailureClass::Usage, message)
    }

    /// A plain failure (exit 1).
    pub fn failed(message: impl Into<String>) -> CliError {
        CliError::new(FailureClass::Failed, message)
    }

    /// Adds or replaces the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    /// An I/O error while doing `what`. A broken pipe is marked so it exits quietly.
    pub fn io(what: &str, e: std::io::Error) -> CliError {
        let broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        // ENOSPC and EDQUOT read as what they are, like a database's full disk.
        if matches!(
            e.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        ) {
            return CliError {
                class: FailureClass::Failed,
                message: format!("{what}: the disk is full ({e})"),
                hint: Some("free space on that filesystem and run it again".into()),
                broken_pipe,
            };
        }
        CliError {
            class: FailureClass::Failed,
            message: format!("{what}: {e}"),
            hint: None,
            broken_pipe,
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The failure class.
    pub fn class(&self) -> FailureClass {
        self.class
    }

    /// The exit code for this failure.
    pub fn exit(&self) -> Exit {
        self.class.into()
    }

    /// A usage error clap found (exit 64): its first paragraph is the
    /// message, the rest (a tip, the usage line, `--help`) the hint, as
    /// plain text on one line each.
    pub fn from_clap(e: &clap::Error) -> CliError {
        let text = e.render().to_string();
        let mut paragraphs = text
            .split("\n\n")
            .map(|p| {
                p.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|p| !p.is_empty());
        let first = paragraphs.next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(&first).to_string();
        let rest: Vec<String> = paragraphs.collect();
        let err = CliError::usage(message);
        if rest.is_empty() {
            err
        } else {
            err.with_hint(rest.join("; "))
        }
    }

    /// The one-line JSON object `--json` prints on stderr
    /// (schema/json/error.schema.json).
    pub fn to_json(&self) -> String {
        let line = ErrorLine {
            error: ErrorBody {
                message: self.message.clone(),
                hint: self.hint.clone(),
                exit_code: self.exit() as u8,
            },
        };
        serde_json::to_string(&line).unwrap_or_default()
    }

    /// True when stdout was closed by the reader: not an error.
    pub fn is_broken_pipe(&self) -> bool {
        self.broken_pipe
    }
}

impl<E: Classify> From<E> for CliError {
    fn from(e: E) -> CliError {
        CliError {
            class: e.class(),
            message: e.to_string(),
            hint: e.hint(),
            broken_pipe: false,
        }
    }
}

/// What `--json` prints on stderr for an error: `schema/json/error.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "An error",
    description = "What every agov tool prints on stderr, as one line, when it fails with --json."
)]
pub struct ErrorLine {
    error: ErrorBody,
}

/// The error itself.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct ErrorBody {
    /// What went wrong.
    message: String,
    /// What to do about it.
    hint: Option<String>,
    /// The exit status the tool ends with.
    #[schemars(schema_with = "failure_codes")]
    exit_code: u8,
}

/// Every exit status but success.
fn failure_codes(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let codes: Vec<u8> = Exit::ALL
        .into_iter()
        .filter(|e| !matches!(e, Exit::Ok))
        .map(|e| e as u8)
        .collect();
    schemars::json_schema!({ "type": "integer", "enum": codes })
}
