//! `status update`: change a directory's STATUS.md, atomically and on the record.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use agov_cli::{CliError, Ctx, offering};
use agov_ledger::{NewEvent, append_in};
use agov_status::{FILE_NAME, Phase, StatusFile, SweepOptions};
use serde_json::json;

use crate::backends;

/// Change a directory's STATUS.md (created if missing); hand-written text is kept
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The directory
    dir: PathBuf,

    /// New phase: not_started, in_progress, blocked or complete
    #[arg(long, value_parser = offering(parse_phase, Phase::ALL.map(Phase::as_str)))]
    phase: Option<Phase>,

    /// Add a task (repeat for more)
    #[arg(long = "task", value_name = "TEXT")]
    tasks: Vec<String>,

    /// Tick a task, by its number or its text (repeat for more)
    #[arg(long = "done", value_name = "TASK")]
    done: Vec<String>,

    /// Add a dated note
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,

    /// Set the owner
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,

    /// DIR must be inside this tree [default: the current directory]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

fn parse_phase(s: &str) -> Result<Phase, String> {
    s.parse()
}

fn canonical(p: &Path, what: &str) -> Result<PathBuf, CliError> {
    let c = p
        .canonicalize()
        .map_err(|e| CliError::usage(format!("{what} {}: {e}", p.display())))?;
    if !c.is_dir() {
        return Err(CliError::usage(format!(
            "{what} {} is not a directory",
            p.display()
        )));
    }
    Ok(c)
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.phase.is_none()
        && args.tasks.is_empty()
        && args.done.is_empty()
        && args.note.is_none()
        && args.owner.is_none()
    {
        return Err(CliError::usage("nothing to change")
            .with_hint("give --phase, --task, --done, --note or --owner"));
    }
    let root = canonical(&super::root_or_cwd(args.root)?, "root")?;
    let dir = canonical(&args.dir, "directory")?;
    if !dir.starts_with(&root) {
        return Err(
            CliError::usage(format!("{} is outside {}", dir.display(), root.display()))
                .with_hint("run from a directory above it, or pass --root"),
        );
    }
    let path = dir.join(FILE_NAME);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(CliError::usage(format!(
            "{} is a symbolic link; agov edits only a regular file",
            path.display()
        ))
        .with_hint("replace the link with the file itself"));
    }
    let (mut file, old_mode) = match std::fs::read_to_string(&path) {
        Ok(text) => {
            let file = StatusFile::parse(&text).map_err(|e| {
                CliError::failed(format!("{} is malformed: {e}", path.display()))
                    .with_hint("fix it by hand; agov will not overwrite what it cannot read")
            })?;
            let mode = std::fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0o644);
            (file, mode)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let title = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "status".into());
            (StatusFile::new(&title), 0o644)
        }
        Err(e) => return Err(CliError::io(&format!("cannot read {}", path.display()), e)),
    };
    let before = file.phase().ok().flatten();
    let now = agov_core::time::now_us();
    let stamp = agov_core::time::format_us(now);
    let stamp = format!("{}Z", stamp.get(..19).unwrap_or(&stamp));
    if let Some(p) = args.phase {
        file.set("phase", p.as_str());
    } else if file.get("phase").is_none() {
        file.set("phase", Phase::NotStarted.as_str());
    }
    file.set("updated", &stamp);
    if let Some(o) = &args.owner {
        file.set("owner", o);
    }
    for t in &args.tasks {
        if t.trim().is_empty() {
            return Err(CliError::usage("a task needs text"));
        }
        file.add_task(t);
    }
    let mut ticked = Vec::new();
    for d in &args.done {
        ticked.push(
            file.mark_done(d).map_err(|e| {
                CliError::usage(e).with_hint("`status sweep --json` lists the tasks")
            })?,
        );
    }
    if let Some(n) = &args.note {
        file.add_note(&stamp, n);
    }

    // The event and the file change commit together: the ledger's write lock
    // is held while the new file is renamed into place, and a failed write
    // rolls the event back.
    let settings = ctx.settings()?;
    let mut ledger = backends::ledger_for_write(&settings)?;
    let ledger_path = ledger.path().to_path_buf();
    let db = |e: rusqlite::Error| {
        CliError::from(agov_ledger::LedgerError::Db(agov_sqlite::DbError::sqlite(
            &ledger_path,
            e,
        )))
    };
    let mut event = NewEvent::new(&settings.tenant.value, backends::actor(), "status.update")
        .subject(dir.display().to_string());
    event.detail = json!({
        "from": before.map(|p| p.as_str()),
        "to": file.phase().ok().flatten().map(|p| p.as_str()),
        "tasks_added": args.tasks,
        "done": ticked,
        "note": args.note,
        "owner": args.owner,
    });
    let tx = agov_sqlite::write_tx(ledger.connection()).map_err(db)?;
    append_in(&tx, &event).map_err(db)?;
    agov_core::fsutil::write_atomic(&path, file.render().as_bytes(), old_mode)
        .map_err(|e| CliError::io(&format!("cannot write {}", path.display()), e))?;
    tx.commit().map_err(db)?;

    let opts = SweepOptions {
        stale_after: std::time::Duration::from_secs(7 * 86_400),
        now_us: now,
    };
    let status = agov_status::read_dir_status(&root, &dir, opts);
    ctx.out.record(&status, |out| {
        out.line(&format!(
            "{}: {} ({}/{} tasks done)",
            status.path,
            status.phase.map(|p| p.to_string()).unwrap_or_default(),
            status.tasks_done,
            status.tasks_total
        ))
    })
}
