//! The bug log.
//!
//! Bugs live in the governance database beside the ledger, and every change
//! (log, update, claim) commits together with its ledger event (`bug.*`,
//! subject the bug's id) in one IMMEDIATE transaction: a bug never changes
//! without a record, and a bug's history is its ledger events. Ids are short
//! (`b42`); statuses follow open → in_progress → resolved → closed, plus
//! wontfix ([`Status::next`] names the legal moves); claims are atomic, so
//! when many agents race for one bug exactly one wins.

mod error;
mod model;
pub mod scan;
mod store;

pub use error::BugError;
pub use model::{Bug, BugId, Severity, Status};
pub use store::{Bugs, Changes, Counts, Hit, ListQuery, NewBug, Sort};
