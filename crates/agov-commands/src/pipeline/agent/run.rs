//! `pipeline agent run`: one governed agent, from BOOTSTRAP to EXIT.

use std::path::PathBuf;

use agov_agent::command::{CommandSpec, Note, drive};
use agov_agent::contain::AgentPlaces;
use agov_agent::{Outcome, Run};
use agov_cli::{CliError, Ctx};
use agov_core::{FailureClass, Tier};
use agov_governance::Packet;
use agov_governance::packet::MAX_PACKET_BYTES;
use serde::Serialize;

use super::super::{Backends, tier_arg};

/// Run a command as a governed agent (exit 0 completed, 3 revoked, 1 failed)
///
/// The command gets AGOV_AGENT_ID, AGOV_TASK_ID, AGOV_RUN_ID, AGOV_TIER,
/// AGOV_PACKET and AGOV_TOKEN, speaks JSON lines on stdout
/// (schema/json/agent-protocol.schema.json) and reads decisions on stdin.
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The instruction packet (JSON, schema/json/packet.schema.json)
    #[arg(long, value_name = "FILE")]
    packet: PathBuf,

    /// The tier to run at [default: the packet's, else the tier the agent has earned]
    #[arg(long, value_name = "N", value_parser = tier_arg())]
    tier: Option<Tier>,

    /// How the agent runs: `command` (the program after `--`) or `llm` (a
    /// model behind an OpenAI-compatible API; see AGOV_LLM_*)
    #[arg(long, value_enum, default_value = "command")]
    driver: Driver,

    /// Where the llm driver writes the deliverables [default: ./agov-work/TASK]
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,

    /// The agent's program and its arguments (the command driver)
    #[arg(last = true, value_name = "CMD")]
    command: Vec<String>,

    #[command(flatten)]
    metrics: super::super::metrics::FileArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Driver {
    Command,
    Llm,
}

fn read_packet(path: &std::path::Path) -> Result<Packet, CliError> {
    let what = format!("packet {}", path.display());
    let text = crate::args::read_document(path, MAX_PACKET_BYTES, &what)?;
    Ok(Packet::parse(&what, &text)?)
}

/// How a governed agent run ended (`pipeline agent run --json`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "How a governed agent run ended",
    description = "`pipeline agent run --json` (exit 0 completed, 3 revoked, 1 failed)."
)]
pub(crate) struct Ended {
    /// The agent.
    agent_id: String,
    /// Its task.
    task_id: String,
    /// The run.
    run_id: String,
    /// The tier it ran at.
    tier: u8,
    /// How it ended.
    #[schemars(extend("enum" = ["completed", "revoked", "failed"]))]
    outcome: String,
    /// Why it was revoked or failed.
    reason: Option<String>,
    /// The errors it made.
    errors: u32,
    /// The tier this run earned, if any.
    promoted_to: Option<u8>,
    /// What it left for the next agent, when revoked or failed.
    handoff: Option<Box<agov_governance::Handoff>>,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    match (args.driver, args.command.is_empty()) {
        (Driver::Command, true) => {
            return Err(CliError::usage("no command to run")
                .with_hint("put the agent's program after `--`, or use --driver llm"));
        }
        (Driver::Llm, false) => {
            return Err(CliError::usage(
                "the llm driver runs no command: drop what follows `--`",
            ));
        }
        _ => {}
    }
    let packet = read_packet(&args.packet)?;
    let llm = match args.driver {
        Driver::Llm => {
            let settings = ctx.settings()?;
            let env = ctx.env.clone();
            Some(agov_llm::ChatClient::new(crate::backends::llm_settings(
                &settings, &env,
            )?)?)
        }
        Driver::Command => None,
    };
    let packet_path = std::path::absolute(&args.packet)
        .map_err(|e| CliError::io("cannot resolve the packet's path", e))?;
    let mut b = Backends::open(ctx)?;
    let containment = crate::backends::containment(&b.settings)?;
    let _metrics =
        super::super::metrics::textfile(&b.settings, args.metrics.metrics_file.as_deref())?;
    let data_dir = b.settings.data_dir.value.clone();
    let (gov, ledger) = b.governor();
    let mut run = Run::bootstrap(&gov, ledger, packet, args.tier)?;
    let (agent, task, run_id, tier) = (
        run.packet.agent_id.clone(),
        run.packet.task_id.clone(),
        run.run_id.clone(),
        run.tier,
    );
    let (quiet, json_mode) = (ctx.global.quiet, ctx.json());
    let say = |line: String| {
        if !quiet {
            agov_cli::stderr_line(&line);
        }
    };
    say(format!(
        "{agent}: BOOTSTRAP (run {run_id}, tier {})",
        tier.number()
    ));
    match &llm {
        Some(client) => {
            let work = args
                .work_dir
                .unwrap_or_else(|| PathBuf::from("agov-work").join(&task));
            agov_agent::llm::drive(
                &mut run,
                client,
                &work,
                &mut |n| match n {
                    agov_agent::llm::Note::Phase(p) => say(format!("{agent}: {p}")),
                    agov_agent::llm::Note::Wrote(path) => {
                        say(format!("{agent}: wrote {}", path.display()))
                    }
                },
                None,
            )?;
        }
        None => {
            // Its own folders: output and a private HOME, under the data folder.
            let folder = data_dir.join("runs").join(&run_id);
            let (out, home) = (folder.join("out"), folder.join("home"));
            for d in [&out, &home] {
                agov_core::fsutil::create_private_dir(d)
                    .map_err(|e| CliError::io(&format!("cannot create {}", d.display()), e))?;
            }
            let work = std::env::current_dir()
                .map_err(|e| CliError::io("cannot read the working directory", e))?;
            let confined = containment.confine(
                tier.number(),
                &AgentPlaces {
                    work: &work,
                    out: &out,
                    home: &home,
                    packet: Some(&packet_path),
                    argv: &args.command,
                },
            );
            let confined = match confined {
                Ok(c) => c,
                Err(e) => {
                    run.fail(&format!("it could not be confined: {e}"))?;
                    return Err(agov_agent::AgentError::from(e).into());
                }
            };
            let spec = CommandSpec {
                argv: args.command,
                packet_path,
                dir: None,
                home,
                confined,
                extra_env: vec![("AGOV_OUTPUT_DIR".into(), out.display().to_string())],
                stop: None,
            };
            drive(
                &mut run,
                &spec,
                &mut |n| match n {
                    Note::Phase(p) => say(format!("{agent}: {p}")),
                    Note::Log { level, message } => say(format!("{agent} [{level}] {message}")),
                    Note::Malformed(problem) => say(format!(
                        "{agent}: malformed line ({problem}), counted as an error"
                    )),
                    Note::Progress => {}
                },
                None,
            )?;
        }
    }
    let outcome = run.outcome().cloned();
    let errors = run.budget().total_errors;
    drop(run);
    let (word, reason, handoff, promoted) = match &outcome {
        Some(Outcome::Completed { promoted }) => ("completed", None, None, *promoted),
        Some(Outcome::Revoked {
            reason, handoff, ..
        }) => ("revoked", Some(reason.clone()), Some(handoff.clone()), None),
        Some(Outcome::Failed { reason, handoff }) => {
            ("failed", Some(reason.clone()), Some(handoff.clone()), None)
        }
        None => (
            "failed",
            Some("the run ended without an outcome".to_string()),
            None,
            None,
        ),
    };
    let ended = Ended {
        agent_id: agent.clone(),
        task_id: task.clone(),
        run_id: run_id.clone(),
        tier: tier.number(),
        outcome: word.into(),
        reason: reason.clone(),
        errors,
        promoted_to: promoted.map(|t| t.number()),
        handoff,
    };
    if json_mode {
        // Through a `Value`: its keys in order, as before.
        ctx.out
            .json(&serde_json::to_value(&ended).unwrap_or_default())?;
    } else {
        let mut line = format!("{agent} {word} (run {run_id}, tier {})", tier.number());
        if let Some(t) = promoted {
            line.push_str(&format!("; promoted to tier {} ({})", t.number(), t.role()));
        }
        ctx.out.line(&line)?;
    }
    match word {
        "completed" => Ok(()),
        "revoked" => Err(CliError::new(
            FailureClass::Denied,
            format!("{agent} was revoked: {}", reason.unwrap_or_default()),
        )
        .with_hint(format!(
            "`pipeline handoff {task}` shows what it left; `pipeline agents show {agent}` its state"
        ))),
        _ => Err(
            CliError::failed(format!("{agent} failed: {}", reason.unwrap_or_default()))
                .with_hint(format!("`pipeline handoff {task}` shows where it stopped")),
        ),
    }
}
