//! Phase 7, Monitoring: the metrics render from the configured backends and
//! are well-formed Prometheus text.

use agov_config::Settings;

use super::Phase;
use crate::pipeline::metrics::{check_exposition, render};

pub(super) fn check(settings: &Settings, scratch: &str, phase: &mut Phase) {
    let Some(ledger) = super::existing_ledger(settings, phase) else {
        return;
    };
    let rendered = (|| -> Result<String, String> {
        let store =
            crate::backends::runtime_store(settings).map_err(|e| e.message().to_string())?;
        let rules = agov_governance::rules::TierRules::built_in();
        let samples = agov_cli::latency::read(&settings.data_dir.value);
        render(store.as_ref(), &ledger, &rules, scratch, &samples)
            .map_err(|e| e.message().to_string())
    })();
    match rendered {
        Ok(text) => {
            phase.check("metrics render", Ok(()));
            phase.check(
                "metrics are well-formed Prometheus text",
                check_exposition(&text).and_then(|n| {
                    if n == 0 {
                        Err("no samples".into())
                    } else {
                        Ok(())
                    }
                }),
            );
        }
        Err(e) => phase.check("metrics render", Err(e)),
    }
}
