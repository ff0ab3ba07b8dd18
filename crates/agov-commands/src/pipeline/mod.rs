//! `pipeline`: governed agents (and, as they land, multi-agent pipelines).

pub(crate) mod agent;
pub(crate) mod agents;
pub(crate) mod approve;
mod artifacts;
mod blackboard;
pub(crate) mod consensus;
pub mod dashboard;
pub(crate) mod errors;
mod gc;
mod handoff;
pub(crate) mod list;
mod logs;
mod messages;
pub(crate) mod metrics;
pub(crate) mod plan;
pub(crate) mod report;
mod resume;
pub(crate) mod revocations;
mod revoke;
pub(crate) mod spawn;
mod status;
pub(crate) mod templates;
pub(crate) mod token;
pub(crate) mod validate;
pub(crate) mod view;
mod watch;

use std::process::ExitCode;

use agov_agent::Governor;
use agov_cli::{CliError, Ctx, GlobalArgs, HasGlobalArgs};
use agov_config::Settings;
use agov_governance::rules::TierRules;
use agov_ledger::Ledger;
use agov_pipeline::Env as PipelineEnv;
use agov_pipeline::sealed::SealKey;
use agov_runtime::RuntimeStore;
use agov_tokens::TokenAuthority;
use clap::{Parser, Subcommand};

use crate::backends;

const EXAMPLES: &str = "\
Examples:
  pipeline agent run --packet examples/packets/alpha-research.json -- examples/agents/research.sh
  pipeline agent exec --tier 0 -- git status        # runs only if tier 0 may
  pipeline agents list
  pipeline agents show alpha-1                      # phase, lock, heartbeat, budget, violations
  pipeline agents promote alpha-1 --to 3 --approve  # T3 and T4 need a human approval
  pipeline agents revoke alpha-1 --reason \"touching prod\"
  pipeline agents approve alpha-1 3f9c…           # a person approves exactly one T3/T4 action
  pipeline revocations
  pipeline errors --since 2h                        # errors, violations, revocations per agent
  pipeline metrics --output /var/lib/node_exporter/agov.prom   # Prometheus text, from cron
  pipeline handoff renewal-bug                      # what the last revoked agent left
  pipeline token issue --tier 1                     # prints the accessor (--reveal prints the token)
  pipeline validate examples/plans/quickstart.yaml  # every problem at once, FILE:LINE:COLUMN
  pipeline plan add examples/plans/quickstart.yaml  # prints its id (pl1) for `spawn --plan pl1`
  pipeline approve p-1a2b3c --stage deploy          # a person opens a human gate (--reject fails it)
  pipeline artifacts p-1a2b3c                       # the files its agents left: deliverables first, with paths
  pipeline templates add examples/templates         # install the shipped agent templates
  pipeline templates search terraform               # full-text over names, descriptions, tags
  pipeline spawn --plan examples/plans/quickstart.yaml   # runs it to the end; exit 0, 2 or 3
  pipeline spawn --plan pl1 --var env=staging --detach   # prints the id at once
  pipeline list                                     # active pipelines (--all: every one)
  pipeline status p-1a2b3c                          # agents, phases, token, tally
  pipeline watch p-1a2b3c                           # follow it until it settles
  pipeline dashboard                                # every pipeline, redrawn as they change
  pipeline continue p-1a2b3c                        # take over a pipeline whose driver died
  pipeline revoke p-1a2b3c --reason \"wrong objective\"
  pipeline logs p-1a2b3c --limit 100
  pipeline blackboard p-1a2b3c --section solutions
  pipeline messages p-1a2b3c --to beta
  pipeline consensus status p-1a2b3c                # the votes and the tally
  pipeline consensus fallback p-1a2b3c --action rerun_gamma   # after CONSENSUS_FAILED
  pipeline agents demote alpha-1 --to 1
  pipeline agents reinstate alpha-1                 # after a revocation was reviewed
  pipeline token lookup ACCESSOR                    # tier and time left (default: the token in AGOV_TOKEN)
  pipeline token renew                              # the token in AGOV_TOKEN, for another full TTL
  pipeline token revoke ACCESSOR                    # and every token issued under it
  pipeline plan list
  pipeline plan show pl1
  pipeline plan rm pl1
  pipeline templates list --all-versions
  pipeline templates show research@2
  pipeline templates rm research@2

Every agent follows BOOTSTRAP -> PREFLIGHT -> PLAN -> EXECUTE -> VERIFY ->
PACKAGE -> REPORT -> EXIT under a short-lived token for its tier; skipping a
phase, spending its error budget or asking for a forbidden action revokes it.
Every step is in the audit ledger (`ledger query --action 'agent.*'`).";

/// Run AI agents under governance: tiers, lifecycle, error budgets, revocation
#[derive(Debug, Parser)]
#[command(name = "pipeline", version, after_long_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,

    #[command(subcommand)]
    command: Command,
}

impl HasGlobalArgs for Cli {
    fn global_args(&self) -> &GlobalArgs {
        &self.global
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    Spawn(spawn::Args),
    Validate(validate::Args),
    Continue(resume::Args),
    List(list::Args),
    Status(status::Args),
    Watch(watch::Args),
    Dashboard(dashboard::Args),
    Revoke(revoke::Args),
    Gc(gc::Args),
    Approve(approve::Args),
    /// Votes and the tally of a pipeline; fallbacks after a consensus failure
    #[command(subcommand)]
    Consensus(consensus::Command),
    Artifacts(artifacts::Args),
    Blackboard(blackboard::Args),
    Messages(messages::Args),
    Logs(logs::Args),
    Report(report::Args),
    /// Run one governed agent, or one governed command
    #[command(subcommand)]
    Agent(agent::Command),
    /// Agents' trust state: list, show, promote, demote, revoke, reinstate, approve
    #[command(subcommand)]
    Agents(agents::Command),
    Revocations(revocations::Args),
    Handoff(handoff::Args),
    Errors(errors::Args),
    Metrics(metrics::Args),
    /// A pipeline's token (TTL, renewals; --reveal), or tier tokens by hand: issue, renew, lookup, revoke
    Token(token::Args),
    /// Agent templates: list, search, show, add, rm (plans name them as `template: NAME@VERSION`)
    #[command(subcommand)]
    Templates(templates::Command),
    /// Stored plans: add (prints the id for `spawn --plan ID`), list, show, rm
    #[command(subcommand)]
    Plan(plan::Command),
}

/// Runs the `pipeline` binary.
pub fn main() -> ExitCode {
    // Started as the sandbox launcher of one of its own agents.
    if let Some(code) = agov_sandbox::launcher::dispatch() {
        return code;
    }
    crate::run::<Cli>(|cli, ctx| match cli.command {
        Command::Spawn(a) => spawn::run(a, ctx),
        Command::Validate(a) => validate::run(a, ctx),
        Command::Continue(a) => resume::run(a, ctx),
        Command::List(a) => list::run(a, ctx),
        Command::Status(a) => status::run(a, ctx),
        Command::Watch(a) => watch::run(a, ctx),
        Command::Dashboard(a) => dashboard::run(a, ctx),
        Command::Revoke(a) => revoke::run(a, ctx),
        Command::Gc(a) => gc::run(a, ctx),
        Command::Approve(a) => approve::run(a, ctx),
        Command::Consensus(c) => consensus::run(c, ctx),
        Command::Artifacts(a) => artifacts::run(a, ctx),
        Command::Blackboard(a) => blackboard::run(a, ctx),
        Command::Messages(a) => messages::run(a, ctx),
        Command::Logs(a) => logs::run(a, ctx),
        Command::Report(a) => report::run(a, ctx),
        Command::Agent(c) => agent::run(c, ctx),
        Command::Agents(c) => agents::run(c, ctx),
        Command::Revocations(a) => revocations::run(a, ctx),
        Command::Handoff(a) => handoff::run(a, ctx),
        Command::Errors(a) => errors::run(a, ctx),
        Command::Metrics(a) => metrics::run(a, ctx),
        Command::Token(a) => token::run(a, ctx),
        Command::Templates(c) => templates::run(c, ctx),
        Command::Plan(c) => plan::run(c, ctx),
    })
}

/// The backends a governor needs, opened from the configuration.
struct Backends {
    settings: Settings,
    ledger: Ledger,
    store: Box<dyn RuntimeStore>,
    tokens: Box<dyn TokenAuthority>,
    rules: TierRules,
    lock_ttl: std::time::Duration,
    lease_ttl: std::time::Duration,
    renew_every: std::time::Duration,
    retention: std::time::Duration,
}

impl Backends {
    fn open(ctx: &mut Ctx) -> Result<Backends, CliError> {
        let settings = ctx.settings()?;
        let lock_ttl = duration_var(ctx, agov_config::env::AGOV_LOCK_TTL, agov_agent::LOCK_TTL)?;
        let lease_ttl = duration_var(
            ctx,
            agov_config::env::AGOV_LEASE_TTL,
            agov_pipeline::orchestrator::LEASE_TTL,
        )?;
        let renew_every = duration_var(
            ctx,
            agov_config::env::AGOV_PIPELINE_RENEW_EVERY,
            agov_pipeline::orchestrator::TOKEN_RENEW_EVERY,
        )?;
        Ok(Backends {
            retention: settings.retention,
            lock_ttl,
            lease_ttl,
            renew_every,
            ledger: backends::ledger_for_write(&settings)?,
            store: backends::runtime_store(&settings)?,
            tokens: backends::token_authority(&settings)?,
            rules: TierRules::built_in(),
            settings,
        })
    }

    /// The governor over these backends, and the ledger to record in.
    fn governor(&mut self) -> (Governor<'_>, &mut Ledger) {
        (
            Governor {
                store: self.store.as_ref(),
                tokens: self.tokens.as_ref(),
                rules: &self.rules,
                tenant: self.settings.tenant.value.clone(),
                actor: backends::actor(),
                lock_ttl: self.lock_ttl,
                renew_every: None,
                retention: self.retention,
                max_tier: self.settings.quota.max_tier,
            },
            &mut self.ledger,
        )
    }
}

impl Backends {
    /// The key the pipeline tokens are sealed with (created on first use).
    fn seal_key(&self) -> Result<SealKey, CliError> {
        Ok(SealKey::load_or_create(
            &self.settings.data_dir.value.join("pipeline-token.key"),
        )?)
    }

    /// What the orchestrator works with, over these backends.
    fn pipeline_env<'a>(
        &'a self,
        seal: &'a SealKey,
        llm: Option<agov_llm::LlmSettings>,
        containment: &'a agov_agent::contain::Containment,
    ) -> PipelineEnv<'a> {
        PipelineEnv {
            store: self.store.as_ref(),
            tokens: self.tokens.as_ref(),
            rules: &self.rules,
            ledger_path: self.settings.ledger_path.value.clone(),
            tenant: self.settings.tenant.value.clone(),
            actor: backends::actor(),
            lock_ttl: self.lock_ttl,
            lease_ttl: self.lease_ttl,
            renew_every: self.renew_every,
            retention: self.retention,
            seal,
            runs_dir: runs_dir(&self.settings),
            llm,
            containment,
        }
    }
}

/// Where pipelines keep their files: `{data}/pipelines`, a folder per
/// pipeline with an output folder per agent.
fn runs_dir(settings: &Settings) -> std::path::PathBuf {
    settings.data_dir.value.join("pipelines")
}

/// A duration from the environment, or `default`.
fn duration_var(
    ctx: &Ctx,
    name: &str,
    default: std::time::Duration,
) -> Result<std::time::Duration, CliError> {
    match ctx.env.get(name) {
        None | Some("") => Ok(default),
        Some(v) => {
            agov_core::time::parse_duration(v).map_err(|e| CliError::usage(format!("{name}: {e}")))
        }
    }
}

/// A reason (`--reason`): not blank, so that an empty one is a usage error
/// (exit 64) before any backend is opened.
fn reason_arg(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("the reason is empty: say why (it is recorded in the ledger)".into())
    } else {
        Ok(s.to_string())
    }
}

/// A tier argument: `0`-`4` offered (with their roles), `t2` and `builder`
/// accepted too.
fn tier_arg() -> impl clap::builder::TypedValueParser<Value = agov_core::Tier> {
    const NUMBERS: [&str; 5] = ["0", "1", "2", "3", "4"];
    let parse = |s: &str| s.parse::<agov_core::Tier>();
    agov_cli::offering(
        parse,
        agov_core::Tier::ALL.map(|t| {
            clap::builder::PossibleValue::new(NUMBERS[usize::from(t.number())]).help(t.role())
        }),
    )
}
