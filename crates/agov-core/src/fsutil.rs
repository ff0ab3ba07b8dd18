//! File writes that never leave half a file behind, and private permissions
//! for anything that may hold a secret.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Creates `dir` and its missing parents with mode 0700 (existing ones are left as they are).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed to disk, then renamed over `path`. Readers see the old or the new
/// content, never a mix. The file gets `mode`.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let tmp = temp_sibling(path);
    let result = write_synced(&tmp, bytes, mode).and_then(|()| {
        fs::rename(&tmp, path)?;
        sync_parent(path)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes `path` atomically from what `produce` writes at a temporary path
/// beside it (an empty file of `mode`, created first): then flushed to disk
/// and renamed over `path`. On any error nothing is left behind.
pub fn produce_atomic(
    path: &Path,
    mode: u32,
    produce: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temp_sibling(path);
    let result = write_synced(&tmp, &[], mode)
        .and_then(|()| produce(&tmp))
        .and_then(|()| File::open(&tmp)?.sync_all())
        .and_then(|()| {
            fs::rename(&tmp, path)?;
            sync_parent(path)
        });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `path` with `bytes` and `mode` only if it does not exist yet, so
/// that two processes racing to create it agree on one content. Returns
/// `false` when the file already existed (its content is left untouched).
pub fn create_once(path: &Path, bytes: &[u8], mode: u32) -> io::Result<bool> {
    let tmp = temp_sibling(path);
    let result = write_synced(&tmp, bytes, mode).and_then(|()| match fs::hard_link(&tmp, path) {
        Ok(()) => sync_parent(path).map(|()| true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    });
    let _ = fs::remove_file(&tmp);
    result
}

/// Appends one line to `path` (created with `mode` if missing) and flushes it to disk.
pub fn append_line(path: &Path, line: &str, mode: u32) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(mode)
        .open(path)?;
    let mut buf = Vec::with_capacity(line.len() + 1);
    buf.extend_from_slice(line.as_bytes());
    buf.push(b'\n');
    f.write_all(&buf)?;
    f.sync_data()
}

/// Tightens an existing file to `mode` (used on files that must stay private).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

/// Creates `path` (which must not exist) with `bytes` and `mode`, flushed to disk.
fn write_synced(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// A fresh temporary name beside `path`: `.{name}.tmp-{pid}-{random}`.
/// Temporary files that writers killed before their rename left behind (the
/// pid in their name is gone) are removed first.
fn temp_sibling(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_abandoned_temps(path, &name);
    path.with_file_name(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        crate::ids::random_hex::<6>()
    ))
}

fn remove_abandoned_temps(path: &Path, name: &str) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        // Unknown shapes (older versions' names) and live writers are left alone.
        if let Some(pid) = pid
            && !process_alive(pid)
        {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Whether process `pid` runs (a zombie, killed but not reaped, does not).
fn process_alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        // `pid (comm) STATE …`; comm may hold spaces and parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// Syncs the folder holding `path`, so that a file created or renamed
/// there survives power loss.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => File::open(dir)?.sync_all(),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn a_temporary_file_of_a_dead_writer_is_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("STATUS.md");
        // No process has pid 0x7fffffff; one of this process is alive.
        let dead = dir.path().join(".STATUS.md.tmp-2147483646-abc");
        let live = dir
            .path()
            .join(format!(".STATUS.md.tmp-{}-abc", std::process::id()));
        let other = dir.path().join(".OTHER.md.tmp-2147483646-abc");
        for f in [&dead, &live, &other] {
            fs::write(f, b"x").unwrap();
        }
        write_atomic(&path, b"new", 0o600).unwrap();
        assert!(!dead.exists());
        assert!(live.exists() && other.exists());
        assert_eq!(fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn atomic_write_replaces_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        write_atomic(&p, b"one", 0o600).unwrap();
        write_atomic(&p, b"two", 0o600).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn create_once_keeps_the_first_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        assert!(create_once(&p, b"first", 0o600).unwrap());
        assert!(!create_once(&p, b"second", 0o600).unwrap());
        assert_eq!(fs::read(&p).unwrap(), b"first");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
