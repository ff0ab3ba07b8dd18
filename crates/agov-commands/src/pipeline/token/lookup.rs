//! `pipeline token lookup`: a token's tier and remaining life.

use agov_cli::{CliError, Ctx};

use super::{Info, Tokens, own_token};

/// Show a token's tier and remaining life (by accessor, or the one in AGOV_TOKEN)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The token's accessor [default: the token in AGOV_TOKEN]
    #[arg(value_name = "ACCESSOR")]
    accessor: Option<String>,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Tokens::open(ctx, false, args.accessor.as_deref())?;
    let info = match &args.accessor {
        Some(a) => b.tokens.lookup_accessor(a)?,
        None => b.tokens.lookup(&own_token(ctx)?)?,
    };
    b.of_this_tenant(&info)?;
    let info = Info::from(info);
    ctx.out.record(&info, |out| {
        out.line(&format!(
            "{}  tier {}  {}  {} s left",
            info.accessor, info.tier, info.display_name, info.ttl_secs
        ))
    })
}
