//! The chain: how an event's hash is computed.
//!
//! `hash = SHA-256("agov-ledger/v1" ‖ prev_hash ‖ seq ‖ ts_us ‖ tenant ‖ actor ‖
//! action ‖ agent ‖ pipeline ‖ subject ‖ detail)`, where `seq` and `ts_us` are
//! 8-byte big-endian integers and every text field is an 8-byte big-endian
//! length followed by its UTF-8 bytes; an absent optional field is the length
//! `u64::MAX` with no bytes, so it differs from an empty one. The first
//! event's `prev_hash` is 32 zero bytes. The encoding is unambiguous, so no two
//! different events share the bytes that are hashed.

use sha2::{Digest, Sha256};

/// The previous hash of the first event.
pub const GENESIS: [u8; 32] = [0; 32];

const DOMAIN: &[u8] = b"agov-ledger/v1";

/// The fields of one event that the hash covers.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a> {
    /// Sequence number.
    pub seq: u64,
    /// Time in microseconds.
    pub ts_us: i64,
    /// Tenant.
    pub tenant: &'a str,
    /// Actor.
    pub actor: &'a str,
    /// Action.
    pub action: &'a str,
    /// Agent, if any.
    pub agent: Option<&'a str>,
    /// Pipeline, if any.
    pub pipeline: Option<&'a str>,
    /// Subject, if any.
    pub subject: Option<&'a str>,
    /// Detail JSON text, exactly as stored.
    pub detail: &'a str,
}

/// The hash of an event whose predecessor's hash is `prev`.
pub fn hash(prev: &[u8; 32], f: &Fields<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(prev);
    h.update(f.seq.to_be_bytes());
    h.update(f.ts_us.to_be_bytes());
    for text in [f.tenant, f.actor, f.action] {
        put(&mut h, Some(text));
    }
    for opt in [f.agent, f.pipeline, f.subject] {
        put(&mut h, opt);
    }
    put(&mut h, Some(f.detail));
    h.finalize().into()
}

fn put(h: &mut Sha256, field: Option<&str>) {
    match field {
        Some(s) => {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        None => h.update(u64::MAX.to_be_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Fields<'static> {
        Fields {
            seq: 1,
            ts_us: 5,
            tenant: "t",
            actor: "a",
            action: "x",
            agent: None,
            pipeline: None,
            subject: None,
            detail: "{}",
        }
    }

    #[test]
    fn absent_differs_from_empty_and_fields_do_not_run_together() {
        let a = base();
        let b = Fields {
            agent: Some(""),
            ..base()
        };
        assert_ne!(hash(&GENESIS, &a), hash(&GENESIS, &b));
        let c = Fields {
            tenant: "ta",
            actor: "",
            ..base()
        };
        let d = Fields {
            tenant: "t",
            actor: "a",
            ..base()
        };
        assert_ne!(hash(&GENESIS, &c), hash(&GENESIS, &d));
    }

    #[test]
    fn hash_depends_on_prev() {
        assert_ne!(hash(&GENESIS, &base()), hash(&[1; 32], &base()));
    }
}
