//! The memory store: large content kept out of an agent's context.
//!
//! `memory log` streams content in with bounded memory ([`ingest`]): it is
//! cut into chunks on line boundaries by content ([`chunker`]), each chunk
//! compressed with zstd and kept once per tenant by its SHA-256 in the chunk
//! store (`agov.memory.db` beside the governance database). The entry (its
//! title, tags, summary and chunk list) and its `memory.log` ledger event
//! then commit together in the governance database, so an entry is visible
//! only when complete. Fetches are byte-exact (every chunk is checked
//! against its hash on the way out), by whole, chunk or line range; an
//! extractive [`Summary`] is made while logging. Search uses a contentless
//! FTS5 index over chunks, filled after the log (off its hot path) and
//! brought up to date before each search; snippets are cut in Rust.

pub mod chunker;
mod error;
mod ingest;
mod model;
mod notes;
mod store;

pub use error::MemoryError;
pub use model::{Entry, Line, MemoryId, Summary};
pub use store::{
    CHUNK_MIGRATIONS, Hit, IndexReport, ListQuery, Memory, NewEntry, ORPHAN_GRACE_US, Part,
    PruneReport, PruneRule, chunk_store_path, overview,
};
