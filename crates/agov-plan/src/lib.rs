//! Pipeline plans.
//!
//! [`plan::Plan`] is what a pipeline runs (its agents by role, GAMMA's
//! triggers, who votes), read from YAML or JSON and filled in from the
//! template marketplace. [`yaml`] reads a document into a tree that knows
//! the line and column of every value and refuses hostile input (anchors,
//! deep nesting, several documents). [`validate`] reports every problem of a
//! plan at once, each where it is. [`dsl`] reads the reference system's
//! `pipeline:` DSL as a staged plan. No backend is touched here: template
//! lookups come in as a function.

pub mod dsl;
mod error;
pub mod plan;
pub mod stage;
pub mod validate;
pub mod yaml;

pub use error::PlanError;
pub use plan::{Plan, Role};
pub use stage::{Stage, StageKind};
