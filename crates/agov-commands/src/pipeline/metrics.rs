//! `pipeline metrics`: Prometheus text exposition, without a server.
//!
//! Print it for a scrape by hand, or write it with `--output` (atomically)
//! into node_exporter's textfile-collector folder from cron.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use agov_agent::records;
use agov_cli::{CliError, Ctx, latency};
use agov_config::Settings;
use agov_runtime::keys::Keyspace;

use super::Backends;

/// Print metrics in the Prometheus text format (agents by tier and phase, revocations, violations, budgets, token TTLs, ledger size)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Write them to this file atomically instead (for node_exporter's textfile collector; name it *.prom)
    #[arg(long, value_name = "PATH")]
    output: Option<PathBuf>,
}

/// Builds the exposition: one `# HELP`/`# TYPE` per family, then its samples.
#[derive(Default)]
struct Exposition {
    text: String,
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Samples, each with the metric name it is written under.
type Named<'a> = [(&'a str, Vec<(&'a str, String)>, f64)];

impl Exposition {
    fn header(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, String)], value: f64) {
        let labels = if labels.is_empty() {
            String::new()
        } else {
            let parts: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            format!("{{{}}}", parts.join(","))
        };
        let _ = writeln!(self.text, "{name}{labels} {value}");
    }

    fn family(
        &mut self,
        name: &str,
        kind: &str,
        help: &str,
        samples: &[(Vec<(&str, String)>, f64)],
    ) {
        self.header(name, kind, help);
        for (labels, value) in samples {
            self.sample(name, labels, *value);
        }
    }

    /// A histogram: its `_bucket`, `_sum` and `_count` samples under one header.
    fn histogram(&mut self, name: &str, help: &str, samples: &Named<'_>) {
        self.header(name, "histogram", help);
        for (series, labels, value) in samples {
            self.sample(series, labels, *value);
        }
    }
}

/// `--metrics-file`, for the commands that run for a while.
#[derive(Debug, Default, clap::Args)]
pub(super) struct FileArg {
    /// Keep Prometheus metrics in this file while running (rewritten atomically
    /// every 10 s and at the end; for node_exporter's textfile collector)
    #[arg(long, value_name = "PATH")]
    pub(super) metrics_file: Option<PathBuf>,
}

/// How often a long-running command rewrites its `--metrics-file`.
const TEXTFILE_EVERY: Duration = Duration::from_secs(10);

/// Keeps a `--metrics-file` up to date while a long-running command works:
/// written at once (so a bad path fails the command before it starts), every
/// [`TEXTFILE_EVERY`] from a thread of its own, and a last time when dropped.
pub(crate) struct Textfile {
    stop: Option<mpsc::Sender<()>>,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Textfile {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// The metrics of the configured tenant, with the recent command latencies.
fn render_configured(
    store: &dyn agov_runtime::RuntimeStore,
    ledger: &agov_ledger::Ledger,
    settings: &Settings,
) -> Result<String, CliError> {
    let samples = latency::read(&settings.data_dir.value);
    let rules = agov_governance::rules::TierRules::built_in();
    render(store, ledger, &rules, &settings.tenant.value, &samples)
}

/// Per pipeline (those the runtime store still holds) and agent: how long
/// it ran, and what its agents did (from the ledger). Sum over `agent` for
/// a pipeline's totals.
fn pipeline_families(
    x: &mut Exposition,
    ledger: &agov_ledger::Ledger,
    tenant: &str,
    pipelines: &[agov_pipeline::state::PipelineState],
    now: i64,
) -> Result<(), CliError> {
    let t = || ("tenant", tenant.to_string());
    let durations: Vec<_> = pipelines
        .iter()
        .map(|p| {
            let end = if p.status.is_settled() {
                p.updated_us
            } else {
                now
            };
            let labels = vec![
                t(),
                ("pipeline", p.id.clone()),
                ("state", p.status.as_str().to_string()),
            ];
            (labels, (end - p.created_us).max(0) as f64 / 1e6)
        })
        .collect();
    x.family(
        "agov_pipeline_duration_seconds",
        "gauge",
        "How long each pipeline ran (so far, while it runs).",
        &durations,
    );
    let held: std::collections::BTreeSet<&str> = pipelines.iter().map(|p| p.id.as_str()).collect();
    let activity: Vec<_> = agov_pipeline::activity::per_agent(ledger, tenant)?
        .into_iter()
        .filter(|a| held.contains(a.pipeline.as_str()))
        .collect();
    let per =
        |f: fn(&agov_pipeline::activity::Activity) -> u64| -> Vec<(Vec<(&str, String)>, f64)> {
            activity
                .iter()
                .map(|a| {
                    let labels = vec![
                        t(),
                        ("pipeline", a.pipeline.clone()),
                        ("agent", a.agent.clone()),
                    ];
                    (labels, f(a) as f64)
                })
                .collect()
        };
    for (name, help, f) in [
        (
            "agov_pipeline_messages_total",
            "Messages each agent of a pipeline sent.",
            (|a| a.messages) as fn(&agov_pipeline::activity::Activity) -> u64,
        ),
        (
            "agov_pipeline_blackboard_ops_total",
            "Blackboard writes (posts and votes) by each agent of a pipeline.",
            |a| a.board_ops,
        ),
        (
            "agov_pipeline_llm_calls_total",
            "Model calls (retries included) by each agent of a pipeline.",
            |a| a.llm_calls,
        ),
        (
            "agov_pipeline_llm_tokens_total",
            "Tokens used by those calls, as the API reported them.",
            |a| a.llm_tokens,
        ),
    ] {
        x.family(name, "counter", help, &per(f));
    }
    Ok(())
}

/// Writes `text` to `path` atomically (a scraper never reads half a file).
fn write_file(path: &Path, text: &str) -> Result<(), CliError> {
    agov_core::fsutil::write_atomic(path, text.as_bytes(), 0o644)
        .map_err(|e| CliError::io(&format!("cannot write {}", path.display()), e))
}

/// Writes the metrics of the configured backends to `path`, atomically.
pub(crate) fn write_textfile(settings: &Settings, path: &Path) -> Result<(), CliError> {
    let store = crate::backends::runtime_store(settings)?;
    let ledger = agov_ledger::Ledger::open(&settings.ledger_path.value, false)?;
    write_file(path, &render_configured(store.as_ref(), &ledger, settings)?)
}

/// Starts keeping `path` up to date (nothing without a path).
pub(crate) fn textfile(
    settings: &Settings,
    path: Option<&Path>,
) -> Result<Option<Textfile>, CliError> {
    let Some(path) = path else {
        return Ok(None);
    };
    write_textfile(settings, path)
        .map_err(|e| e.with_hint("--metrics-file needs a writable path, e.g. /var/lib/node_exporter/textfile_collector/agov.prom"))?;
    let (stop, stopped) = mpsc::channel::<()>();
    let (settings, path) = (settings.clone(), path.to_path_buf());
    let worker = std::thread::spawn(move || {
        loop {
            let last = !matches!(
                stopped.recv_timeout(TEXTFILE_EVERY),
                Err(mpsc::RecvTimeoutError::Timeout)
            );
            if let Err(e) = write_textfile(&settings, &path) {
                tracing::warn!(path = %path.display(), error = e.message(), "cannot update the metrics file");
            }
            if last {
                break;
            }
        }
    });
    Ok(Some(Textfile {
        stop: Some(stop),
        worker: Some(worker),
    }))
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let text = render_configured(b.store.as_ref(), &b.ledger, &b.settings)?;
    match &args.output {
        Some(path) => {
            write_file(path, &text)?;
            ctx.note(&format!("wrote {}", path.display()));
            Ok(())
        }
        None => ctx
            .out
            .raw()
            .write_all(text.as_bytes())
            .map_err(|e| CliError::io("cannot write to standard output", e)),
    }
}

/// The metrics of `tenant`, in the text exposition format.
pub(crate) fn render(
    store: &dyn agov_runtime::RuntimeStore,
    ledger: &agov_ledger::Ledger,
    rules: &agov_governance::rules::TierRules,
    tenant: &str,
    latencies: &[latency::Sample],
) -> Result<String, CliError> {
    let tenant = tenant.to_string();
    let now = agov_core::time::now_us();
    let mut x = Exposition::default();
    let t = || ("tenant", tenant.clone());

    let agents = records::list(ledger, &tenant, &rules.promotion)?;
    let mut by_tier: BTreeMap<u8, f64> = (0..5).map(|n| (n, 0.0)).collect();
    for a in &agents {
        *by_tier.entry(a.tier.number()).or_default() += 1.0;
    }
    let tiers: Vec<_> = by_tier
        .iter()
        .map(|(n, c)| (vec![t(), ("tier", n.to_string())], *c))
        .collect();
    x.family(
        "agov_agents",
        "gauge",
        "Agents by the tier they have earned.",
        &tiers,
    );
    let per_agent = |f: &dyn Fn(&records::Metrics) -> u64| -> Vec<(Vec<(&str, String)>, f64)> {
        agents
            .iter()
            .map(|a| (vec![t(), ("agent", a.agent_id.clone())], f(a) as f64))
            .collect()
    };
    x.family(
        "agov_agent_runs_total",
        "counter",
        "Finished runs per agent.",
        &per_agent(&|a| a.runs),
    );
    x.family(
        "agov_agent_revocations_total",
        "counter",
        "Revocations per agent.",
        &per_agent(&|a| a.revocations),
    );
    x.family(
        "agov_agent_errors_total",
        "counter",
        "Errors reported per agent.",
        &per_agent(&|a| a.errors),
    );
    x.family(
        "agov_agent_compliant_streak",
        "gauge",
        "Consecutive compliant runs at the agent's tier.",
        &per_agent(&|a| a.streak),
    );

    // Running agents, from the runtime store.
    let keys = Keyspace::new(&tenant);
    let mut phases: BTreeMap<String, f64> = BTreeMap::new();
    let (mut budgets, mut ttls) = (Vec::new(), Vec::new());
    for key in store.scan(&format!("{}agent:", keys.prefix()))? {
        let Some(agent) = key
            .strip_prefix(&format!("{}agent:", keys.prefix()))
            .and_then(|r| r.strip_suffix(":state"))
        else {
            continue;
        };
        let state = store.hgetall(&key)?;
        let field = |f: &str| {
            state
                .get(f)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .unwrap_or_default()
        };
        if field("status") != "running" || store.lock_owner(&keys.agent(agent, "lock"))?.is_none() {
            continue;
        }
        *phases.entry(field("phase")).or_default() += 1.0;
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&field("budget_remaining")) {
            budgets.push((
                vec![t(), ("agent", agent.to_string())],
                v["errors"].as_f64().unwrap_or(0.0),
            ));
        }
        if let Ok(exp) = field("token_expires_us").parse::<i64>() {
            ttls.push((
                vec![t(), ("agent", agent.to_string())],
                ((exp - now) / 1_000_000).max(0) as f64,
            ));
        }
    }
    let phase_samples: Vec<_> = phases
        .into_iter()
        .map(|(p, c)| (vec![t(), ("phase", p)], c))
        .collect();
    x.family(
        "agov_agents_running",
        "gauge",
        "Running agents by lifecycle phase.",
        &phase_samples,
    );
    x.family(
        "agov_agent_error_budget_remaining",
        "gauge",
        "Errors a running agent may still make.",
        &budgets,
    );
    x.family(
        "agov_agent_token_ttl_seconds",
        "gauge",
        "Seconds left on a running agent's token.",
        &ttls,
    );
    let revoked = store.hgetall(&keys.revocations())?.len() as f64;
    x.family(
        "agov_revocation_list_size",
        "gauge",
        "Agents on the revocation list.",
        &[(vec![t()], revoked)],
    );

    let violations: Vec<(String, String, i64)> = ledger
        .conn()
        .prepare("SELECT kind, lower(severity), count(*) FROM violations WHERE tenant = ?1 GROUP BY 1, 2 ORDER BY 1, 2")
        .and_then(|mut s| {
            s.query_map([&tenant], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(|e| CliError::failed(format!("reading violations: {e}")))?;
    let v: Vec<_> = violations
        .into_iter()
        .map(|(k, s, n)| (vec![t(), ("kind", k), ("severity", s)], n as f64))
        .collect();
    x.family(
        "agov_violations_total",
        "counter",
        "Governance violations by kind and severity.",
        &v,
    );

    let pipelines = agov_pipeline::state::list(store, &keys)?;
    let by_state: Vec<_> = agov_pipeline::state::Status::ALL
        .iter()
        .map(|status| {
            let n = pipelines.iter().filter(|p| p.status == *status).count();
            (vec![t(), ("state", status.as_str().to_string())], n as f64)
        })
        .collect();
    x.family("agov_pipelines", "gauge", "Pipelines by state.", &by_state);
    pipeline_families(&mut x, ledger, &tenant, &pipelines, now)?;

    latency_families(&mut x, latencies);

    let events = ledger.count()? as f64;
    x.family(
        "agov_ledger_events",
        "gauge",
        "Events in the audit ledger (all tenants).",
        &[(vec![], events)],
    );
    let size = std::fs::metadata(ledger.path())
        .map(|m| m.len())
        .unwrap_or(0) as f64;
    x.family(
        "agov_ledger_bytes",
        "gauge",
        "Size of the governance database file.",
        &[(vec![], size)],
    );

    Ok(x.text)
}

/// Upper bounds of the command latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 10] = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0, 10.0, 60.0];

/// `agov_command_duration_seconds` (a histogram per command) and
/// `agov_command_exits_total` (per command and exit code), from the recent
/// commands in `latency.log`.
fn latency_families(x: &mut Exposition, samples: &[latency::Sample]) {
    let mut by_command: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut exits: BTreeMap<(&str, u8), f64> = BTreeMap::new();
    for s in samples {
        by_command
            .entry(s.command.as_str())
            .or_default()
            .push(s.micros as f64 / 1e6);
        *exits.entry((s.command.as_str(), s.exit)).or_default() += 1.0;
    }
    let mut histogram = Vec::new();
    for (command, secs) in &by_command {
        let label = || ("command", (*command).to_string());
        for le in LATENCY_BUCKETS {
            let n = secs.iter().filter(|s| **s <= le).count();
            histogram.push((
                "agov_command_duration_seconds_bucket",
                vec![label(), ("le", le.to_string())],
                n as f64,
            ));
        }
        let count = secs.len() as f64;
        histogram.push((
            "agov_command_duration_seconds_bucket",
            vec![label(), ("le", "+Inf".to_string())],
            count,
        ));
        histogram.push((
            "agov_command_duration_seconds_sum",
            vec![label()],
            secs.iter().sum(),
        ));
        histogram.push(("agov_command_duration_seconds_count", vec![label()], count));
    }
    x.histogram(
        "agov_command_duration_seconds",
        "How long agov commands took (the recent ones in latency.log).",
        &histogram,
    );
    let exits: Vec<_> = exits
        .into_iter()
        .map(|((command, exit), n)| {
            (
                vec![("command", command.to_string()), ("exit", exit.to_string())],
                n,
            )
        })
        .collect();
    x.family(
        "agov_command_exits_total",
        "counter",
        "Finished agov commands by exit code (the recent ones in latency.log).",
        &exits,
    );
}

/// Checks the exposition format the way a scraper reads it: every sample
/// belongs to a family declared by `# TYPE` (after its `# HELP`), names and
/// label names are valid, label values are quoted, values are numbers.
pub(crate) fn check_exposition(text: &str) -> Result<usize, String> {
    let valid_name = |n: &str| {
        !n.is_empty()
            && n.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            })
    };
    let mut typed: Vec<String> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let mut samples = 0;
    for (n, line) in text.lines().enumerate() {
        let at = |why: String| format!("line {}: {why}: {line}", n + 1);
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            let (name, kind) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if !valid_name(name)
                || !matches!(
                    kind,
                    "gauge" | "counter" | "histogram" | "summary" | "untyped"
                )
            {
                return Err(at("a bad # TYPE line".into()));
            }
            typed.push(name.to_string());
            kinds.push(kind);
            continue;
        }
        if line.starts_with("# HELP ") || line.is_empty() {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').ok_or_else(|| at("no value".into()))?;
        value
            .parse::<f64>()
            .map_err(|_| at(format!("`{value}` is not a number")))?;
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (
                name,
                rest.strip_suffix('}')
                    .ok_or_else(|| at("unclosed labels".into()))?,
            ),
            None => (series, ""),
        };
        let family = typed.last().map(String::as_str).unwrap_or("");
        let in_family = name == family
            || (kinds.last() == Some(&"histogram")
                && ["_bucket", "_sum", "_count"]
                    .iter()
                    .any(|suffix| name.strip_suffix(suffix) == Some(family)));
        if !valid_name(name) || !in_family {
            return Err(at(format!("sample of `{name}` outside its family")));
        }
        for pair in labels.split("\",").filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once("=\"")
                .ok_or_else(|| at("a label without a quoted value".into()))?;
            if !valid_name(k) || k.contains(':') || v.contains('\n') {
                return Err(at(format!("bad label `{k}`")));
            }
        }
        samples += 1;
    }
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_accepts_what_render_writes_and_rejects_the_rest() {
        let mut x = Exposition::default();
        x.family(
            "agov_x",
            "gauge",
            "X.",
            &[(vec![("a", "q\"uote".into())], 1.5)],
        );
        x.family("agov_y_total", "counter", "Y.", &[(vec![], 3.0)]);
        assert_eq!(check_exposition(&x.text), Ok(2));
        for bad in [
            "agov_x 1",
            "# TYPE agov_x gauge\nagov_x one",
            "# TYPE agov_x gauge\nagov_y 1",
            "# TYPE agov_x gauge\nagov_x{a=1} 1",
            "# TYPE 9x gauge",
            "# TYPE agov_x gauge\nagov_x{a=\"1\" 1",
        ] {
            assert!(check_exposition(bad).is_err(), "{bad}");
        }
    }
}
