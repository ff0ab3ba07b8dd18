//! The agent-template marketplace.
//!
//! A template is a reusable agent: its role, driver, prompt or command, tier,
//! required artifacts, description and tags ([`Template`], read from YAML or
//! JSON and described by `schema/json/template.schema.json`). The registry
//! ([`Templates`]) keeps them per tenant in the governance database with an
//! FTS5 index, and ledgers every add and remove in the same transaction.
//! Plans name a template as `NAME@VERSION` (or `NAME` for the newest).

pub mod error;
pub mod model;
pub mod store;

pub use error::TemplateError;
pub use model::{Reference, Template, Version};
pub use store::{Hit, Installed, Stored, Templates};
