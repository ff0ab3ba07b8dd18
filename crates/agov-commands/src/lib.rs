//! The subcommands of every agov tool.
//!
//! Each tool is a module (`ledger`, …) with its `Cli` definition and `main`;
//! each subcommand is one file holding its `Args` and its `run` function.
//! [`backends`] opens whatever the configuration selects (embedded files or
//! Vault), so commands never choose a backend themselves.

pub mod args;
pub mod backends;
pub mod bugs;
pub mod checkpoint;
pub mod ledger;
pub mod memory;
pub mod pipeline;
pub mod quota;
pub mod render;
pub mod status;
pub mod validate;

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
