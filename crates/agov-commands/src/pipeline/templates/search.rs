//! `pipeline templates search`: full-text search over names, descriptions and tags.

use agov_cli::{CliError, Ctx, Tabular};
use agov_templates::Hit;
use serde::Serialize;

use super::reading;

/// Search templates by name, description and tags (words must all match; end a word with * for a prefix)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The words to find
    #[arg(required = true, num_args = 1.., value_name = "WORDS")]
    query: Vec<String>,

    /// At most this many results
    #[arg(long, default_value_t = 20, value_name = "N")]
    limit: u64,
}

#[derive(Serialize)]
#[serde(transparent)]
struct HitRow(Hit);

impl Tabular for HitRow {
    fn headers() -> &'static [&'static str] {
        &["template", "role", "tier", "match"]
    }

    fn row(&self) -> Vec<String> {
        let t = &self.0.stored.template;
        vec![
            self.0.stored.reference.clone(),
            t.role.to_string(),
            t.tier.to_string(),
            self.0.snippet.replace('\n', " "),
        ]
    }
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let query = args.query.join(" ");
    let hits: Vec<HitRow> = reading(ctx, |reg| Ok(reg.search(&query, args.limit)?))?
        .unwrap_or_default()
        .into_iter()
        .map(HitRow)
        .collect();
    ctx.out.list(&hits, "no template matches")
}
