//! The per-directory STATUS.md protocol.
//!
//! A STATUS.md is Markdown a person can read and edit, with a small front
//! matter that tools read:
//!
//! ```markdown
//! ---
//! phase: in_progress
//! updated: 2026-11-22T10:00:00Z
//! owner: alice
//! ---
//! # Parser rewrite
//!
//! ## Tasks
//! - [x] tokenizer
//! - [ ] error recovery
//!
//! ## Notes
//! - 2026-11-22T10:00:00Z: waiting on the grammar review
//! ```
//!
//! `phase` is one of not_started, in_progress, blocked, complete. Unknown
//! front-matter keys and every line of the body are kept exactly as written:
//! [`StatusFile`] edits only the lines it must. [`sweep`] walks a tree
//! (honouring .gitignore, never following symlinks) and reports every
//! directory's status.

mod file;
mod sweep;

pub use file::{FILE_NAME, Phase, StatusFile, Task};
pub use sweep::{DirStatus, Sweep, SweepOptions, read_dir_status, sweep};
