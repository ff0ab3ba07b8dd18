//! `ledger hmac`: the HMAC the ledger stores for a token accessor.
//!
//! Events hold token accessors only as `hmac-sha256:<hex>`, keyed by the
//! ledger's HMAC key; this prints that form of a given accessor, so that an
//! operator who has the accessor (from Vault's audit log, `pipeline token
//! lookup`, …) can find its events: `ledger export | grep "$(ledger hmac ACCESSOR)"`.

use std::io::Read;

use agov_cli::{CliError, Ctx};
use serde::Serialize;

use crate::backends;

/// Longest value accepted, in bytes.
const MAX_VALUE: usize = 4096;

/// Print the HMAC the ledger stores for a token accessor, to find its events
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The accessor; `-` reads it from standard input
    #[arg(value_name = "ACCESSOR")]
    value: String,
}

/// `ledger hmac --json`: `schema/json/ledger-hmac.schema.json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "The HMAC of a token accessor",
    description = "`ledger hmac ACCESSOR --json`: the form in which events hold that accessor."
)]
pub(crate) struct Signed {
    /// `hmac-sha256:` and 64 hex digits, keyed by the ledger's HMAC key.
    #[schemars(regex(pattern = "^hmac-sha256:[0-9a-f]{64}$"))]
    hmac: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let value = read_value(args.value)?;
    let settings = ctx.settings()?;
    let vault = backends::vault(&settings)?;
    let key = backends::hmac_key(&settings, vault.as_ref())?;
    let signed = Signed {
        hmac: key.sign(&value),
    };
    ctx.out.record(&signed, |out| out.line(&signed.hmac))
}

fn read_value(arg: String) -> Result<String, CliError> {
    let value = if arg == "-" {
        let mut buf = String::new();
        std::io::stdin()
            .take(MAX_VALUE as u64 + 1)
            .read_to_string(&mut buf)
            .map_err(|e| {
                CliError::usage(format!("cannot read the value from standard input: {e}"))
            })?;
        buf.trim_end_matches('\n').to_string()
    } else {
        arg
    };
    if value.trim().is_empty() || value.len() > MAX_VALUE {
        return Err(CliError::usage(format!(
            "the accessor is empty or longer than {MAX_VALUE} bytes"
        ))
        .with_hint("pass it as the argument, or `-` to read it from stdin"));
    }
    Ok(value)
}
