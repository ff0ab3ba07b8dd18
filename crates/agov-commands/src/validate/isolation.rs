//! Phase 10, Multi-tenant isolation: what one tenant writes, another can
//! neither see nor change: runtime keys, ledger events and memory entries
//! (reading or removing another tenant's entry is denied, exit 3). Two
//! scratch tenants; their runtime keys and memory entries are removed.

use agov_config::Settings;
use agov_core::{Classify, FailureClass};
use agov_ledger::{NewEvent, Query};
use agov_memory::{Memory, MemoryId, NewEntry};
use agov_runtime::keys::Keyspace;

use super::Phase;
use crate::backends;

const ACTOR: &str = "agov:validate-phases";

pub(super) fn check(settings: &Settings, scratch: &str, phase: &mut Phase) {
    let other = format!("{scratch}-other");
    let Some(mut ledger) = super::existing_ledger(settings, phase) else {
        return;
    };
    match backends::runtime_store(settings) {
        Ok(store) => {
            let (mine, theirs) = (Keyspace::new(scratch), Keyspace::new(&other));
            let key = mine.agent("probe", "state");
            let seen = store
                .set(&key, b"mine", None)
                .and_then(|()| store.scan(theirs.prefix()))
                .map_err(|e| e.to_string())
                .and_then(|keys| match keys.is_empty() {
                    true => Ok(()),
                    false => Err(format!("another tenant's scan sees {keys:?}")),
                });
            phase.check("runtime keys are scoped by tenant", seen);
            let _ = store.del(&key);
        }
        Err(e) => phase.check("runtime store reachable", Err(e.message().to_string())),
    }
    let action = "validate.isolation-probe";
    let events = ledger
        .append(&NewEvent::new(scratch, ACTOR, action))
        .and_then(|_| {
            let q = |tenant: &str| Query {
                tenant: Some(tenant.to_string()),
                action: Some(action.to_string()),
                ..Query::default()
            };
            Ok((
                ledger.query(&q(scratch))?.len(),
                ledger.query(&q(&other))?.len(),
            ))
        })
        .map_err(|e| e.to_string())
        .and_then(|counts| match counts {
            (1, 0) => Ok(()),
            (mine, theirs) => Err(format!(
                "the tenant sees {mine} probe event(s), another tenant {theirs}"
            )),
        });
    phase.check("ledger queries see only the tenant's events", events);
    phase.check(
        "another tenant's memory entry is denied",
        memory(&mut ledger, scratch, &other),
    );
}

fn memory(ledger: &mut agov_ledger::Ledger, mine: &str, other: &str) -> Result<(), String> {
    let e = |e: agov_memory::MemoryError| e.to_string();
    let entry = {
        let mut m = Memory::open(ledger, mine, ACTOR).map_err(e)?;
        let new = NewEntry {
            title: "validate-phases isolation probe".into(),
            source: "validate-phases".into(),
            tags: Vec::new(),
        };
        m.log(&mut &b"probe"[..], &new, &mut |_| {}).map_err(e)?
    };
    let id: MemoryId = entry.id.parse()?;
    let denied = |what: &str, got: Result<(), agov_memory::MemoryError>| match got {
        Err(err) if err.class() == FailureClass::Denied => Ok(()),
        Err(err) => Err(format!(
            "{what} failed as {:?}, not denied: {err}",
            err.class()
        )),
        Ok(()) => Err(format!("{what} succeeded from another tenant")),
    };
    let result = (|| {
        let mut m = Memory::open(ledger, other, ACTOR).map_err(e)?;
        denied("reading", m.get(id).map(|_| ()))?;
        denied("removing", m.rm(id).map(|_| ()))
    })();
    let cleanup = Memory::open(ledger, mine, ACTOR)
        .and_then(|mut m| m.rm(id).map(|_| ()))
        .map_err(|err| format!("the probe entry could not be removed: {err}"));
    result.and(cleanup)
}
