//! A linked git worktree keeps its repository outside the working tree: git
//! reads it inside the sandbox, no tier writes it, and a `.git` file an
//! agent plants to name another folder reaches nothing.

use super::*;

#[test]
fn git_reads_a_linked_worktree_s_repository_which_no_tier_writes_and_a_planted_git_file_reaches_nothing()
 {
    let env = TestEnv::new();
    require_landlock(&env);
    env.sh(
        "set -e; git init -q repo; cd repo; git config user.name agent; git config user.email a@b; \
         echo one > f; git add f; git commit -qm one; git worktree add -q ../wt",
    )
    .expect(0);
    // T0 reads the repository through the worktree.
    let r = env
        .sh("cd wt && \"$PIPELINE\" agent exec --tier 0 -- git log --oneline")
        .expect(0);
    assert!(r.stdout.contains("one"), "{}", r.stdout);
    env.sh("cd wt && \"$PIPELINE\" agent exec --tier 0 -- git status --short")
        .expect(0);
    // The repository is read only at every tier, T2 included though it
    // writes the working tree: its config and hooks would run code in every
    // other worktree and for the operator (`core.fsmonitor`), its refs move
    // the operator's branches. So a commit fails, and so does a `make` that
    // writes the shared config.
    let r =
        env.sh("cd wt && echo two > f && \"$PIPELINE\" agent exec --tier 2 -- git commit -qam two");
    assert_ne!(r.code, 0, "{}", r.stdout);
    std::fs::write(
        env.dir.path().join("wt/Makefile"),
        "all:\n\tprintf '[core]\\n\\tfsmonitor = /bin/false\\n' >> ../repo/.git/config\n",
    )
    .unwrap();
    let r = env.sh("cd wt && \"$PIPELINE\" agent exec --tier 2 -- make");
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("Permission denied"), "{}", r.stderr);
    let r = env
        .sh("git -C repo log --oneline --all && cat repo/.git/config")
        .expect(0);
    assert!(
        !r.stdout.contains("two") && !r.stdout.contains("fsmonitor"),
        "{}",
        r.stdout
    );
    // Its own files it still writes at T2.
    env.sh("cd wt && \"$PIPELINE\" agent exec --tier 2 -- touch made-here")
        .expect(0);

    // A plain folder with a `.git` file planted (an agent from T2 on may
    // write one in its working tree) to name a real worktree's admin folder,
    // whose `gitdir` names another worktree. Git outside the sandbox takes
    // it; inside, nothing of that repository is granted, so git cannot read
    // it. (A file named on the command line is another matter: its folder
    // is readable, see `{program}`.)
    env.sh(
        "set -e; mkdir plain; printf 'gitdir: %s\\n' \"$PWD/repo/.git/worktrees/wt\" > plain/.git",
    )
    .expect(0);
    assert!(
        env.sh("cd plain && git log --oneline")
            .expect(0)
            .stdout
            .contains("one")
    );
    let r = env.sh("cd plain && \"$PIPELINE\" agent exec --tier 2 -- git log --oneline");
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("one"), "{}", r.stdout);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
}
