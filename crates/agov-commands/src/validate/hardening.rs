//! Phase 8, Production hardening: a lock expires and frees its holder's
//! work for another, a lapsed lease holder can no longer write, and a
//! backend that is down is reported as unavailable (exit 69), not as a
//! failure of the command.

use std::time::Duration;

use agov_config::Settings;
use agov_core::{Classify, FailureClass};
use agov_runtime::keys::Keyspace;
use agov_runtime::{Op, RuntimeStore};

use super::Phase;
use crate::backends;

/// How long the probe locks live: long enough to be held, short enough to wait out.
const PROBE_TTL: Duration = Duration::from_millis(150);

pub(super) fn check(settings: &Settings, scratch: &str, phase: &mut Phase) {
    // An installation that was never set up is reported, not created.
    if super::existing_ledger(settings, phase).is_none() {
        return;
    }
    match backends::runtime_store(settings) {
        Ok(store) => {
            let keys = Keyspace::new(scratch);
            phase.check(
                "an expired lock can be taken over",
                lock_expiry(store.as_ref(), &keys),
            );
            phase.check(
                "a lapsed lease holder cannot write",
                lease_takeover(store.as_ref(), &keys),
            );
            phase.check(
                "scratch keys removed",
                super::remove_scratch_keys(store.as_ref(), scratch),
            );
        }
        Err(e) => phase.check("runtime store reachable", Err(e.message().to_string())),
    }
    phase.check(
        "a Redis that is down is reported as exit 69",
        redis_outage(),
    );
    if let Some(vault) = &settings.vault {
        phase.check(
            "a Vault that is down is reported as exit 69",
            vault_outage(vault),
        );
    } else {
        phase.not_checked(
            "a Vault that is down is reported as exit 69",
            "Vault is not configured",
        );
    }
}

fn lock_expiry(store: &dyn RuntimeStore, keys: &Keyspace) -> Result<(), String> {
    let lock = keys.agent("validate-probe", "lock");
    let e = |e: agov_runtime::RuntimeError| e.to_string();
    if !store.lock_acquire(&lock, "first", PROBE_TTL).map_err(e)? {
        return Err("a free lock could not be taken".into());
    }
    if store.lock_acquire(&lock, "second", PROBE_TTL).map_err(e)? {
        return Err("a held lock was taken by another owner".into());
    }
    std::thread::sleep(PROBE_TTL + Duration::from_millis(50));
    if !store.lock_acquire(&lock, "second", PROBE_TTL).map_err(e)? {
        return Err("the lock was still held 50 ms after its TTL".into());
    }
    if store.lock_release(&lock, "first").map_err(e)? {
        return Err("the lapsed owner released its successor's lock".into());
    }
    store.lock_release(&lock, "second").map_err(e)?;
    Ok(())
}

/// The pipeline driver's guarantee: state writes go through `SetIfLocked`
/// on the lease, so a driver whose lease lapsed cannot overwrite its successor's.
fn lease_takeover(store: &dyn RuntimeStore, keys: &Keyspace) -> Result<(), String> {
    let lease = keys.pipeline("validate-probe", "lease");
    let state = keys.pipeline("validate-probe", "state");
    let e = |e: agov_runtime::RuntimeError| e.to_string();
    let write = |owner: &str, value: &str| -> Result<bool, String> {
        store
            .apply(Op::SetIfLocked {
                key: state.clone(),
                value: value.as_bytes().to_vec(),
                lock: lease.clone(),
                owner: owner.to_string(),
            })
            .and_then(agov_runtime::Reply::bool)
            .map_err(e)
    };
    store
        .lock_acquire(&lease, "driver-1", PROBE_TTL)
        .map_err(e)?;
    if !write("driver-1", "one")? {
        return Err("the lease holder could not write".into());
    }
    std::thread::sleep(PROBE_TTL + Duration::from_millis(50));
    if !store
        .lock_acquire(&lease, "driver-2", PROBE_TTL * 4)
        .map_err(e)?
    {
        return Err("the lapsed lease could not be taken over".into());
    }
    if write("driver-1", "stale")? {
        return Err("the lapsed holder overwrote its successor's state".into());
    }
    match store.get(&state).map_err(e)? {
        Some(v) if v == b"one" => Ok(()),
        other => Err(format!(
            "the state is {other:?}, not the holder's last write"
        )),
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn expect_unavailable(what: &str, class: Option<FailureClass>) -> Result<(), String> {
    match class {
        Some(FailureClass::Unavailable) => Ok(()),
        Some(other) => Err(format!("{what} was reported as {other:?}, not unavailable")),
        None => Err(format!("{what} answered although nothing listens there")),
    }
}

fn redis_outage() -> Result<(), String> {
    let url = format!("redis://127.0.0.1:{}/", closed_port()?);
    let got = agov_runtime::RedisStore::connect(&url, None, "probe:");
    expect_unavailable("a Redis that is down", got.err().map(|e| e.class()))
}

fn vault_outage(configured: &agov_config::VaultSettings) -> Result<(), String> {
    let mut down = configured.clone();
    down.addr.value = format!("http://127.0.0.1:{}", closed_port()?);
    let got = agov_vault::Vault::connect(&down).and_then(|v| v.health());
    expect_unavailable("a Vault that is down", got.err().map(|e| e.class()))
}
