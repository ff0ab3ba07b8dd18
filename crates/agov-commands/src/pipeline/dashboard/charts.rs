//! The dashboard's small charts, from the tenant's pipelines alone (no
//! extra reads): pipelines started per hour, how long the settled ones took,
//! and the share of them that ended in an error, each as one line of text
//! bars that fits an 80-column terminal.

use agov_pipeline::{PipelineState, Status};
use serde::Serialize;

/// How many hours the per-hour charts cover (one bar each).
pub(crate) const HOURS: usize = 24;

/// How many of the newest settled pipelines the durations chart shows.
pub(crate) const DURATIONS: usize = 24;

/// The charts' data (`charts` in `pipeline dashboard --json`): the last 24
/// hours, one value an hour, oldest first; and the durations of the
/// newest settled pipelines.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub(crate) struct Charts {
    /// Pipelines started in each of the last 24 hours, oldest first.
    #[schemars(length(min = 24, max = 24))]
    pub started_per_hour: Vec<u64>,
    /// Seconds each of the newest settled pipelines took, oldest first.
    #[schemars(length(max = 24))]
    pub durations_s: Vec<u64>,
    /// Of the pipelines that settled in each of the last 24 hours, oldest
    /// first: how many ended FAILED or CONSENSUS_FAILED.
    #[schemars(length(min = 24, max = 24))]
    pub errors_per_hour: Vec<u64>,
    /// How many settled in each of those hours.
    #[schemars(length(min = 24, max = 24))]
    pub settled_per_hour: Vec<u64>,
}

/// The charts of `list` as of `now_us`.
pub(crate) fn gather(list: &[PipelineState], now_us: i64) -> Charts {
    let hour = 3_600_000_000_i64;
    let slot = |t: i64| {
        let ago = (now_us - t).max(0) / hour;
        (ago < HOURS as i64).then(|| HOURS - 1 - ago as usize)
    };
    let mut c = Charts {
        started_per_hour: vec![0; HOURS],
        errors_per_hour: vec![0; HOURS],
        settled_per_hour: vec![0; HOURS],
        durations_s: Vec::new(),
    };
    let mut settled: Vec<(i64, u64)> = Vec::new();
    for p in list {
        if let Some(i) = slot(p.created_us) {
            c.started_per_hour[i] += 1;
        }
        if !p.status.is_settled() {
            continue;
        }
        settled.push((
            p.updated_us,
            ((p.updated_us - p.created_us).max(0) / 1_000_000) as u64,
        ));
        if let Some(i) = slot(p.updated_us) {
            c.settled_per_hour[i] += 1;
            if matches!(p.status, Status::Failed | Status::ConsensusFailed) {
                c.errors_per_hour[i] += 1;
            }
        }
    }
    settled.sort_unstable();
    let from = settled.len().saturating_sub(DURATIONS);
    c.durations_s = settled[from..].iter().map(|(_, d)| *d).collect();
    c
}

/// `values` as a line of bars, `▁` (zero) to `█` (the largest).
pub(crate) fn bars(values: &[u64]) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if max == 0 || v == 0 {
                ' '
            } else {
                LEVELS[((v * 7).div_ceil(max)) as usize]
            }
        })
        .collect()
}

impl Charts {
    /// Three lines of text: label, bars, a summary; each within 80 columns.
    pub(crate) fn lines(&self) -> [String; 3] {
        let started: u64 = self.started_per_hour.iter().sum();
        let last = self.started_per_hour.last().copied().unwrap_or(0);
        let mut sorted = self.durations_s.clone();
        sorted.sort_unstable();
        let pct = |p: usize| {
            sorted
                .get((sorted.len().saturating_sub(1) * p) / 100)
                .copied()
                .map_or("-".to_string(), |s| super::ui::age(s as i64))
        };
        let errors: u64 = self.errors_per_hour.iter().sum();
        let ended: u64 = self.settled_per_hour.iter().sum();
        let rate: Vec<u64> = self
            .errors_per_hour
            .iter()
            .zip(&self.settled_per_hour)
            .map(|(e, s)| if *s == 0 { 0 } else { e * 100 / s })
            .collect();
        [
            format!(
                "started/h  {:<24} {started} in 24 h, {last} this hour",
                bars(&self.started_per_hour)
            ),
            format!(
                "durations  {:<24} last {}: p50 {} p95 {} max {}",
                bars(&self.durations_s),
                sorted.len(),
                pct(50),
                pct(95),
                sorted
                    .last()
                    .map_or("-".into(), |s| super::ui::age(*s as i64))
            ),
            format!(
                "errors %/h {:<24} {errors} of {ended} ended in error in 24 h",
                bars(&rate)
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_leave_zero_blank() {
        assert_eq!(bars(&[0, 1, 2, 4, 8]), " ▂▃▅█");
        assert_eq!(bars(&[0, 0]), "  ");
        assert_eq!(bars(&[]), "");
        assert_eq!(bars(&[5, 5]), "██");
    }
}
