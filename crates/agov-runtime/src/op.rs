//! Writes as values, so one write and a batch of writes take the same path.

use std::time::Duration;

use crate::error::RuntimeError;

/// One write to the runtime store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Set a string (any old value of any type is replaced). Reply: `Ok`.
    Set {
        /// Key.
        key: String,
        /// Value.
        value: Vec<u8>,
        /// Expiry.
        ttl: Option<Duration>,
    },
    /// Set a string if the key does not exist. Reply: `Bool`.
    SetNx {
        /// Key.
        key: String,
        /// Value.
        value: Vec<u8>,
        /// Expiry.
        ttl: Option<Duration>,
    },
    /// Delete a key. Reply: `Bool` (existed).
    Del {
        /// Key.
        key: String,
    },
    /// Set a key's expiry. Reply: `Bool` (exists).
    Expire {
        /// Key.
        key: String,
        /// Expiry.
        ttl: Duration,
    },
    /// Add to a counter. Reply: `Int` (new value).
    Incr {
        /// Key.
        key: String,
        /// Amount.
        by: i64,
        /// Expiry given when the counter is created.
        ttl_on_create: Option<Duration>,
    },
    /// Set if the current value is `expected` (`None`: absent). Reply: `Bool`.
    CompareAndSet {
        /// Key.
        key: String,
        /// Required current value.
        expected: Option<Vec<u8>>,
        /// New value.
        value: Vec<u8>,
        /// Expiry of the new value.
        ttl: Option<Duration>,
    },
    /// Set a hash field. Reply: `Ok`.
    HSet {
        /// Key.
        key: String,
        /// Field.
        field: String,
        /// Value.
        value: Vec<u8>,
    },
    /// Delete a hash field. Reply: `Bool` (existed).
    HDel {
        /// Key.
        key: String,
        /// Field.
        field: String,
    },
    /// Add to an integer hash field. Reply: `Int`.
    HIncr {
        /// Key.
        key: String,
        /// Field.
        field: String,
        /// Amount.
        by: i64,
    },
    /// Append to a list. Reply: `Int` (new length).
    RPush {
        /// Key.
        key: String,
        /// Value.
        value: Vec<u8>,
    },
    /// Take a lock if free. Reply: `Bool`.
    LockAcquire {
        /// Lock key.
        key: String,
        /// Owner id.
        owner: String,
        /// How long the lock lives unless extended.
        ttl: Duration,
    },
    /// Extend a lock held by `owner`. Reply: `Bool`.
    LockExtend {
        /// Lock key.
        key: String,
        /// Owner id.
        owner: String,
        /// New life from now.
        ttl: Duration,
    },
    /// Release a lock held by `owner`. Reply: `Bool`.
    LockRelease {
        /// Lock key.
        key: String,
        /// Owner id.
        owner: String,
    },
    /// Set a string only while `owner` holds the lock `lock` (a lease-holder's
    /// write that a lapsed holder cannot make). Reply: `Bool` (written).
    SetIfLocked {
        /// Key.
        key: String,
        /// Value (no expiry).
        value: Vec<u8>,
        /// The lock that must be held.
        lock: String,
        /// Who must hold it.
        owner: String,
    },
    /// Append to a stream. Reply: `Id`.
    XAdd {
        /// Stream key.
        key: String,
        /// Field/value pairs.
        fields: Vec<(String, Vec<u8>)>,
        /// Keep at most this many entries.
        max_len: Option<u64>,
    },
}

impl Op {
    /// The op's name in spans (`set`, `lock_extend`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Op::Set { .. } => "set",
            Op::SetNx { .. } => "set_nx",
            Op::Del { .. } => "del",
            Op::Expire { .. } => "expire",
            Op::Incr { .. } => "incr",
            Op::CompareAndSet { .. } => "compare_and_set",
            Op::HSet { .. } => "hset",
            Op::HDel { .. } => "hdel",
            Op::HIncr { .. } => "hincr",
            Op::RPush { .. } => "rpush",
            Op::LockAcquire { .. } => "lock_acquire",
            Op::LockExtend { .. } => "lock_extend",
            Op::LockRelease { .. } => "lock_release",
            Op::SetIfLocked { .. } => "set_if_locked",
            Op::XAdd { .. } => "xadd",
        }
    }

    /// The same op on `namespace` + its key.
    pub fn prefixed(mut self, namespace: &str) -> Op {
        let key = self.key_mut();
        key.insert_str(0, namespace);
        if let Op::SetIfLocked { lock, .. } = &mut self {
            lock.insert_str(0, namespace);
        }
        self
    }

    /// The key the op writes.
    pub fn key(&self) -> &str {
        match self {
            Op::Set { key, .. }
            | Op::SetNx { key, .. }
            | Op::Del { key }
            | Op::Expire { key, .. }
            | Op::Incr { key, .. }
            | Op::CompareAndSet { key, .. }
            | Op::HSet { key, .. }
            | Op::HDel { key, .. }
            | Op::HIncr { key, .. }
            | Op::RPush { key, .. }
            | Op::LockAcquire { key, .. }
            | Op::LockExtend { key, .. }
            | Op::LockRelease { key, .. }
            | Op::SetIfLocked { key, .. }
            | Op::XAdd { key, .. } => key,
        }
    }

    fn key_mut(&mut self) -> &mut String {
        match self {
            Op::Set { key, .. }
            | Op::SetNx { key, .. }
            | Op::Del { key }
            | Op::Expire { key, .. }
            | Op::Incr { key, .. }
            | Op::CompareAndSet { key, .. }
            | Op::HSet { key, .. }
            | Op::HDel { key, .. }
            | Op::HIncr { key, .. }
            | Op::RPush { key, .. }
            | Op::LockAcquire { key, .. }
            | Op::LockExtend { key, .. }
            | Op::LockRelease { key, .. }
            | Op::SetIfLocked { key, .. }
            | Op::XAdd { key, .. } => key,
        }
    }
}

/// The answer to one [`Op`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Done.
    Ok,
    /// Yes or no.
    Bool(bool),
    /// A number.
    Int(i64),
    /// A stream entry id.
    Id(String),
}

impl Reply {
    /// The boolean answer.
    pub fn bool(self) -> Result<bool, RuntimeError> {
        match self {
            Reply::Bool(b) => Ok(b),
            other => Err(RuntimeError::Protocol(format!(
                "expected a yes/no answer, got {other:?}"
            ))),
        }
    }

    /// The integer answer.
    pub fn int(self) -> Result<i64, RuntimeError> {
        match self {
            Reply::Int(n) => Ok(n),
            other => Err(RuntimeError::Protocol(format!(
                "expected a number, got {other:?}"
            ))),
        }
    }

    /// The id answer.
    pub fn id(self) -> Result<String, RuntimeError> {
        match self {
            Reply::Id(s) => Ok(s),
            other => Err(RuntimeError::Protocol(format!(
                "expected an id, got {other:?}"
            ))),
        }
    }
}

/// A key's remaining life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ttl {
    /// No such key.
    Missing,
    /// The key never expires.
    Persistent,
    /// Time left.
    Expires(Duration),
}

/// One stream entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamEntry {
    /// `milliseconds-sequence`, increasing.
    pub id: String,
    /// Field/value pairs in the order given.
    pub fields: Vec<(String, Vec<u8>)>,
}

/// Parses a stream id `ms-seq` (or `ms`, or `0`).
pub(crate) fn parse_stream_id(id: &str) -> Result<(i64, i64), RuntimeError> {
    let bad = || RuntimeError::BadInput(format!("`{id}` is not a stream id (use 0 or MS-SEQ)"));
    let (ms, seq) = id.split_once('-').unwrap_or((id, "0"));
    Ok((
        ms.parse().map_err(|_| bad())?,
        seq.parse().map_err(|_| bad())?,
    ))
}
