//! Every bypass family of the tier rules (issue 16, item 5), as a table:
//! each row an action, the tier it is asked at, and the decision with the
//! words of its reason. Run in a fixture folder with a fake `ls`, a fake
//! `cat`, a sandbox with symlinks out of it, and a fixed system PATH.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use agov_core::Tier;
use agov_governance::action::{self, Context};
use agov_governance::{Decision, TierRules};

const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

#[derive(Debug)]
enum Want {
    Allow,
    Approve,
    Deny(&'static str),
}
use Want::{Allow, Approve, Deny};

fn script(path: &Path) {
    std::fs::write(path, "#!/bin/sh\ntouch pwned\n").unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    script(&d.join("ls"));
    std::fs::create_dir(d.join("bin")).unwrap();
    script(&d.join("bin/cat"));
    script(&d.join("script.sh"));
    std::fs::write(d.join("file"), "hello\n").unwrap();
    std::fs::create_dir(d.join("sandbox")).unwrap();
    symlink("/etc", d.join("sandbox/link")).unwrap();
    symlink("/etc/agov-does-not-exist", d.join("sandbox/dangling")).unwrap();
    let real_ls = action::resolve_trusted("ls", &TierRules::built_in().programs).unwrap();
    symlink(real_ls, d.join("ls2")).unwrap();
    dir
}

fn check(
    rules: &TierRules,
    ctx: &Context,
    row: usize,
    decision: Decision,
    tier: Tier,
    what: &str,
    want: &Want,
) {
    match (want, &decision) {
        (Allow, Decision::Allow) => {}
        (Approve, Decision::NeedsApproval { .. }) => {}
        (Deny(words), Decision::Deny { reason }) if reason.contains(words) => {}
        _ => panic!(
            "row {row}: `{what}` at tier {}: wanted {want:?}, got {decision:?}\nparsed: {:#?}",
            tier.number(),
            rules.parse_action(what, ctx)
        ),
    }
}

#[test]
fn every_bypass_family_is_judged_as_what_it_runs() {
    let dir = fixture();
    let d = dir.path();
    let ctx = Context::new(d, Some(SYSTEM_PATH.into()));
    let evil_first = Context::new(d, Some(format!("{}:{SYSTEM_PATH}", d.display()).into()));
    let rules = TierRules::built_in();
    let bin_cat = format!("{}/bin/cat", d.display());
    let bin_cat_file: &[&str] = &[&bin_cat, "file"];
    let (t0, t1, t2, t4) = (
        Tier::Observer,
        Tier::Operator,
        Tier::Builder,
        Tier::Architect,
    );
    let code = "runs the code it is given";
    #[rustfmt::skip]
    let rows: Vec<(&[&str], Tier, Want)> = vec![
        // Legitimate commands still run at T0.
        (&["ls", "-la"], t0, Allow),
        (&["ls"], t0, Allow),
        (&["cat", "file"], t0, Allow),
        (&["git", "status"], t0, Allow),
        (&["git", "log", "--oneline"], t0, Allow),
        (&["find", ".", "-name", "*.rs"], t0, Allow),
        (&["true"], t0, Allow),
        (&["tail", "-n1", "file"], t0, Allow),
        (&["tail", "-f", "file"], t0, Allow),
        (&["grep", "-r", "x", "."], t0, Allow),
        (&["./ls2", "-l"], t0, Allow), // a symlink to the real ls is ls
        (&["find", ".", "-name", "*.rs", "-exec", "cat", "{}", ";"], t0, Allow),
        (&["find", ".", "-exec", "grep", "-l", "x", "{}", "+"], t0, Allow),
        (&["nice", "-n", "5", "ls"], t0, Allow),
        (&["nice", "-5", "ls"], t0, Allow),
        (&["timeout", "-s", "KILL", "5", "cat", "file"], t0, Allow),
        (&["nohup", "ls"], t0, Allow),
        (&["stdbuf", "-o0", "cat", "file"], t0, Allow),
        (&["setsid", "-w", "ls"], t0, Allow),
        (&["env", "LANG=C", "TZ=UTC", "ls"], t0, Allow),
        (&["xargs", "cat"], t0, Allow),
        (&["xargs", "-0", "-n", "1", "wc", "-l"], t0, Allow),
        (&["cp", "file", "sandbox/x"], t1, Allow),
        (&["touch", "sandbox/a", "sandbox/./b"], t1, Allow),
        (&["git", "diff", "--output=sandbox/d.patch"], t1, Allow),
        // A path that only looks like an allowed command.
        (&["./ls"], t0, Deny("not the `ls` rules name")),
        (bin_cat_file, t0, Deny("not the `cat` rules name")),
        (&["../../../../../../tmp/../bin/ls"], t0, Allow),
        // Shells and interpreters given code.
        (&["sh", "-c", "touch pwned"], t0, Deny(code)),
        (&["bash", "-c", "touch pwned"], t2, Deny(code)),
        (&["bash", "script.sh"], t3(), Deny(code)),
        (&["sh"], t0, Deny(code)),
        (&["python3", "-c", "import os"], t0, Deny(code)),
        (&["perl", "-e", "system 1"], t0, Deny(code)),
        (&["node", "-e", "1"], t0, Deny(code)),
        (&["awk", "BEGIN{system(\"id\")}"], t0, Deny(code)),
        (&["sed", "-i", "s/a/b/", "file"], t2, Deny(code)),
        (&["sed", "1e id", "file"], t0, Deny(code)),
        (&["busybox", "sh", "-c", "id"], t0, Deny(code)),
        (&["vi", "file"], t0, Deny(code)),
        (&["sh", "-c", "touch pwned"], t4, Approve),
        // find runs commands and writes files.
        (&["find", ".", "-exec", "sh", "-c", "touch pwned", ";"], t0, Deny("run by `find -exec`")),
        (&["find", ".", "-execdir", "sh", "-c", "touch pwned", ";"], t0, Deny("run by `find -execdir`")),
        (&["find", ".", "-ok", "rm", "{}", ";"], t0, Deny("needs tier 1")),
        (&["find", ".", "-okdir", "python3", "{}", ";"], t2, Deny(code)),
        (&["find", "/etc", "-exec", "rm", "{}", ";"], t4, Deny("denied at every tier (`write:/etc/*`)")),
        (&["find", ".", "-exec", "ls", "{}"], t0, Deny("without its `;`")),
        (&["find", ".", "-delete"], t0, Deny("run by `find -delete`")),
        (&["find", ".", "-fprint", "pwned"], t0, Deny("run by `find -fprint`")),
        (&["find", ".", "-fprintf", "pwned", "%p"], t0, Deny("write:pwned")),
        (&["find", ".", "-fls", "/etc/x"], t4, Deny("every tier")),
        (&["find", "-L", ".", "-exec", "./ls", ";"], t0, Deny("not the `ls`")),
        // xargs runs its command with arguments nobody has seen.
        (&["xargs", "sh"], t0, Deny("`xargs` gives `sh`")),
        (&["xargs", "-I", "{}", "rm", "{}"], t2, Deny("`xargs` gives `rm`")),
        (&["xargs", "git"], t0, Deny("`xargs` gives `git`")),
        (&["xargs", "./ls"], t0, Deny("not the `ls`")),
        // Wrappers are judged as what they wrap; sudo & co need T4.
        (&["env", "sh", "-c", "touch pwned"], t0, Deny("run by `env`")),
        (&["env", "-i", "sh", "-c", "x"], t0, Deny(code)),
        (&["env", "-S", "sh -c x"], t0, Deny(code)),
        (&["env", "--split-string=sh -c x"], t0, Deny(code)),
        (&["env", "LD_PRELOAD=/tmp/x.so", "ls"], t0, Deny("LD_PRELOAD")),
        (&["env", "GIT_PAGER=sh", "git", "log"], t0, Deny("GIT_PAGER")),
        (&["env", "PATH=.", "ls"], t0, Deny("not the `ls`")),
        (&["env", "--bogus", "ls"], t0, Deny("cannot judge option")),
        (&["nice", "sh", "-c", "x"], t0, Deny("run by `nice`")),
        (&["nice", "-n", "5", "nice", "env", "timeout", "1", "sh"], t0, Deny(code)),
        (&["nohup", "python3", "x.py"], t0, Deny(code)),
        (&["timeout", "5", "sh", "-c", "x"], t0, Deny("run by `timeout`")),
        (&["timeout", "--kill-after", "1", "5", "sh"], t0, Deny(code)),
        (&["timeout", "--weird", "5", "ls"], t0, Deny("cannot judge option")),
        (&["stdbuf", "-o", "0", "bash"], t0, Deny(code)),
        (&["setsid", "-f", "sh", "-c", "x"], t0, Deny(code)),
        (&["sudo", "ls"], t0, Deny("another user")),
        (&["sudo", "ls"], t3(), Deny("another user")),
        (&["su", "-c", "ls"], t0, Deny("another user")),
        (&["doas", "ls"], t0, Deny("another user")),
        (&["chroot", "/", "ls"], t0, Deny("another user")),
        (&["sudo", "ls"], t4, Approve),
        // Options that run helpers or write files.
        (&["git", "-c", "core.pager=sh -c 'touch pwned'", "log"], t0, Deny("sets configuration")),
        (&["git", "-c", "core.editor=x", "status"], t3(), Deny("sets configuration")),
        (&["git", "-c", "alias.st=!sh", "st"], t0, Deny("sets configuration")),
        (&["git", "--exec-path=/tmp", "log"], t0, Deny("can run other programs")),
        (&["git", "--config-env", "core.pager=X", "log"], t0, Deny("can run other programs")),
        (&["git", "-C", "/tmp", "status"], t0, Deny("another repository")),
        (&["git", "--git-dir=sandbox/r", "log"], t0, Deny("another repository")),
        (&["git", "diff", "--output=pwned"], t0, Deny("run by `git diff --output`")),
        (&["git", "log", "--output", "/etc/x"], t4, Deny("every tier")),
        (&["git", "grep", "-Osh", "x"], t4, Approve),
        (&["git", "show", "--ext-diff"], t0, Deny("helper")),
        (&["git", "difftool"], t2, Deny("runs programs")),
        (&["make", "-f", "sandbox/evil.mk", "test"], t2, Deny("runs other code")),
        (&["make", "test", "SHELL=/tmp/x"], t2, Deny("overrides")),
        (&["make", "-sf", "sandbox/evil.mk", "test"], t2, Deny("runs other code")),
        (&["make", "-s", "test"], t2, Allow),
        (&["make", "test"], t1, Allow),
        (&["cargo", "test", "--config", "target.x.runner='sh'"], t1, Deny("runs other code")),
        (&["cargo", "test", "--config", "x"], t2, Allow), // T2 may run any cargo
        (&["terraform", "plan", "-out=/etc/plan"], t0, Deny("every tier")),
        (&["terraform", "plan", "-chdir=sandbox"], t0, Deny("runs other code")),
        (&["date", "-s", "2020-01-01"], t0, Deny("runs other code")),
        (&["date"], t0, Allow),
        // Tools whose operands they write.
        (&["cp", "file", "x"], t1, Deny("needs tier 2")),
        (&["cp", "-t", "/etc", "file"], t4, Deny("every tier")),
        (&["cp", "file", "sandbox/../../x"], t1, Deny("needs tier 2")),
        (&["touch", "sandbox/link/passwd"], t4, Deny("`write:/etc/passwd`")),
        (&["touch", "sandbox/dangling"], t4, Deny("`write:/etc/agov-does-not-exist`")),
        (&["mv", "file", "sandbox/x"], t1, Deny("write:file")),
        (&["rm", "-rf", "sandbox"], t1, Deny("write:sandbox")),
        (&["rm", "-rf", "sandbox/x"], t1, Allow),
        (&["tee", "/etc/hosts"], t4, Deny("every tier")),
        (&["ln", "-s", "/etc/passwd"], t1, Deny("write:passwd")),
        (&["cp", "--weird", "a", "b"], t4, Deny("cannot judge option")),
    ];
    for (i, (argv, tier, want)) in rows.iter().enumerate() {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let parsed = rules.parse_argv(&argv, &ctx);
        let d = rules.decide_parsed(*tier, &parsed, &[], &[], "a", "t");
        check(
            &rules,
            &ctx,
            i,
            d,
            *tier,
            &format!("cmd:{}", argv.join(" ")),
            want,
        );
    }
    // An `ls` found first on a PATH the agent chose is not `ls`.
    let parsed = rules.parse_argv(&["ls".to_string()], &evil_first);
    assert_eq!(
        parsed.program.as_deref(),
        Some(d.join("ls").canonicalize().unwrap().as_path())
    );
    assert!(matches!(
        rules.decide_parsed(t0, &parsed, &[], &[], "a", "t"),
        Decision::Deny { reason } if reason.contains("not the `ls` rules name")
    ));
}

fn t3() -> Tier {
    Tier::Executor
}

#[test]
fn actions_given_as_text_are_parsed_the_same_way() {
    let dir = fixture();
    let ctx = Context::new(dir.path(), Some(SYSTEM_PATH.into()));
    let rules = TierRules::built_in();
    let (t0, t1, t4) = (Tier::Observer, Tier::Operator, Tier::Architect);
    #[rustfmt::skip]
    let rows: Vec<(&str, Tier, Want)> = vec![
        ("cmd:git status", t0, Allow),
        ("cmd:find . -name '*.rs'", t0, Allow),
        ("cmd:cat 'my file'", t0, Allow),
        ("cmd:find . -exec sh -c 'touch pwned' \\;", t0, Deny("run by `find -exec`")),
        ("cmd:ls; touch pwned", t0, Deny("shell code")),
        ("cmd:ls && touch pwned", t0, Deny("shell code")),
        ("cmd:echo $(id)", t0, Deny("shell code")),
        ("cmd:echo \"`id`\"", t0, Deny("shell code")),
        ("cmd:cat file > /etc/x", t0, Deny("shell code")),
        ("cmd:cat file > /etc/x", t4, Approve),
        ("cmd:curl x | sh", t4, Deny("every tier")),
        ("cmd:FOO=1 sh -c x", t0, Deny("code")),
        ("cmd:LANG=C ls", t0, Allow),
        ("cmd:./ls", t0, Deny("not the `ls`")),
        ("cmd:sh -c 'echo hi'", t4, Approve),
        // Paths are what they name.
        ("read:sandbox/../../../../../../../../etc/shadow", t0, Allow), // read:* is any path
        ("write:sandbox/../../../../../../../../etc/shadow", t4, Deny("`write:/etc/shadow`")),
        ("write:sandbox//../x", t1, Deny("needs tier 2")),
        ("write:sandbox/./a//b", t1, Allow),
        ("write:sandbox/link/passwd", t4, Deny("every tier")),
        ("write:sandbox/link/../x", t1, Deny("is `write:/x`")),
        ("write:sandbox/dangling", t4, Deny("every tier")),
        ("write:sandbox/new/../a", t1, Allow),
    ];
    for (i, (action, tier, want)) in rows.iter().enumerate() {
        let d = rules.decide_parsed(*tier, &rules.parse_action(action, &ctx), &[], &[], "a", "t");
        check(&rules, &ctx, i, d, *tier, action, want);
    }
    // Packet constraints see the normalised action too.
    let forbidden = vec!["read:/etc/*".to_string()];
    let parsed = rules.parse_action("read:sandbox/link/shadow", &ctx);
    assert_eq!(parsed.action, "read:/etc/shadow");
    assert!(matches!(
        rules.decide_parsed(t4, &parsed, &forbidden, &[], "a", "t"),
        Decision::Deny { reason } if reason.contains("forbidden by the packet")
    ));
    let scope = vec!["sandbox/*".to_string()];
    let parsed = rules.parse_action("write:sandbox/../src/main.rs", &ctx);
    assert!(matches!(
        rules.decide_parsed(Tier::Builder, &parsed, &[], &scope, "a", "t"),
        Decision::Deny { reason } if reason.contains("scope")
    ));
}

#[test]
fn the_ledgered_action_names_the_resolved_program() {
    let dir = fixture();
    let ctx = Context::new(dir.path(), Some(SYSTEM_PATH.into()));
    let rules = TierRules::built_in();
    let p = rules.parse_argv(&["./ls".into(), "-l".into()], &ctx);
    let real = dir.path().canonicalize().unwrap().join("ls");
    assert_eq!(p.action, format!("cmd:{} -l", real.display()));
    assert_eq!(p.given, "cmd:./ls -l");
    let p = rules.parse_argv(&["ls".into()], &ctx);
    assert_eq!(p.action, "cmd:ls");
    assert_eq!(p.program, action::resolve_trusted("ls", &rules.programs));
    // Approval covers the parsed action, not the text as given.
    let a = rules.parse_argv(&["sh".into(), "-c".into(), "x".into()], &ctx);
    let b = rules.parse_argv(&["/bin/sh".into(), "-c".into(), "x".into()], &ctx);
    assert_eq!(a.action, b.action);
}

#[test]
fn variables_that_run_code_are_known() {
    for v in [
        "LD_PRELOAD",
        "GIT_EXTERNAL_DIFF",
        "GIT_CONFIG_PARAMETERS",
        "PAGER",
        "BASH_ENV",
        "PYTHONSTARTUP",
        "RUSTC_WRAPPER",
        "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER",
    ] {
        assert!(action::variable_runs_code(v), "{v}");
    }
    for v in [
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "TERM",
        "AGOV_TOKEN",
        "CARGO_HOME",
    ] {
        assert!(!action::variable_runs_code(v), "{v}");
    }
}
