//! `validate-phases`: a live, phase-by-phase conformance check of an
//! installation, safe to run from cron: writes go to a scratch tenant.

mod agents;
mod checkpointing;
mod foundation;
mod hardening;
mod integrations;
mod isolation;
mod marketplace;
mod monitoring;
mod observability;
mod orchestration;
mod secrets;

use std::process::ExitCode;

use agov_cli::{CliError, Ctx, GlobalArgs, HasGlobalArgs};
use clap::Parser;
use serde::Serialize;

const EXAMPLES: &str = "\
Examples:
  validate-phases                 # every phase, a table per phase, then `N passed, M failed`
  validate-phases --phase 2 -v    # one phase, a line per check
  validate-phases --apply         # bring the installation to a valid state first (idempotent)
  validate-phases --json

Checks run against the configured backends (embedded, or Vault + Redis).
What they write goes to a scratch tenant (`validate-…`, named in the output);
its runtime keys and checkpoints are removed afterwards, its ledger events
stay. An installation never set up is one line: run --apply first. Exit 0 only
when nothing failed.";

/// Check an installation phase by phase against its real backends
#[derive(Debug, Parser)]
#[command(name = "validate-phases", version, after_long_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,

    /// Only this phase (1-12)
    #[arg(long, value_name = "N", value_parser = agov_cli::offering(
        clap::value_parser!(u8).range(1..=12),
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],
    ))]
    phase: Option<u8>,

    /// First bring the installation to a valid state: create the ledger schema,
    /// install the tier policies, token roles, KV mount and AppRole in Vault
    /// (with --phase, only that phase's). Running it twice changes nothing.
    #[arg(long)]
    apply: bool,
}

impl HasGlobalArgs for Cli {
    fn global_args(&self) -> &GlobalArgs {
        &self.global
    }
}

/// The outcome of one check.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "detail")]
pub(crate) enum Outcome {
    /// It holds.
    Passed,
    /// It does not; why.
    Failed(String),
    /// Not checked; why (e.g. Vault is not configured).
    NotChecked(String),
}

/// One check.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Check {
    /// The phase it belongs to, from 1.
    #[schemars(range(min = 1))]
    phase: u8,
    /// What it checks.
    name: String,
    /// How it went; `detail` says why it failed or was not checked.
    #[serde(flatten)]
    outcome: Outcome,
}

/// The checks of one phase, as they run.
pub(crate) struct Phase {
    number: u8,
    checks: Vec<Check>,
}

impl Phase {
    fn new(number: u8) -> Phase {
        Phase {
            number,
            checks: Vec::new(),
        }
    }

    /// Records a check from a result: `Ok` passes, `Err` fails with its text.
    pub(crate) fn check(&mut self, name: &str, result: Result<(), String>) {
        let outcome = match result {
            Ok(()) => Outcome::Passed,
            Err(why) => Outcome::Failed(why),
        };
        self.checks.push(Check {
            phase: self.number,
            name: name.to_string(),
            outcome,
        });
    }

    /// Records a check that does not apply here.
    pub(crate) fn not_checked(&mut self, name: &str, why: &str) {
        self.checks.push(Check {
            phase: self.number,
            name: name.to_string(),
            outcome: Outcome::NotChecked(why.to_string()),
        });
    }
}

/// The configured ledger, opened for a phase's checks; records why not
/// (missing: `--apply` creates it; checks never do) and returns `None`.
pub(crate) fn existing_ledger(
    settings: &agov_config::Settings,
    phase: &mut Phase,
) -> Option<agov_ledger::Ledger> {
    let path = &settings.ledger_path.value;
    if !path.exists() {
        phase.check(
            "ledger exists",
            Err(format!("no ledger at {}: run with --apply", path.display())),
        );
        return None;
    }
    match agov_ledger::Ledger::open(path, false) {
        Ok(l) => Some(l),
        Err(e) => {
            phase.check("ledger opens", Err(e.to_string()));
            None
        }
    }
}

/// Deletes every runtime key of the scratch tenant, and the global owner
/// key of each of its pipelines (`g:pipeline:{id}:tenant`).
pub(crate) fn remove_scratch_keys(
    store: &dyn agov_runtime::RuntimeStore,
    scratch: &str,
) -> Result<(), String> {
    let keys = agov_runtime::keys::Keyspace::new(scratch);
    let pipelines = format!("{}pipeline:", keys.prefix());
    store
        .scan(keys.prefix())
        .and_then(|ks| {
            let mut owners: Vec<String> = ks
                .iter()
                .filter_map(|k| k.strip_prefix(&pipelines)?.split(':').next())
                .map(agov_runtime::keys::pipeline_owner)
                .collect();
            owners.dedup();
            ks.iter()
                .chain(&owners)
                .try_for_each(|k| store.del(k).map(|_| ()))
        })
        .map_err(|e| e.to_string())
}

/// Phases that run without a ledger: Secrets (2) and Integrations (9).
fn needs_ledger(phase: u8) -> bool {
    !matches!(phase, 2 | 9)
}

/// How many ledger events the scratch tenant has (0 when there is no ledger).
fn scratch_events(settings: &agov_config::Settings, scratch: &str) -> usize {
    let path = &settings.ledger_path.value;
    if !path.exists() {
        return 0;
    }
    agov_ledger::Ledger::open(path, false)
        .and_then(|l| {
            l.query(&agov_ledger::Query {
                tenant: Some(scratch.to_string()),
                ..agov_ledger::Query::default()
            })
        })
        .map_or(0, |events| events.len())
}

const NAMES: [&str; 12] = [
    "Foundation",
    "Secrets",
    "Agent execution",
    "Promotion & revocation",
    "Bootstrap & checkpointing",
    "Multi-agent orchestration",
    "Monitoring",
    "Production hardening",
    "Integrations",
    "Multi-tenant isolation",
    "Marketplace search",
    "Observability",
];

/// `validate-phases --json`: `schema/json/validate-phases.schema.json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A validation report",
    description = "`validate-phases --json` (exit 0 only when `failed` is 0)."
)]
pub(crate) struct Report {
    /// Changes made by --apply.
    applied: Vec<String>,
    /// The tenant the checks wrote under (`validate-…`); its runtime keys
    /// are removed, its ledger events stay.
    scratch_tenant: String,
    /// How many ledger events that tenant holds.
    scratch_events: usize,
    /// Every check, in order.
    checks: Vec<Check>,
    /// Checks that passed.
    passed: usize,
    /// Checks that failed.
    failed: usize,
    /// Checks not made (e.g. Vault is not configured).
    not_checked: usize,
}

/// Runs the `validate-phases` binary.
pub fn main() -> ExitCode {
    // Started as the sandbox launcher of one of its probe agents.
    if let Some(code) = agov_sandbox::launcher::dispatch() {
        return code;
    }
    // It checks the installation, for the installation's own tenant, and
    // asks Vault nothing before its checks do (so it can tell why Vault
    // fails).
    agov_cli::run::<Cli>(|cli, ctx| {
        ctx.check_settings_with(crate::tenancy::installation_only);
        run(cli, ctx)
    })
}

fn run(cli: Cli, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let scratch = format!("validate-{}", agov_core::ids::random_hex::<4>());
    let wanted = |n: u8| cli.phase.is_none_or(|p| p == n);
    let path = &settings.ledger_path.value;
    if !cli.apply && !path.exists() && (1..=12).any(|n| wanted(n) && needs_ledger(n)) {
        return Err(CliError::failed(format!(
            "this installation was never set up (no ledger at {}): run `validate-phases --apply` to set it up and check it",
            path.display()
        )));
    }
    let mut applied = Vec::new();
    if cli.apply {
        if wanted(1) {
            applied.extend(foundation::apply(&settings)?);
        }
        if wanted(2) {
            applied.extend(secrets::apply(&settings, &ctx.env)?);
        }
        for change in &applied {
            ctx.note(&format!("applied: {change}"));
        }
        if applied.is_empty() {
            ctx.note("--apply: nothing to change");
        }
    }
    let mut phases = Vec::new();
    for n in 1..=12u8 {
        if !wanted(n) {
            continue;
        }
        let mut phase = Phase::new(n);
        match n {
            1 => foundation::check(&settings, &mut phase),
            2 => secrets::check(&settings, &ctx.env, &mut phase),
            3 => {
                agents::check_sandbox(&settings, &mut phase);
                agents::check_execution(&settings, &scratch, &mut phase);
            }
            4 => agents::check_revocation(&settings, &scratch, &mut phase),
            5 => checkpointing::check(&settings, &scratch, &mut phase),
            6 => orchestration::check(&settings, &scratch, &mut phase),
            7 => monitoring::check(&settings, &scratch, &mut phase),
            8 => hardening::check(&settings, &scratch, &mut phase),
            9 => integrations::check(&settings, &ctx.env, &mut phase),
            10 => isolation::check(&settings, &scratch, &mut phase),
            11 => marketplace::check(&settings, &scratch, &mut phase),
            _ => observability::check(&settings, &scratch, &mut phase),
        }
        if ctx.global.verbose > 0 && !ctx.json() {
            for c in &phase.checks {
                let mark = match &c.outcome {
                    Outcome::Passed => "ok  ".to_string(),
                    Outcome::Failed(w) => format!("FAIL ({w})"),
                    Outcome::NotChecked(w) => format!("--   ({w})"),
                };
                ctx.debug(1, &format!("phase {n} {}: {mark}", c.name));
            }
        }
        phases.push(phase);
    }
    let checks: Vec<Check> = phases.iter().flat_map(|p| p.checks.clone()).collect();
    let count = |f: fn(&Outcome) -> bool| checks.iter().filter(|c| f(&c.outcome)).count();
    let report = Report {
        passed: count(|o| *o == Outcome::Passed),
        failed: count(|o| matches!(o, Outcome::Failed(_))),
        not_checked: count(|o| matches!(o, Outcome::NotChecked(_))),
        applied,
        scratch_events: scratch_events(&settings, &scratch),
        scratch_tenant: scratch,
        checks,
    };
    if ctx.json() {
        ctx.out.json(&report)?;
    } else {
        for phase in &phases {
            let name = NAMES[usize::from(phase.number - 1)];
            if let [
                Check {
                    outcome: Outcome::NotChecked(why),
                    ..
                },
            ] = phase.checks.as_slice()
            {
                ctx.out.line(&format!(
                    "phase {} {name}: not checked, {why}",
                    phase.number
                ))?;
                continue;
            }
            ctx.out.line(&format!("phase {} {name}", phase.number))?;
            let rows = phase.checks.iter().map(|c| {
                let (result, detail) = match &c.outcome {
                    Outcome::Passed => ("passed", String::new()),
                    Outcome::Failed(w) => ("FAILED", w.clone()),
                    Outcome::NotChecked(w) => ("not checked", w.clone()),
                };
                vec![format!("  {}", c.name), result.to_string(), detail]
            });
            ctx.out.table(&["check", "result", "detail"], rows)?;
        }
        ctx.out.line(&format!(
            "{} passed, {} failed",
            report.passed, report.failed
        ))?;
        if report.scratch_events > 0 {
            ctx.out.line(&format!(
                "{n} scratch event(s) in the ledger under tenant {t} (`ledger tail --tenant {t}`)",
                n = report.scratch_events,
                t = report.scratch_tenant
            ))?;
        }
        if report.not_checked > 0 {
            ctx.note(&format!(
                "{} check(s) not run: their capability is not configured or not built yet",
                report.not_checked
            ));
        }
    }
    if report.failed > 0 {
        return Err(
            CliError::failed(format!("{} check(s) failed", report.failed))
                .with_hint("`validate-phases -v` shows each check; `--apply` fixes what it can"),
        );
    }
    Ok(())
}
