//! `pipeline agent exec`: run one command only if the caller's tier allows it.
//!
//! The command is parsed first ([`agov_governance::action`]): its program
//! resolved through PATH and canonicalised, wrappers unwrapped, the commands
//! and writes it implies judged too. What runs is the canonical file that
//! was judged, without the environment variables that would make it run
//! other code (`GIT_EXTERNAL_DIFF`, `PAGER`, `LD_PRELOAD`, …), and the ledger
//! records that parsed action.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;

use agov_cli::{CliError, Ctx};
use agov_core::{FailureClass, Secret, Tier};
use agov_governance::Decision;
use agov_governance::action::{self, Context};
use agov_ledger::NewEvent;

use agov_agent::contain::AgentPlaces;

use agov_config::Settings;
use agov_governance::TierRules;
use agov_ledger::Ledger;

use super::super::tier_arg;
use crate::backends;

/// What a command needs: the ledger and the rules, not the runtime store;
/// the token authority only inside an agent (opened then). Each database
/// opened is a process's worth of start-up time, so the ledger opens on a
/// thread of its own while the command is judged and its sandbox prepared
/// (neither needs it); it is waited for before anything runs, so nothing
/// runs that could not be recorded.
struct ExecBackends {
    settings: Settings,
    opening: Option<std::thread::JoinHandle<Result<Ledger, CliError>>>,
    ledger: Option<Ledger>,
    rules: TierRules,
}

impl ExecBackends {
    fn open(ctx: &mut Ctx) -> Result<ExecBackends, CliError> {
        let settings = ctx.settings()?;
        let for_ledger = settings.clone();
        Ok(ExecBackends {
            opening: Some(std::thread::spawn(move || {
                backends::ledger_for_write(&for_ledger)
            })),
            ledger: None,
            rules: TierRules::built_in(),
            settings,
        })
    }

    /// The ledger, once it has opened.
    fn ledger(&mut self) -> Result<&mut Ledger, CliError> {
        if let Some(opening) = self.opening.take() {
            let ledger = opening
                .join()
                .unwrap_or_else(|_| Err(CliError::failed("opening the ledger panicked")))?;
            self.ledger = Some(ledger);
        }
        self.ledger
            .as_mut()
            .ok_or_else(|| CliError::failed("the ledger did not open"))
    }
}

/// Run one command if the caller's tier allows it (ledgered either way)
///
/// Inside a governed agent the tier comes from its AGOV_TOKEN (a --tier
/// above it exits 3, one below it 64); otherwise pass --tier. The command is
/// judged as it will run (its program resolved through PATH, the commands
/// it runs, the files it writes) and the resolved program is what runs.
/// Denied commands exit 3 without running.
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The tier to check against when there is no AGOV_TOKEN
    #[arg(long, value_name = "N", value_parser = tier_arg())]
    tier: Option<Tier>,

    /// The command and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<String>,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let mut b = ExecBackends::open(ctx)?;
    let tenant = b.settings.tenant.value.clone();
    let (tier, who) = match ctx.env.get("AGOV_TOKEN") {
        Some(t) => {
            let info = backends::token_authority(&b.settings)?.lookup(&Secret::new(t))?;
            let agent = info
                .metadata
                .get("agent_id")
                .cloned()
                .unwrap_or_else(|| info.display_name.clone());
            // Inside an agent its tier is its token's, whatever it asks.
            match args.tier {
                Some(asked) if asked > info.tier => {
                    let mut event = NewEvent::new(&tenant, backends::actor(), "agent.exec")
                        .with("action", format!("cmd:{}", args.command.join(" ")))
                        .with("decision", "deny")
                        .with("tier", info.tier.number())
                        .with(
                            "reason",
                            format!(
                                "asked for tier {} with a tier {} token",
                                asked.number(),
                                info.tier.number()
                            ),
                        );
                    event.agent = Some(agent);
                    b.ledger()?.append(&event)?;
                    return Err(CliError::new(
                        FailureClass::Denied,
                        format!(
                            "--tier {} is refused: this agent's token is tier {}",
                            asked.number(),
                            info.tier.number()
                        ),
                    )
                    .with_hint("an agent runs at its own tier; drop --tier"));
                }
                Some(asked) if asked != info.tier => {
                    return Err(CliError::usage(format!(
                        "--tier {} differs from this agent's token (tier {})",
                        asked.number(),
                        info.tier.number()
                    ))
                    .with_hint("an agent runs at its own tier; drop --tier"));
                }
                _ => (info.tier, agent),
            }
        }
        None => match args.tier {
            Some(t) => (t, backends::actor()),
            None => {
                return Err(CliError::usage("no tier to check the command against")
                    .with_hint("run it inside a governed agent (AGOV_TOKEN), or pass --tier N"));
            }
        },
    };
    crate::quota::tier(&b.settings, tier, "a command")?;
    // Judged as it will run: from this working directory, with this PATH.
    let parsed = b.rules.parse_argv(&args.command, &Context::current());
    let decision = b.rules.decide_parsed(tier, &parsed, &[], &[], &who, "exec");
    let (word, reason) = match &decision {
        Decision::Allow => ("allow", String::new()),
        Decision::NeedsApproval { digest, .. } => (
            "needs_approval",
            format!("needs a human approval (digest {digest})"),
        ),
        Decision::Deny { reason } => ("deny", reason.clone()),
    };
    let program = parsed
        .program
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned());
    let mut event = NewEvent::new(&tenant, backends::actor(), "agent.exec")
        .with("action", parsed.action.as_str())
        .with(
            "program",
            program.clone().map_or(serde_json::Value::Null, Into::into),
        )
        .with("argv", parsed.argv.clone())
        .with("decision", word)
        .with("tier", tier.number())
        .with("reason", reason.as_str());
    if parsed.given != parsed.action {
        event = event.with("given", parsed.given.as_str());
    }
    event.agent = Some(who);
    if decision != Decision::Allow {
        b.ledger()?.append(&event)?;
        return Err(CliError::new(
            FailureClass::Denied,
            format!(
                "`{}` is not allowed at tier {}: {reason}",
                args.command.join(" "),
                tier.number()
            ),
        )
        .with_hint(
            "`policies/tiers.toml` lists what each tier may run, and how commands are judged",
        ));
    }
    let Some(program) = parsed.program else {
        b.ledger()?.append(&event.with("exit_code", -1))?;
        return Err(CliError::usage(format!(
            "cannot run `{}`: no such program on PATH or from this folder",
            args.command[0]
        ))
        .with_hint("name an installed program, or a path to an executable file"));
    };
    // It runs as an agent would: in its tier's sandbox, with a private
    // HOME and an agent's environment, in a scratch folder removed after.
    let runs = b.settings.data_dir.value.join("runs");
    agov_core::fsutil::create_private_dir(&runs)
        .map_err(|e| CliError::io(&format!("cannot create {}", runs.display()), e))?;
    let scratch = tempfile::Builder::new()
        .prefix("exec-")
        .tempdir_in(&runs)
        .map_err(|e| CliError::io(&format!("cannot create a folder in {}", runs.display()), e))?;
    let (out, home) = (scratch.path().join("out"), scratch.path().join("home"));
    // Both exist before the sandbox is built: a folder that does not is
    // granted nothing.
    for dir in [&out, &home] {
        agov_core::fsutil::create_private_dir(dir)
            .map_err(|e| CliError::io(&format!("cannot create {}", dir.display()), e))?;
    }
    let work = std::env::current_dir()
        .map_err(|e| CliError::io("cannot read the working directory", e))?;
    let argv: Vec<String> = std::iter::once(program.to_string_lossy().into_owned())
        .chain(args.command[1..].iter().cloned())
        .collect();
    let containment = backends::containment(&b.settings)?;
    let confined = containment
        .confine(
            tier.number(),
            &AgentPlaces {
                work: &work,
                out: &out,
                home: &home,
                packet: None,
                argv: &argv,
            },
        )
        .map_err(agov_agent::AgentError::from)?;
    // What runs is what was judged: no variable makes it run other code
    // (GIT_EXTERNAL_DIFF, PAGER, LD_PRELOAD, …), even one an operator named.
    let removed: Vec<String> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| action::variable_runs_code(k))
        .collect();
    // The very file that was judged, under the name it was given (a
    // multi-call program reads it), with an agent's environment.
    let prepare = |mut command: Command| -> Result<Command, CliError> {
        agov_agent::command::allowlisted_env(&mut command, &home)?;
        for k in &removed {
            command.env_remove(k);
        }
        Ok(command)
    };
    // Nothing runs that could not be recorded.
    b.ledger()?;
    let mut direct = Command::new(&program);
    direct.arg0(&args.command[0]).args(&args.command[1..]);
    let mut direct = prepare(direct)?;
    let status = match &confined {
        // Confined with this process as the launcher, where it can be one;
        // else through a launcher.
        Some((sandbox, c)) => match sandbox
            .run_here(c, &mut direct)
            .map_err(agov_agent::AgentError::from)?
        {
            Some(status) => status,
            None => prepare(
                sandbox
                    .command_as(c, Some(&args.command[0]), &argv)
                    .map_err(agov_agent::AgentError::from)?,
            )?
            .status(),
        },
        None => {
            event = event.with("unconfined", "the sandbox is off (sandbox = \"off\")");
            direct.status()
        }
    };
    if !removed.is_empty() {
        event = event.with("env_removed", removed);
    }
    let status = status.map_err(|e| {
        CliError::failed(format!(
            "cannot run `{}` ({}): {e}",
            args.command[0],
            program.display()
        ))
    });
    // A signal is 128 + N, as a launcher reports it.
    let code = status.as_ref().ok().and_then(|s| match &confined {
        Some(_) => s.code().or_else(|| s.signal().map(|n| 128 + n)),
        None => s.code(),
    });
    b.ledger()?
        .append(&event.with("exit_code", code.map_or(-1, i64::from)))?;
    let status = status?;
    if status.success() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "`{}` exited with {status}",
            args.command.join(" ")
        )))
    }
}
