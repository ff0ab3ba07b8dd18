//! Phase 5, Bootstrap & checkpointing: a checkpoint round trip in a scratch tenant.

use agov_checkpoint::{Checkpoints, Snapshot};
use agov_config::Settings;

use super::Phase;

pub(super) fn check(settings: &Settings, scratch: &str, phase: &mut Phase) {
    let Some(mut ledger) = super::existing_ledger(settings, phase) else {
        return;
    };
    let mut cps = Checkpoints::new(&mut ledger, scratch, "agov:validate-phases");
    let mut snapshot = Snapshot::default();
    snapshot.bugs.active = 7;
    let round_trip = cps
        .create("validate-phases probe", &snapshot)
        .map_err(|e| e.to_string())
        .and_then(|made| {
            let loaded = cps
                .latest()
                .map_err(|e| e.to_string())?
                .ok_or("the checkpoint just taken is not the latest")?;
            if loaded != made || loaded.snapshot.bugs.active != 7 {
                return Err("the checkpoint read back differs from the one taken".into());
            }
            let since = agov_checkpoint::since(cps.ledger(), scratch, loaded.summary.head_seq, 10)
                .map_err(|e| e.to_string())?;
            if since.events != 0 {
                return Err(format!(
                    "{} unexpected events after a fresh checkpoint",
                    since.events
                ));
            }
            Ok(())
        });
    phase.check("checkpoint now / load round trip", round_trip);
    phase.check(
        "scratch checkpoints removed",
        cps.prune(Some(0), None)
            .map_err(|e| e.to_string())
            .and_then(|_| match cps.latest() {
                Ok(None) => Ok(()),
                Ok(Some(c)) => Err(format!("{} is still there", c.summary.id)),
                Err(e) => Err(e.to_string()),
            }),
    );
}
