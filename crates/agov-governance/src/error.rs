//! Errors in documents agov reads: they name the field.

use agov_core::{Classify, FailureClass};

/// A document (packet, handoff, rules, protocol line) that is not valid.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {field}: {problem}")]
pub struct InputError {
    /// What was being read (`packet plan.json`, `tier rules`, …).
    pub what: String,
    /// The field, as a path (`constraints.forbidden[2]`), or `(document)`.
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

impl InputError {
    /// An error at `field`.
    pub fn new(
        what: impl Into<String>,
        field: impl Into<String>,
        problem: impl Into<String>,
    ) -> InputError {
        InputError {
            what: what.into(),
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// Reads `text` as JSON into `T`, naming the field that does not fit.
    pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
        what: &str,
        text: &str,
    ) -> Result<T, InputError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." || path.is_empty() {
                "(document)".to_string()
            } else {
                path
            };
            InputError::new(what, field, e.into_inner().to_string())
        })
    }
}

impl Classify for InputError {
    fn class(&self) -> FailureClass {
        FailureClass::Usage
    }

    fn hint(&self) -> Option<String> {
        Some("the JSON Schemas in schema/json/ describe every field".into())
    }
}
