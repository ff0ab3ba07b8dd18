//! Phase 1, Foundation: configuration, the ledger schema, the chain.

use agov_cli::CliError;
use agov_config::Settings;
use agov_ledger::Ledger;

use super::Phase;
use crate::backends::SealStore;

/// Creates the ledger (and its schema) if missing.
pub(super) fn apply(settings: &Settings) -> Result<Vec<String>, CliError> {
    let path = &settings.ledger_path.value;
    let existed = path.exists();
    Ledger::open(path, true)?;
    Ok(if existed {
        Vec::new()
    } else {
        vec![format!("created the ledger at {}", path.display())]
    })
}

pub(super) fn check(settings: &Settings, phase: &mut Phase) {
    phase.check("configuration resolves", Ok(()));
    let Some(ledger) = super::existing_ledger(settings, phase) else {
        return;
    };
    phase.check("ledger opens", Ok(()));
    let version: Result<u32, String> = ledger
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| e.to_string());
    let latest = agov_ledger::MIGRATIONS.last().map_or(0, |m| m.version);
    phase.check(
        "ledger schema is current",
        version.and_then(|v| {
            if v == latest {
                Ok(())
            } else {
                Err(format!("schema version {v}, expected {latest}"))
            }
        }),
    );
    let triggers: Result<i64, String> = ledger
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('events_no_update', 'events_no_delete')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string());
    phase.check(
        "ledger is append-only (UPDATE and DELETE triggers)",
        triggers.and_then(|n| {
            if n == 2 {
                Ok(())
            } else {
                Err(format!(
                    "{n} of 2 triggers present: the ledger can be edited"
                ))
            }
        }),
    );
    let genesis = ledger.genesis().ok().flatten();
    let seals = SealStore::configured(settings)
        .and_then(|s| s.load_for(genesis.as_deref()))
        .map_err(|e| e.message().to_string());
    let verified =
        seals.and_then(|seals| ledger.verify(&seals, |_, _| {}).map_err(|e| e.to_string()));
    phase.check(
        "hash chain and seals verify",
        verified.and_then(|r| match r.problem {
            None => Ok(()),
            Some(p) => Err(format!("event #{}: {}", p.seq, p.reason)),
        }),
    );
}
