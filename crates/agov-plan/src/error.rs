//! What can go wrong reading a plan.

use agov_core::{Classify, FailureClass};

/// A plan error.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The plan is invalid.
    #[error("{what} is invalid: {detail}")]
    BadPlan {
        /// Which plan (`plan examples/plans/x.yaml`).
        what: String,
        /// What is wrong, with the field.
        detail: String,
    },
    /// Looking a template up failed (not: the template is unknown).
    #[error(transparent)]
    Lookup(#[from] agov_templates::TemplateError),
}

impl Classify for PlanError {
    fn class(&self) -> FailureClass {
        match self {
            PlanError::BadPlan { .. } => FailureClass::Usage,
            PlanError::Lookup(e) => e.class(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            PlanError::BadPlan { .. } => Some(
                "`pipeline validate FILE` shows every problem; schema/json/plan.schema.json describes plans; examples/plans/ has working ones".into(),
            ),
            PlanError::Lookup(e) => e.hint(),
        }
    }
}
