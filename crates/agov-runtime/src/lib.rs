//! The runtime store: the shared, short-lived state of running agents and
//! pipelines (heartbeats, locks, counters, the blackboard, messages, events).
//!
//! [`RuntimeStore`] has Redis's data model — strings with TTL, atomic
//! counters, hashes, lists, owner-checked locks and streams — and two
//! implementations: [`RedisStore`] (Redis or DragonflyDB; conditional changes
//! are Lua scripts that touch only the keys they are given, as Dragonfly
//! requires) and [`EmbeddedStore`] (one SQLite file, each change one
//! IMMEDIATE transaction). Every write is an [`Op`]; [`RuntimeStore::batch`]
//! applies several at once so that no reader sees half of them.
//!
//! Each store prefixes every key with its namespace (`agov:` by default);
//! [`keys`] builds the documented keyspace, with the tenant in it.

mod embedded;
mod error;
pub mod keys;
mod op;
mod redis_store;
mod traced;

pub use embedded::EmbeddedStore;
pub use error::RuntimeError;
pub use op::{Op, Reply, StreamEntry, Ttl};
pub use redis_store::RedisStore;
pub use traced::traced;

use std::collections::BTreeMap;
use std::time::Duration;

pub use agov_core::time::RETENTION;

/// Redis's data model, on any backend.
pub trait RuntimeStore: Send + Sync {
    /// `redis` or `embedded`.
    fn backend(&self) -> &'static str;

    /// A number that changes when another process has written to the store
    /// since the last call (SQLite's `PRAGMA data_version`), for watchers
    /// that redraw on a change; `None` where the backend has none (Redis:
    /// watch a counter such as [`keys::Keyspace::changes`] instead).
    fn data_version(&self) -> Result<Option<i64>, RuntimeError> {
        Ok(None)
    }

    /// Tells whoever [`RuntimeStore::listen`]s on `channel` (a name in the
    /// keyspace, namespaced like a key) that something changed: Redis's
    /// PUBLISH. Nothing where the backend cannot push (embedded: readers
    /// look at [`RuntimeStore::data_version`]).
    fn publish(&self, channel: &str, message: &[u8]) -> Result<(), RuntimeError> {
        let _ = (channel, message);
        Ok(())
    }

    /// Waits for changes pushed by the backend and calls `heard` once
    /// subscribed and then at each, until `heard` returns false: messages [`RuntimeStore::publish`]ed on
    /// `channel`, and (where the server sends keyspace notifications,
    /// `notify-keyspace-events`) any write of a key starting with
    /// `key_prefix`. Uses a connection of its own. Returns `Ok(false)` at
    /// once where the backend cannot push (embedded), an error when the
    /// subscription fails or is lost (the caller polls instead).
    fn listen(
        &self,
        channel: &str,
        key_prefix: &str,
        heard: &mut dyn FnMut() -> bool,
    ) -> Result<bool, RuntimeError> {
        let _ = (channel, key_prefix, heard);
        Ok(false)
    }

    /// Applies one write.
    fn apply(&self, op: Op) -> Result<Reply, RuntimeError>;

    /// Applies several writes so that no reader sees only some of them.
    /// Replies come in the same order. (A command that fails inside a batch,
    /// such as a wrong type, does not undo the others on Redis: build
    /// batches from keys whose types you know.)
    fn batch(&self, ops: Vec<Op>) -> Result<Vec<Reply>, RuntimeError>;

    /// A string's value.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, RuntimeError>;

    /// A key's remaining life.
    fn ttl(&self, key: &str) -> Result<Ttl, RuntimeError>;

    /// One field of a hash.
    fn hget(&self, key: &str, field: &str) -> Result<Option<Vec<u8>>, RuntimeError>;

    /// A whole hash.
    fn hgetall(&self, key: &str) -> Result<BTreeMap<String, Vec<u8>>, RuntimeError>;

    /// List items `start..=stop`; negative indices count from the end (`0, -1` is all).
    fn lrange(&self, key: &str, start: i64, stop: i64) -> Result<Vec<Vec<u8>>, RuntimeError>;

    /// A list's length.
    fn llen(&self, key: &str) -> Result<u64, RuntimeError>;

    /// Stream entries after `after` (`0` for all), at most `count`; with
    /// `block`, waits up to that long for the first new entry.
    fn xread(
        &self,
        key: &str,
        after: &str,
        count: usize,
        block: Option<Duration>,
    ) -> Result<Vec<StreamEntry>, RuntimeError>;

    /// Live keys starting with `prefix` (without the store's namespace), sorted.
    fn scan(&self, prefix: &str) -> Result<Vec<String>, RuntimeError>;

    /// Sets a string, replacing any value of any type.
    fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), RuntimeError> {
        self.apply(Op::Set {
            key: key.into(),
            value: value.to_vec(),
            ttl,
        })
        .map(|_| ())
    }

    /// Sets a string only if the key does not exist; true if it was set.
    fn set_nx(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<bool, RuntimeError> {
        self.apply(Op::SetNx {
            key: key.into(),
            value: value.to_vec(),
            ttl,
        })?
        .bool()
    }

    /// Deletes a key of any type; true if it existed.
    fn del(&self, key: &str) -> Result<bool, RuntimeError> {
        self.apply(Op::Del { key: key.into() })?.bool()
    }

    /// Sets a key's expiry; true if the key exists.
    fn expire(&self, key: &str, ttl: Duration) -> Result<bool, RuntimeError> {
        self.apply(Op::Expire {
            key: key.into(),
            ttl,
        })?
        .bool()
    }

    /// Adds `by` to a counter (created at 0, with `ttl_on_create` if given); returns the new value.
    fn incr(
        &self,
        key: &str,
        by: i64,
        ttl_on_create: Option<Duration>,
    ) -> Result<i64, RuntimeError> {
        self.apply(Op::Incr {
            key: key.into(),
            by,
            ttl_on_create,
        })?
        .int()
    }

    /// Sets `key` to `value` only if its current value is `expected`
    /// (`None`: only if it does not exist); true if it was set.
    fn compare_and_set(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, RuntimeError> {
        self.apply(Op::CompareAndSet {
            key: key.into(),
            expected: expected.map(<[u8]>::to_vec),
            value: value.to_vec(),
            ttl,
        })?
        .bool()
    }

    /// Sets one field of a hash.
    fn hset(&self, key: &str, field: &str, value: &[u8]) -> Result<(), RuntimeError> {
        self.apply(Op::HSet {
            key: key.into(),
            field: field.into(),
            value: value.to_vec(),
        })
        .map(|_| ())
    }

    /// Deletes one field of a hash; true if it existed.
    fn hdel(&self, key: &str, field: &str) -> Result<bool, RuntimeError> {
        self.apply(Op::HDel {
            key: key.into(),
            field: field.into(),
        })?
        .bool()
    }

    /// Adds `by` to a hash field holding an integer; returns the new value.
    fn hincr(&self, key: &str, field: &str, by: i64) -> Result<i64, RuntimeError> {
        self.apply(Op::HIncr {
            key: key.into(),
            field: field.into(),
            by,
        })?
        .int()
    }

    /// Appends to a list; returns its new length.
    fn rpush(&self, key: &str, value: &[u8]) -> Result<u64, RuntimeError> {
        self.apply(Op::RPush {
            key: key.into(),
            value: value.to_vec(),
        })?
        .int()
        .map(|n| n as u64)
    }

    /// Takes the lock `key` for `owner` if nobody holds it; true if taken.
    fn lock_acquire(&self, key: &str, owner: &str, ttl: Duration) -> Result<bool, RuntimeError> {
        self.apply(Op::LockAcquire {
            key: key.into(),
            owner: owner.into(),
            ttl,
        })?
        .bool()
    }

    /// Extends the lock if `owner` holds it; false if it does not (any more).
    fn lock_extend(&self, key: &str, owner: &str, ttl: Duration) -> Result<bool, RuntimeError> {
        self.apply(Op::LockExtend {
            key: key.into(),
            owner: owner.into(),
            ttl,
        })?
        .bool()
    }

    /// Releases the lock if `owner` holds it; false otherwise.
    fn lock_release(&self, key: &str, owner: &str) -> Result<bool, RuntimeError> {
        self.apply(Op::LockRelease {
            key: key.into(),
            owner: owner.into(),
        })?
        .bool()
    }

    /// Who holds the lock, if anyone.
    fn lock_owner(&self, key: &str) -> Result<Option<String>, RuntimeError> {
        Ok(self
            .get(key)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// Appends an entry to a stream, keeping at most `max_len` entries; returns its id.
    fn xadd(
        &self,
        key: &str,
        fields: Vec<(String, Vec<u8>)>,
        max_len: Option<u64>,
    ) -> Result<String, RuntimeError> {
        self.apply(Op::XAdd {
            key: key.into(),
            fields,
            max_len,
        })?
        .id()
    }
}
