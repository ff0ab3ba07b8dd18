//! `memory log`: store content from a file or standard input.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use agov_cli::{CliError, Ctx};
use agov_config::env;
use agov_memory::NewEntry;

use super::{catch_up_index, with_memory};

/// Content up to this size is made searchable before `memory log` returns.
const INLINE_INDEX_BYTES: u64 = 1 << 20;

/// Store content (a file, or standard input) and print its id
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The file to store; `-` or nothing reads standard input
    #[arg(value_name = "FILE", conflicts_with = "stdin")]
    file: Option<PathBuf>,

    /// Read standard input (the default when it is not a terminal)
    #[arg(long)]
    stdin: bool,

    /// One line naming the content [default: the file's name, else its first non-blank line]
    #[arg(short, long, value_name = "TEXT")]
    title: Option<String>,

    /// A tag (repeat for more)
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
}

/// When to fill the search index ([`env::AGOV_MEMORY_INDEX`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IndexWhen {
    Auto,
    Inline,
    Background,
    Off,
}

fn index_when(ctx: &Ctx) -> Result<IndexWhen, CliError> {
    match ctx.env.get(env::AGOV_MEMORY_INDEX).unwrap_or("auto") {
        "auto" | "" => Ok(IndexWhen::Auto),
        "inline" => Ok(IndexWhen::Inline),
        "background" => Ok(IndexWhen::Background),
        "off" => Ok(IndexWhen::Off),
        other => Err(CliError::usage(format!(
            "{}={other} is not one of auto, inline, background, off",
            env::AGOV_MEMORY_INDEX
        ))),
    }
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let when = index_when(ctx)?;
    let file = args.file.filter(|f| f.as_os_str() != "-");
    let (mut input, source, total): (Box<dyn Read>, String, Option<u64>) = match &file {
        Some(path) => {
            let f = std::fs::File::open(path)
                .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
            let meta = f
                .metadata()
                .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
            if meta.is_dir() {
                return Err(
                    CliError::usage(format!("{} is a directory", path.display())).with_hint(
                        "store one file at a time, or an archive: `tar c DIR | memory log`",
                    ),
                );
            }
            (Box::new(f), path.display().to_string(), Some(meta.len()))
        }
        None => {
            let stdin = std::io::stdin();
            if !args.stdin && stdin.is_terminal() {
                return Err(
                    CliError::usage("memory log needs content: name a FILE or pipe it in")
                        .with_hint("`some-command | memory log --title \"what it is\"`"),
                );
            }
            (Box::new(stdin.lock()), "stdin".to_string(), None)
        }
    };
    let title = args.title.unwrap_or_else(|| {
        file.as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let new = NewEntry {
        title,
        source,
        tags: args.tags,
    };
    with_memory(ctx, |memory, ctx| {
        let pb = agov_cli::progress::bytes(ctx, total, "storing");
        let entry = memory.log(&mut input, &new, &mut |n| pb.set_position(n));
        pb.finish_and_clear();
        let entry = entry?;
        ctx.out.record(&entry, |out| out.line(&entry.id))?;
        ctx.out.flush()?;
        match when {
            IndexWhen::Inline => catch_up_index(memory, ctx),
            IndexWhen::Auto if entry.bytes <= INLINE_INDEX_BYTES => catch_up_index(memory, ctx),
            IndexWhen::Auto | IndexWhen::Background => {
                index_in_background(ctx);
                Ok(())
            }
            IndexWhen::Off => Ok(()),
        }
    })
}

/// Starts `memory index` detached, so a large log returns at once; `memory
/// search` catches up on anything it has not done yet.
fn index_in_background(ctx: &Ctx) {
    use std::os::unix::process::CommandExt;
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut cmd = Command::new(exe);
    cmd.args(["index", "--quiet"]);
    if let Some(config) = &ctx.global.config {
        cmd.arg("--config").arg(config);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    match cmd.spawn() {
        Ok(_) => ctx.debug(1, "indexing for search in the background"),
        Err(e) => ctx.warn(&format!(
            "could not start indexing in the background ({e}); `memory search` will do it"
        )),
    }
}
