//! `pipeline templates`: the agent-template marketplace: list, search, show, add, rm.

pub(crate) mod add;
mod list;
pub(crate) mod rm;
mod search;
mod show;

use agov_cli::{CliError, Ctx, Tabular};
use agov_templates::{Reference, Stored, Templates};
use serde::Serialize;

use crate::backends;

/// The `templates` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum Command {
    List(list::Args),
    Search(search::Args),
    Show(show::Args),
    Add(add::Args),
    Rm(rm::Args),
}

pub(super) fn run(c: Command, ctx: &mut Ctx) -> Result<(), CliError> {
    match c {
        Command::List(a) => list::run(a, ctx),
        Command::Search(a) => search::run(a, ctx),
        Command::Show(a) => show::run(a, ctx),
        Command::Add(a) => add::run(a, ctx),
        Command::Rm(a) => rm::run(a, ctx),
    }
}

/// Runs `f` on the tenant's registry, read-only: `None` when there is no
/// governance database yet (nothing is created).
fn reading<T>(
    ctx: &mut Ctx,
    f: impl FnOnce(&mut Templates<'_>) -> Result<T, CliError>,
) -> Result<Option<T>, CliError> {
    let settings = ctx.settings()?;
    let Some(mut ledger) = backends::ledger_for_read(ctx, &settings)? else {
        return Ok(None);
    };
    let mut reg = Templates::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    );
    f(&mut reg).map(Some)
}

/// Runs `f` on the tenant's registry, creating the database when needed.
fn writing<T>(
    ctx: &mut Ctx,
    f: impl FnOnce(&mut Templates<'_>) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let settings = ctx.settings()?;
    let mut ledger = backends::ledger_for_write(&settings)?;
    let mut reg = Templates::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    );
    f(&mut reg)
}

/// Parses a `NAME[@VERSION]` argument.
fn reference(s: &str) -> Result<Reference, String> {
    s.parse()
}

/// A template as a table row; serialises exactly like [`Stored`].
#[derive(Serialize)]
#[serde(transparent)]
struct Row(Stored);

impl Tabular for Row {
    fn headers() -> &'static [&'static str] {
        &["template", "role", "driver", "tier", "tags", "description"]
    }

    fn row(&self) -> Vec<String> {
        let t = &self.0.template;
        vec![
            self.0.reference.clone(),
            t.role.to_string(),
            t.driver.as_str().to_string(),
            t.tier.to_string(),
            t.tags.join(","),
            one_line(&t.description),
        ]
    }
}

/// The first line of `s`, cut at 80 characters.
fn one_line(s: &str) -> String {
    let first = s.lines().next().unwrap_or_default();
    match first.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &first[..i]),
        None => first.to_string(),
    }
}
