//! The audit ledger.
//!
//! Every action agov takes lands here as an [`Event`] in an append-only SQLite
//! table (triggers refuse UPDATE and DELETE). Each event's hash covers the
//! previous event's hash and a canonical encoding of its own fields
//! ([`chain`]), so changing, removing or reordering any row breaks every hash
//! after it; [`Ledger::verify`] walks the chain and names the first bad row.
//! A [`Seal`] kept outside the database (a file, or Vault KV) records the head
//! at a point in time, which also catches a rewrite of the whole chain;
//! [`Ledger::next_seal`] refuses to seal a chain that does not verify.
//! Token accessors are never stored: only their HMAC ([`HmacKey`], [`hmac`]).

pub mod chain;
mod error;
mod event;
pub mod hmac;
pub mod seal;
mod store;
pub mod trace;
mod verify;

pub use error::LedgerError;
pub use event::{Event, NewEvent, Query};
pub use hmac::HmacKey;
pub use seal::{NextSeal, Seal};
pub use store::{KeyLoader, Ledger, append_in};
pub use verify::{NO_SEAL, NO_TRIGGERS, Problem, VerifyReport};

use agov_sqlite::Migration;

/// Migrations of the governance database (`agov.db`), from
/// `schema/migrations/ledger/`. It holds the ledger and the records whose
/// every change must be ledgered in the same transaction (bugs, checkpoints, memory entries, agent trust state).
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_events.sql",
        sql: include_str!("../../../schema/migrations/ledger/0001_events.sql"),
    },
    Migration {
        version: 2,
        name: "0002_bugs.sql",
        sql: include_str!("../../../schema/migrations/ledger/0002_bugs.sql"),
    },
    Migration {
        version: 3,
        name: "0003_checkpoints.sql",
        sql: include_str!("../../../schema/migrations/ledger/0003_checkpoints.sql"),
    },
    Migration {
        version: 4,
        name: "0004_bugs_severity_order.sql",
        sql: include_str!("../../../schema/migrations/ledger/0004_bugs_severity_order.sql"),
    },
    Migration {
        version: 5,
        name: "0005_memory.sql",
        sql: include_str!("../../../schema/migrations/ledger/0005_memory.sql"),
    },
    Migration {
        version: 6,
        name: "0006_agents.sql",
        sql: include_str!("../../../schema/migrations/ledger/0006_agents.sql"),
    },
    Migration {
        version: 7,
        name: "0007_approvals.sql",
        sql: include_str!("../../../schema/migrations/ledger/0007_approvals.sql"),
    },
    Migration {
        version: 8,
        name: "0008_templates.sql",
        sql: include_str!("../../../schema/migrations/ledger/0008_templates.sql"),
    },
    Migration {
        version: 9,
        name: "0009_plans.sql",
        sql: include_str!("../../../schema/migrations/ledger/0009_plans.sql"),
    },
    Migration {
        version: 10,
        name: "0010_drop_unwritten.sql",
        sql: include_str!("../../../schema/migrations/ledger/0010_drop_unwritten.sql"),
    },
];
