//! Integration tests against the built binaries, with real services where
//! they need them. One test binary, one module per tool or concern.

mod actions;
mod agents;
mod assets;
mod backends;
mod bad_input;
mod bugs;
mod checkpoint;
mod common;
mod containment;
mod dashboard;
mod expiry;
mod faults;
mod isolation;
mod ledger;
mod ledger_vault;
mod logs;
mod memory;
mod metrics;
mod pipelines;
mod pipes;
mod plans;
mod readme;
mod report;
mod schemas;
mod screens;
mod security;
mod soak;
mod stages;
mod status;
mod templates;
mod tenants;
mod tenants_vault;
mod tracing;
mod validate;
