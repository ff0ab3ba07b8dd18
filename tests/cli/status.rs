//! The `status` tool.

use crate::common::TestEnv;

fn tree(env: &TestEnv) -> std::path::PathBuf {
    let root = env.dir.path().join("proj");
    for d in [
        "api",
        "web",
        "docs/guide",
        "node_modules/pkg",
        "target/debug",
    ] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(root.join(".gitignore"), "node_modules/\ntarget/\n").unwrap();
    root
}

fn status_in(env: &TestEnv, cwd: &std::path::Path, args: &[&str]) -> crate::common::Run {
    let mut script = format!("cd '{}' && \"$STATUS\"", cwd.display());
    for a in args {
        script.push_str(&format!(" '{a}'"));
    }
    env.sh(&script)
}

#[test]
fn update_sweep_dashboard_round_trip() {
    let env = TestEnv::new();
    let root = tree(&env);
    let r = status_in(
        &env,
        &root,
        &[
            "update",
            "api",
            "--phase",
            "in_progress",
            "--task",
            "tokenizer",
            "--task",
            "recovery",
            "--owner",
            "ana",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (j["phase"].as_str(), j["tasks_total"].as_u64()),
        (Some("in_progress"), Some(2))
    );
    assert_eq!(
        status_in(
            &env,
            &root,
            &["update", "api", "--done", "tokenizer", "--note", "half way"]
        )
        .code,
        0
    );
    assert_eq!(
        status_in(
            &env,
            &root,
            &["update", "docs/guide", "--phase", "complete"]
        )
        .code,
        0
    );

    let sweep: serde_json::Value =
        serde_json::from_str(&status_in(&env, &root, &["sweep", "--json"]).stdout).unwrap();
    let paths: Vec<&str> = sweep["dirs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![".", "api", "docs", "docs/guide", "web"],
        "ignored and hidden directories are skipped"
    );
    let api = &sweep["dirs"][1];
    assert_eq!(
        (
            api["tasks_done"].as_u64(),
            api["owner"].as_str(),
            api["state"].as_str()
        ),
        (Some(1), Some("ana"), Some("ok"))
    );

    let dash: serde_json::Value =
        serde_json::from_str(&status_in(&env, &root, &["dashboard", "--json"]).stdout).unwrap();
    assert_eq!(dash["phases"]["in_progress"]["dirs"], 1);
    assert_eq!(dash["phases"]["complete"]["dirs"], 1);
    assert_eq!(
        (
            dash["missing"].as_u64(),
            dash["tasks_done"].as_u64(),
            dash["tasks_total"].as_u64()
        ),
        (Some(3), Some(1), Some(2))
    );

    let events = env
        .run("ledger", &["query", "--action", "status.update", "--json"])
        .expect(0)
        .json();
    assert_eq!(events.as_array().unwrap().len(), 3);
    assert_eq!(events[1]["detail"]["done"][0], "tokenizer");
}

#[test]
fn hand_written_text_survives_updates() {
    let env = TestEnv::new();
    let root = tree(&env);
    let original = "---\nphase: in_progress\nowner: ana\nreviewer: bob\n---\n# API\n\nDesign notes *by hand*.\n\n## Tasks\n- [ ] one\n\n## Notes\n- old note\n\n## Links\n- https://example.invalid\n";
    std::fs::write(root.join("api/STATUS.md"), original).unwrap();
    assert_eq!(
        status_in(
            &env,
            &root,
            &[
                "update", "api", "--phase", "blocked", "--task", "two", "--done", "1", "--note",
                "new"
            ]
        )
        .code,
        0
    );
    let text = std::fs::read_to_string(root.join("api/STATUS.md")).unwrap();
    for kept in [
        "reviewer: bob",
        "Design notes *by hand*.",
        "- old note",
        "## Links\n- https://example.invalid",
        "- [x] one\n- [ ] two",
    ] {
        assert!(text.contains(kept), "lost `{kept}`:\n{text}");
    }
    assert!(text.contains("phase: blocked"));
    let leftovers: Vec<_> = std::fs::read_dir(root.join("api"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}

#[test]
fn bad_input_gets_a_clear_message_and_changes_nothing() {
    let env = TestEnv::new();
    let root = tree(&env);
    let outside = env.dir.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("escape")).unwrap();
    let r = status_in(&env, &root, &["update", "escape", "--phase", "complete"]);
    assert_eq!(r.code, 64, "{r:?}");
    assert!(r.stderr.contains("is outside"), "{}", r.stderr);
    assert!(!outside.join("STATUS.md").exists());
    assert_eq!(
        status_in(&env, &root, &["update", "/", "--phase", "complete"]).code,
        64
    );
    assert_eq!(
        status_in(&env, &root, &["update", "nope", "--phase", "complete"]).code,
        64
    );
    assert_eq!(
        status_in(&env, &root, &["update", "api", "--phase", "done"]).code,
        64
    );
    assert_eq!(status_in(&env, &root, &["update", "api"]).code, 64);
    assert_eq!(
        status_in(&env, &root, &["update", "api", "--done", "7"]).code,
        64
    );
    assert!(
        !root.join("api/STATUS.md").exists(),
        "a refused update writes nothing"
    );

    std::fs::write(root.join("web/STATUS.md"), "---\nphase: in_progress\n").unwrap();
    let r = status_in(&env, &root, &["update", "web", "--phase", "complete"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("malformed") && r.stderr.contains("by hand"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(root.join("web/STATUS.md")).unwrap(),
        "---\nphase: in_progress\n"
    );

    let r = status_in(&env, &root, &["sweep", "--json"]);
    assert_eq!(r.code, 1, "an invalid STATUS.md fails the sweep: {r:?}");
    let sweep: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let web = sweep["dirs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "web")
        .unwrap()
        .clone();
    assert_eq!(web["state"], "invalid");
    std::os::unix::fs::symlink(&root, root.join("docs/loop")).unwrap();
    let r = status_in(&env, &root, &["sweep"]);
    assert_eq!(r.code, 1, "web is still invalid: {r:?}");
    assert!(
        r.stderr.contains("is invalid: web") && !r.stderr.contains("loop"),
        "each invalid one is named, a symlink loop is not followed: {}",
        r.stderr
    );
    std::fs::remove_file(root.join("web/STATUS.md")).unwrap();
    assert_eq!(
        status_in(&env, &root, &["sweep"]).code,
        0,
        "nothing invalid: exit 0"
    );
    assert_eq!(status_in(&env, &root, &["sweep", "no/such/dir"]).code, 64);
    let ledger = env.run("ledger", &["verify", "--json"]);
    assert!(
        ledger.stdout.contains("\"events\":0"),
        "refused updates ledger nothing: {}",
        ledger.stdout
    );
}

#[test]
fn stale_files_are_flagged() {
    let env = TestEnv::new();
    let root = tree(&env);
    std::fs::write(
        root.join("web/STATUS.md"),
        "---\nphase: in_progress\nupdated: 2020-01-01T00:00:00Z\n---\n",
    )
    .unwrap();
    std::fs::write(
        root.join("api/STATUS.md"),
        "---\nphase: complete\nupdated: 2020-01-01T00:00:00Z\n---\n",
    )
    .unwrap();
    let sweep: serde_json::Value =
        serde_json::from_str(&status_in(&env, &root, &["sweep", "--json"]).stdout).unwrap();
    let state = |p: &str| {
        sweep["dirs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == p)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state("web"), "stale");
    assert_eq!(state("api"), "ok", "finished work does not go stale");
}

/// The documentation's own example STATUS.md (docs/tools.md; issue 19, item 4): its front matter
/// is YAML, so the comment after the phase is a comment; an update changes
/// that value only, keeping the comment, every other line and its quoting.
#[test]
fn the_documented_example_round_trips_and_symlinks_are_refused() {
    let env = TestEnv::new();
    let root = tree(&env);
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/tools.md"),
    )
    .unwrap();
    let start = readme
        .find("A STATUS.md is Markdown")
        .and_then(|i| readme[i..].find("```markdown\n").map(|j| i + j + 12))
        .expect("the STATUS.md example in docs/tools.md");
    let example = &readme[start..start + readme[start..].find("```").unwrap()];
    assert!(
        example.contains("phase: in_progress          # not_started"),
        "{example}"
    );
    let with_quotes = example.replace("owner: ana", "owner: \"ana\"\n\n# reviewed weekly");
    std::fs::write(root.join("api/STATUS.md"), &with_quotes).unwrap();
    let sweep = status_in(&env, &root, &["sweep", "--json"])
        .expect(0)
        .json();
    let api = sweep["dirs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "api")
        .unwrap()
        .clone();
    // Valid (old, so stale), where it used to be invalid.
    assert_eq!(api["state"], "stale", "{api}");
    assert_eq!(api["phase"], "in_progress", "{api}");
    assert_eq!(api["owner"], "ana", "the quotes are YAML's: {api}");
    status_in(&env, &root, &["update", "--phase", "blocked", "api"]).expect(0);
    let after = std::fs::read_to_string(root.join("api/STATUS.md")).unwrap();
    let expected = with_quotes.replace(
        "phase: in_progress          # not_started",
        "phase: blocked          # not_started",
    );
    // The update also stamps `updated`; every other line is as written.
    let strip = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with("updated:"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(strip(&after), strip(&expected), "{after}");

    // A STATUS.md that is a link to a file outside: neither read nor written.
    let outside = env.dir.path().join("outside.md");
    std::fs::write(&outside, "---\nphase: complete\n---\nsecret\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("web/STATUS.md")).unwrap();
    let sweep = status_in(&env, &root, &["sweep", "--json"]).json();
    let web = sweep["dirs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "web")
        .unwrap()
        .clone();
    assert_eq!(web["state"], "invalid", "{web}");
    assert!(
        web["problem"].as_str().unwrap().contains("symbolic link"),
        "{web}"
    );
    let r = status_in(&env, &root, &["update", "--phase", "blocked", "web"]);
    assert_eq!(r.code, 64, "{r:?}");
    assert!(
        r.stderr.contains("symbolic link") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "---\nphase: complete\n---\nsecret\n"
    );
}
