//! Walking a tree and reporting every directory's status.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, UNIX_EPOCH};

use ignore::{WalkBuilder, WalkState};
use schemars::JsonSchema;
use serde::Serialize;

use crate::file::{FILE_NAME, Phase, StatusFile};

/// How to sweep.
#[derive(Clone, Copy, Debug)]
pub struct SweepOptions {
    /// A STATUS.md not updated for this long is stale.
    pub stale_after: Duration,
    /// Now (µs).
    pub now_us: i64,
}

/// One directory's status.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, JsonSchema)]
#[schemars(
    title = "One directory's status",
    description = "`status update --json`, and each element of `dirs` in `status sweep --json`."
)]
pub struct DirStatus {
    /// Relative to the root (`.` for the root itself).
    pub path: String,
    /// `ok`, `stale`, `missing` (no STATUS.md) or `invalid` (unreadable or malformed).
    #[schemars(extend("enum" = ["ok", "stale", "missing", "invalid"]))]
    pub state: String,
    /// The phase, when the file has a valid one.
    pub phase: Option<Phase>,
    /// The `updated` value, else the file's modification time (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    pub updated: Option<String>,
    /// The owner.
    pub owner: Option<String>,
    /// Ticked tasks.
    pub tasks_done: usize,
    /// All tasks.
    pub tasks_total: usize,
    /// What is wrong, for `invalid`.
    pub problem: Option<String>,
}

/// A whole sweep. JSON shape: `schema/json/status-sweep.schema.json`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(
    title = "A sweep",
    description = "`status sweep --json`: every directory under the root (ignored and hidden ones excepted)."
)]
pub struct Sweep {
    /// The root, as given.
    pub root: String,
    /// Every directory, sorted by path.
    pub dirs: Vec<DirStatus>,
    /// Directories that could not be read, symlink loops and the like.
    pub errors: Vec<String>,
}

/// Walks `root` (honouring .gitignore, .ignore and hidden files; never
/// following symlinks) and reads every directory's STATUS.md.
pub fn sweep(root: &Path, opts: SweepOptions) -> Result<Sweep, String> {
    let meta =
        std::fs::metadata(root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", root.display()));
    }
    let dirs = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .follow_links(false)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_dir()) => {
                        let status = read_dir_status(root, e.path(), opts);
                        dirs.lock().unwrap_or_else(|p| p.into_inner()).push(status);
                    }
                    Ok(_) => {}
                    Err(err) => errors
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(err.to_string()),
                }
                WalkState::Continue
            })
        });
    let mut dirs = dirs.into_inner().unwrap_or_else(|p| p.into_inner());
    dirs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.sort();
    Ok(Sweep {
        root: root.display().to_string(),
        dirs,
        errors,
    })
}

fn relative(root: &Path, dir: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(p) if p.as_os_str().is_empty() => ".".into(),
        Ok(p) => p.display().to_string(),
        Err(_) => dir.display().to_string(),
    }
}

/// Reads one directory's STATUS.md; `root` makes the reported path relative.
pub fn read_dir_status(root: &Path, dir: &Path, opts: SweepOptions) -> DirStatus {
    let path: PathBuf = dir.join(FILE_NAME);
    let mut status = DirStatus {
        path: relative(root, dir),
        state: "missing".into(),
        phase: None,
        updated: None,
        owner: None,
        tasks_done: 0,
        tasks_total: 0,
        problem: None,
    };
    // A link could bring in any file of the machine: not followed.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        status.state = "invalid".into();
        status.problem = Some(format!(
            "{FILE_NAME} is a symbolic link; agov reads only a regular file"
        ));
        return status;
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return status,
        Err(e) => {
            status.state = "invalid".into();
            status.problem = Some(format!("cannot read {FILE_NAME}: {e}"));
            return status;
        }
    };
    let file = match StatusFile::parse(&text) {
        Ok(f) => f,
        Err(e) => {
            status.state = "invalid".into();
            status.problem = Some(e);
            return status;
        }
    };
    let tasks = file.tasks();
    status.tasks_total = tasks.len();
    status.tasks_done = tasks.iter().filter(|t| t.done).count();
    status.owner = file.get("owner").map(str::to_string);
    let updated_us = file
        .get("updated")
        .and_then(|u| agov_core::time::parse_point(u, opts.now_us).ok())
        .or_else(|| {
            let m = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
            Some(m.duration_since(UNIX_EPOCH).ok()?.as_micros() as i64)
        });
    status.updated = updated_us.map(agov_core::time::format_us);
    match file.phase() {
        Ok(p) => status.phase = p,
        Err(e) => {
            status.state = "invalid".into();
            status.problem = Some(e);
            return status;
        }
    }
    let stale = updated_us.is_some_and(|u| opts.now_us - u > opts.stale_after.as_micros() as i64);
    status.state = if stale && status.phase != Some(Phase::Complete) {
        "stale"
    } else {
        "ok"
    }
    .into();
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> SweepOptions {
        SweepOptions {
            stale_after: Duration::from_secs(7 * 86_400),
            now_us: agov_core::time::now_us(),
        }
    }

    #[test]
    fn sweeps_honour_gitignore_hidden_dirs_and_report_every_state() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        for dir in ["a", "a/b", "c", "ignored", ".hidden", "stale", "bad"] {
            std::fs::create_dir_all(r.join(dir)).unwrap();
        }
        std::fs::write(r.join(".gitignore"), "ignored/\n").unwrap();
        std::fs::write(
            r.join("a/STATUS.md"),
            "---\nphase: in_progress\nowner: ana\n---\n## Tasks\n- [x] one\n- [ ] two\n",
        )
        .unwrap();
        std::fs::write(
            r.join("stale/STATUS.md"),
            "---\nphase: blocked\nupdated: 2020-01-01T00:00:00Z\n---\n",
        )
        .unwrap();
        std::fs::write(r.join("bad/STATUS.md"), "---\nphase: banana\n---\n").unwrap();
        std::os::unix::fs::symlink(r, r.join("c/loop")).unwrap();
        let s = sweep(r, opts()).unwrap();
        let states: Vec<(&str, &str)> = s
            .dirs
            .iter()
            .map(|d| (d.path.as_str(), d.state.as_str()))
            .collect();
        assert_eq!(
            states,
            vec![
                (".", "missing"),
                ("a", "ok"),
                ("a/b", "missing"),
                ("bad", "invalid"),
                ("c", "missing"),
                ("stale", "stale")
            ]
        );
        let a = &s.dirs[1];
        assert_eq!(
            (a.phase, a.tasks_done, a.tasks_total, a.owner.as_deref()),
            (Some(Phase::InProgress), 1, 2, Some("ana"))
        );
        assert!(s.dirs[3].problem.as_deref().unwrap().contains("banana"));
    }

    #[test]
    fn a_root_that_is_not_a_directory_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        assert!(sweep(&d.path().join("nope"), opts()).is_err());
        std::fs::write(d.path().join("f"), "").unwrap();
        assert!(
            sweep(&d.path().join("f"), opts())
                .unwrap_err()
                .contains("not a directory")
        );
    }
}
