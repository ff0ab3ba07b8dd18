//! `pipeline agent exec` against real escape attempts (issue 16, item 5):
//! each is refused with exit 3 before anything runs, its side effect does
//! not happen, and the ledger holds the denied event with the parsed
//! action; legitimate commands still run at T0; inside an agent the tier is
//! its token's.

use crate::common::TestEnv;

/// A folder with a file, a git repository and an `ls` that is not `ls`.
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    let d = env.dir.path();
    std::fs::write(d.join("file"), "one\ntwo\n").unwrap();
    std::fs::create_dir(d.join("src")).unwrap();
    std::fs::write(d.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::create_dir(d.join("bin")).unwrap();
    for fake in ["ls", "bin/cat"] {
        let p = d.join(fake);
        std::fs::write(&p, "#!/bin/sh\ntouch pwned\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    env.sh("git init -q . && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m init")
        .expect(0);
    env
}

fn exec_events(env: &TestEnv) -> Vec<serde_json::Value> {
    env.run("ledger", &["query", "--action", "agent.exec", "--json"])
        .expect(0)
        .json()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn escape_attempts_at_t0_are_denied_before_they_run_and_ledgered_as_parsed() {
    let env = fixture();
    let d = env.dir.path().canonicalize().unwrap();
    // (shell words after `--`, what the reason says, the parsed action's program)
    let rows: &[(&str, &str, &str)] = &[
        (
            "find . -exec sh -c 'touch pwned' \\;",
            "run by `find -exec`",
            "find",
        ),
        (
            "find . -execdir sh -c 'touch pwned' \\;",
            "run by `find -execdir`",
            "find",
        ),
        ("find . -fprint pwned", "`write:pwned`", "find"),
        ("find . -name file -delete", "run by `find -delete`", "find"),
        ("env sh -c 'touch pwned'", "run by `env`", "env"),
        ("env LD_PRELOAD=./pwned.so ls", "LD_PRELOAD", "env"),
        ("env PATH=. ls", "not the `ls` rules name", "env"),
        ("nice -n 5 sh -c 'touch pwned'", "run by `nice`", "nice"),
        (
            "timeout 5 sh -c 'touch pwned'",
            "run by `timeout`",
            "timeout",
        ),
        ("nohup sh -c 'touch pwned'", "run by `nohup`", "nohup"),
        ("setsid -w sh -c 'touch pwned'", "run by `setsid`", "setsid"),
        (
            "stdbuf -o0 sh -c 'touch pwned'",
            "run by `stdbuf`",
            "stdbuf",
        ),
        ("./ls", "not the `ls` rules name", "ls"),
        ("bin/cat file", "not the `cat` rules name", "cat"),
        (
            "git -c core.pager='sh -c \"touch pwned\"' log",
            "sets configuration",
            "git",
        ),
        (
            "git -c alias.x='!touch pwned' x",
            "sets configuration",
            "git",
        ),
        (
            "git diff --output=pwned",
            "run by `git diff --output`",
            "git",
        ),
        ("git log --output pwned", "run by `git log --output`", "git"),
        ("xargs sh", "`xargs` gives `sh`", "xargs"),
        ("xargs -I{} sh -c {}", "`xargs` gives `sh`", "xargs"),
        ("sh -c 'touch pwned'", "runs the code it is given", "sh"),
        ("bash -c 'touch pwned'", "runs the code it is given", "bash"),
        ("sudo touch pwned", "another user", "sudo"),
        ("touch pwned", "needs tier 1", "touch"),
    ];
    for (i, (words, reason, program)) in rows.iter().enumerate() {
        let r = env.sh(&format!(
            "echo \"-c 'touch pwned'\" | \"$PIPELINE\" agent exec --tier 0 -- {words}"
        ));
        assert_eq!(r.code, 3, "row {i} `{words}`: {r:?}");
        assert!(r.stderr.contains(reason), "row {i} `{words}`: {}", r.stderr);
        assert!(r.stderr.contains("hint:"), "row {i}: {}", r.stderr);
        assert!(
            !d.join("pwned").exists(),
            "row {i} `{words}` ran its escape"
        );
        let events = exec_events(&env);
        let e = &events.last().unwrap()["detail"];
        assert_eq!(e["decision"], "deny", "row {i}: {e}");
        assert_eq!(e["tier"], 0, "row {i}: {e}");
        assert!(
            e["reason"].as_str().unwrap().contains(reason),
            "row {i}: {e}"
        );
        assert!(e["exit_code"].is_null(), "row {i} did not run: {e}");
        assert!(e["argv"].is_array(), "row {i}: {e}");
        let action = e["action"].as_str().unwrap();
        assert!(action.starts_with("cmd:"), "row {i}: {e}");
        // The program as it was resolved: a bare name only when it is the
        // trusted one, the path it really is otherwise.
        let resolved = e["program"].as_str().unwrap_or_default();
        if resolved.starts_with(&*d.to_string_lossy()) {
            assert!(
                action.starts_with(&format!("cmd:{resolved}")),
                "row {i}: {e}"
            );
        } else if !resolved.is_empty() {
            assert!(
                action.starts_with(&format!("cmd:{program}")),
                "row {i}: {e}"
            );
        }
    }
    assert_eq!(exec_events(&env).len(), rows.len());
}

#[test]
fn a_path_the_agent_puts_first_on_path_is_not_the_allowed_command() {
    let env = fixture();
    let d = env.dir.path().canonicalize().unwrap();
    let r = env.sh("PATH=\"$PWD:$PATH\" \"$PIPELINE\" agent exec --tier 0 -- ls");
    assert_eq!(r.code, 3, "{r:?}");
    assert!(!d.join("pwned").exists());
    let events = exec_events(&env);
    let e = &events.last().unwrap()["detail"];
    assert_eq!(e["program"], d.join("ls").display().to_string(), "{e}");
    assert_eq!(
        e["action"],
        format!("cmd:{}", d.join("ls").display()),
        "{e}"
    );
    assert_eq!(e["given"], "cmd:ls", "{e}");
    // A symlink to the real ls is ls, and what runs is the canonical file.
    let real = env.sh("readlink -f \"$(PATH=/usr/local/bin:/usr/bin:/bin command -v ls)\"");
    let real = real.stdout.trim();
    std::fs::create_dir(d.join("links")).unwrap();
    std::os::unix::fs::symlink(real, d.join("links/ls")).unwrap();
    env.sh("PATH=\"$PWD/links:$PATH\" \"$PIPELINE\" agent exec --tier 0 -- ls file")
        .expect(0);
    let events = exec_events(&env);
    let e = &events.last().unwrap()["detail"];
    assert_eq!(e["program"], real, "{e}");
    assert_eq!(e["decision"], "allow", "{e}");
    assert_eq!(e["action"], "cmd:ls file", "{e}");
}

#[test]
fn legitimate_commands_still_run_at_t0() {
    let env = fixture();
    for words in [
        "ls",
        "ls -la src",
        "cat file",
        "head -n1 file",
        "tail -n1 file",
        "wc -l file",
        "grep -r main src",
        "git status",
        "git log --oneline",
        "find . -name '*.rs'",
        "find src -name '*.rs' -exec cat {} \\;",
        "echo hello",
        "true",
        "nice -n 5 cat file",
        "timeout 5 cat file",
        "env LANG=C ls",
    ] {
        let r = env.sh(&format!("\"$PIPELINE\" agent exec --tier 0 -- {words}"));
        assert_eq!(r.code, 0, "`{words}`: {r:?}");
        let events = exec_events(&env);
        let e = &events.last().unwrap()["detail"];
        assert_eq!(e["decision"], "allow", "`{words}`: {e}");
        assert_eq!(e["exit_code"], 0, "`{words}`: {e}");
        assert!(
            e["program"].as_str().unwrap().starts_with('/'),
            "`{words}`: {e}"
        );
    }
    let out = env.sh("\"$PIPELINE\" agent exec --tier 0 -- find . -name '*.rs'");
    assert_eq!(out.stdout.trim(), "./src/main.rs", "{out:?}");
}

#[test]
fn inside_an_agent_the_tier_is_its_tokens() {
    let env = fixture();
    let token = env
        .run(
            "pipeline",
            &["token", "issue", "--tier", "0", "--reveal", "--json"],
        )
        .expect(0)
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let with = |args: &str| {
        env.sh(&format!(
            "AGOV_TOKEN='{token}' \"$PIPELINE\" agent exec {args}"
        ))
    };
    // Asking for a higher tier is refused and ledgered.
    let r = with("--tier 2 -- touch pwned");
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("token is tier 0") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );
    assert!(!env.dir.path().join("pwned").exists());
    let events = exec_events(&env);
    assert_eq!(events.last().unwrap()["detail"]["decision"], "deny");
    // A different lower tier is a usage error.
    let t1 = env
        .run(
            "pipeline",
            &["token", "issue", "--tier", "1", "--reveal", "--json"],
        )
        .expect(0)
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env.sh(&format!(
        "AGOV_TOKEN='{t1}' \"$PIPELINE\" agent exec --tier 0 -- true"
    ));
    assert_eq!(r.code, 64, "{r:?}");
    // Its own tier, with or without the flag.
    with("--tier 0 -- true").expect(0);
    with("-- cat file").expect(0);
    assert_eq!(with("-- touch pwned").code, 3);
    assert!(!env.dir.path().join("pwned").exists());
}

#[test]
fn variables_that_would_run_other_code_do_not_reach_the_command() {
    let env = fixture();
    let d = env.dir.path().canonicalize().unwrap();
    // A tracked file with a change, so that `git diff` has a diff to show.
    env.sh("git add file && git -c user.email=t@t -c user.name=t commit -q -m file && echo three >> file")
        .expect(0);
    let r = env.sh(
        "GIT_EXTERNAL_DIFF=\"$PWD/ls\" GIT_PAGER=\"$PWD/ls\" PAGER=\"$PWD/ls\" \
         \"$PIPELINE\" agent exec --tier 0 -- git diff",
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("+three"), "git's own diff ran: {r:?}");
    assert!(
        !d.join("pwned").exists(),
        "a helper from the environment ran"
    );
    let events = exec_events(&env);
    let e = &events.last().unwrap()["detail"];
    assert_eq!(e["decision"], "allow", "{e}");
    let removed: Vec<&str> = e["env_removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for v in ["GIT_EXTERNAL_DIFF", "GIT_PAGER", "PAGER"] {
        assert!(removed.contains(&v), "{v} not removed: {e}");
    }
}
