//! The subcommands of every agov tool.
//!
//! Each tool is a module (`ledger`, …) with its `Cli` definition and `main`;
//! each subcommand is one file holding its `Args` and its `run` function.
//! [`backends`] opens whatever the configuration selects (embedded files or
//! Vault), so commands never choose a backend themselves. Every tool's
//! `main` goes through [`run`], which checks who may act for the tenant
//! ([`tenancy`]) before a command reads or writes anything.

pub mod args;
pub mod backends;
pub mod bugs;
pub mod checkpoint;
pub mod ledger;
pub mod memory;
pub mod pipeline;
pub mod quota;
pub mod render;
pub mod schemas;
pub mod status;
pub mod tenancy;
pub mod validate;

/// Parses the command line as `C` and runs `command` ([`agov_cli::run`]),
/// with the tenant checked ([`tenancy::verify`]) when the command first
/// resolves its settings.
pub(crate) fn run<C>(
    command: impl FnOnce(C, &mut agov_cli::Ctx) -> Result<(), agov_cli::CliError>,
) -> std::process::ExitCode
where
    C: clap::Parser + agov_cli::HasGlobalArgs,
{
    agov_cli::run::<C>(|cli, ctx| {
        ctx.check_settings_with(tenancy::verify);
        command(cli, ctx)
    })
}

/// Every tool's clap definition, for completions and man pages.
pub fn commands() -> Vec<clap::Command> {
    use clap::CommandFactory;
    vec![
        bugs::Cli::command(),
        checkpoint::Cli::command(),
        ledger::Cli::command(),
        memory::Cli::command(),
        pipeline::Cli::command(),
        status::Cli::command(),
        validate::Cli::command(),
    ]
}
