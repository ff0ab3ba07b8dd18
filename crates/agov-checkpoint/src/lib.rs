//! Checkpoints: what a reader needs to resume after losing their context.
//!
//! A [`Snapshot`] records the working directory and its git state, the bug
//! log, the swept STATUS.md files, what the runtime store holds about agents
//! and pipelines, and the latest ledger activity. [`Checkpoints`] stores
//! snapshots beside the ledger, each with the ledger head at the time, so
//! [`since`] can summarise everything that happened afterwards from the
//! ledger itself. Pruning removes snapshots only; the ledger still verifies.

mod diff;
mod error;
mod since;
mod snapshot;
mod store;

pub use diff::{Diff, diff};
pub use error::CheckpointError;
pub use since::{GROUPS, Item, Since, describe, since};
pub use snapshot::{
    BugBrief, BugsPart, DirBrief, Git, MemoryBrief, MemoryPart, RuntimeEntry, RuntimePart,
    Snapshot, StatusPart, Workdir,
};
pub use store::{Checkpoint, CheckpointId, Checkpoints, Summary};
