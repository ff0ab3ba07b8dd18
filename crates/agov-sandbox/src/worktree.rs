//! A working tree that is a linked git worktree (`git worktree add`) keeps
//! its repository outside itself: its `.git` is a file naming an admin
//! folder (`<repo>/.git/worktrees/<name>`), and the objects and refs are in
//! the repository's common folder. Without them git inside the sandbox
//! fails (`not a git repository`), so `{work}` includes both.
//!
//! The `.git` file is the agent's to write (from T2 on), so it is not
//! trusted alone: the admin folder must point back at this very `.git`
//! file (its `gitdir` file, written by `git worktree add`, outside the
//! agent's reach) and lie in its common folder's `worktrees/`. A `.git`
//! file planted to name any other folder grants nothing.

use std::path::{Path, PathBuf};

/// The largest `.git`, `gitdir` or `commondir` file read (they hold one path).
const MAX: u64 = 4096;

/// The admin and common folders of the linked worktree at `work`
/// (resolved), or `None` when `work` is not one or its files disagree.
pub(crate) fn linked(work: &Path) -> Option<[PathBuf; 2]> {
    let dot_git = work.join(".git");
    let named = pointer(&dot_git, "gitdir:")?;
    let admin = work.join(named).canonicalize().ok()?;
    // The back-pointer, written by git: the admin folder's worktree is this one.
    let back = admin.join(pointer(&admin.join("gitdir"), "")?);
    if back.canonicalize().ok()? != dot_git.canonicalize().ok()? {
        return None;
    }
    let common = admin
        .join(pointer(&admin.join("commondir"), "")?)
        .canonicalize()
        .ok()?;
    (admin.parent()? == common.join("worktrees") && common.join("objects").is_dir())
        .then_some([admin, common])
}

/// The path in a small regular file (not a link) holding `prefix PATH`.
fn pointer(file: &Path, prefix: &str) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(file).ok()?;
    if !meta.is_file() || meta.len() > MAX {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let path = text.strip_prefix(prefix)?.trim();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .output()
            .expect("git is installed");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    /// A repository with one commit and a linked worktree beside it.
    fn repo_with_worktree(dir: &Path) -> (PathBuf, PathBuf) {
        let repo = dir.join("repo");
        std::fs::create_dir(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        std::fs::write(repo.join("f"), "x").unwrap();
        git(&repo, &["add", "f"]);
        git(&repo, &["commit", "-qm", "one"]);
        git(&repo, &["worktree", "add", "-q", "../wt"]);
        (repo, dir.join("wt"))
    }

    #[test]
    fn a_linked_worktree_names_its_admin_and_common_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (repo, wt) = repo_with_worktree(dir.path());
        let common = repo.join(".git").canonicalize().unwrap();
        assert_eq!(
            linked(&wt.canonicalize().unwrap()),
            Some([common.join("worktrees/wt"), common])
        );
        // The main tree is no linked worktree; nor is a plain folder.
        assert_eq!(linked(&repo), None);
        assert_eq!(linked(dir.path()), None);
    }

    #[test]
    fn a_planted_git_file_grants_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (repo, wt) = repo_with_worktree(dir.path());
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        // Naming a folder that is no worktree admin folder.
        for target in [elsewhere.clone(), dir.path().to_path_buf()] {
            std::fs::write(wt.join(".git"), format!("gitdir: {}\n", target.display())).unwrap();
            assert_eq!(linked(&wt), None, "{}", target.display());
        }
        // Naming another worktree's admin folder: its back-pointer disagrees.
        git(&repo, &["worktree", "add", "-q", "../other"]);
        let other_admin = repo.join(".git/worktrees/other");
        std::fs::write(
            wt.join(".git"),
            format!("gitdir: {}\n", other_admin.display()),
        )
        .unwrap();
        assert_eq!(linked(&wt), None);
        // A link instead of a file.
        std::fs::remove_file(wt.join(".git")).unwrap();
        std::os::unix::fs::symlink(repo.join(".git/worktrees/wt/gitdir"), wt.join(".git")).unwrap();
        assert_eq!(linked(&wt), None);
    }
}
