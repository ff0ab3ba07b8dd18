//! The bad-input table: for every binary, malformed and hostile input gets
//! its documented exit code and a message that says what is wrong, and
//! writes nothing. The same rows are in docs/exit-codes.md ("Bad input"); a
//! test keeps the two in step.

use crate::common::{TestEnv, files_under};

/// One row: how it reads in docs/exit-codes.md, the tool, its arguments (`{dir}`
/// is the test's folder), the exit code, a fragment of the message.
struct Row {
    shown: &'static str,
    tool: &'static str,
    args: &'static [&'static str],
    exit: i32,
    says: &'static str,
}

const ROWS: &[Row] = &[
    Row {
        shown: "bugs get x1",
        tool: "bugs",
        args: &["get", "x1"],
        exit: 64,
        says: "is not a bug id",
    },
    Row {
        shown: "pipeline revoke p-x --reason ' '",
        tool: "pipeline",
        args: &["revoke", "p-x", "--reason", " "],
        exit: 64,
        says: "the reason is empty",
    },
    Row {
        shown: "pipeline agents revoke a1 --reason ''",
        tool: "pipeline",
        args: &["agents", "revoke", "a1", "--reason", ""],
        exit: 64,
        says: "the reason is empty",
    },
    Row {
        shown: "bugs get b999",
        tool: "bugs",
        args: &["get", "b999"],
        exit: 1,
        says: "no bug b999",
    },
    Row {
        shown: "bugs log -m ''",
        tool: "bugs",
        args: &["log", "-m", ""],
        exit: 64,
        says: "needs a title",
    },
    Row {
        shown: "bugs log 'flaky lock' (no -m)",
        tool: "bugs",
        args: &["log", "flaky lock"],
        exit: 64,
        says: "takes the title with -m",
    },
    Row {
        shown: "bugs log -m x --severity urgent",
        tool: "bugs",
        args: &["log", "-m", "x", "--severity", "urgent"],
        exit: 64,
        says: "is not a severity",
    },
    Row {
        shown: "bugs update b1 closed (from open)",
        tool: "bugs",
        args: &["update", "b1", "closed"],
        exit: 64,
        says: "cannot become closed",
    },
    Row {
        shown: "memory fetch zz",
        tool: "memory",
        args: &["fetch", "zz"],
        exit: 64,
        says: "is not a memory id",
    },
    Row {
        shown: "memory fetch m99",
        tool: "memory",
        args: &["fetch", "m99"],
        exit: 1,
        says: "no memory entry m99",
    },
    Row {
        shown: "memory fetch m1 --lines 5:2",
        tool: "memory",
        args: &["fetch", "m1", "--lines", "5:2"],
        exit: 64,
        says: "is not a line range",
    },
    Row {
        shown: "memory log --title 'two\\nlines'",
        tool: "memory",
        args: &["log", "--title", "two\nlines"],
        exit: 64,
        says: "one line",
    },
    Row {
        shown: "memory log no-such-file",
        tool: "memory",
        args: &["log", "{dir}/no-such-file"],
        exit: 64,
        says: "cannot read",
    },
    Row {
        shown: "status update ../../etc --root proj (path traversal)",
        tool: "status",
        args: &[
            "update",
            "{dir}/proj/../../../etc",
            "--phase",
            "complete",
            "--root",
            "{dir}/proj",
        ],
        exit: 64,
        says: "is outside",
    },
    Row {
        shown: "status update proj/link --root proj (a symlink to /etc)",
        tool: "status",
        args: &[
            "update",
            "{dir}/proj/link",
            "--phase",
            "complete",
            "--root",
            "{dir}/proj",
        ],
        exit: 64,
        says: "is outside",
    },
    Row {
        shown: "status update DIR --phase done",
        tool: "status",
        args: &["update", "{dir}/proj", "--phase", "done"],
        exit: 64,
        says: "is not a phase",
    },
    Row {
        shown: "checkpoint show x",
        tool: "checkpoint",
        args: &["show", "x"],
        exit: 64,
        says: "is not a checkpoint id",
    },
    Row {
        shown: "checkpoint show c999",
        tool: "checkpoint",
        args: &["show", "c999"],
        exit: 1,
        says: "no checkpoint c999",
    },
    Row {
        shown: "ledger show abc",
        tool: "ledger",
        args: &["show", "abc"],
        exit: 64,
        says: "is not an event number",
    },
    Row {
        shown: "ledger query --since yesterdayish",
        tool: "ledger",
        args: &["query", "--since", "yesterdayish"],
        exit: 64,
        says: "is not a time",
    },
    Row {
        shown: "pipeline token issue --tier 9",
        tool: "pipeline",
        args: &["token", "issue", "--tier", "9"],
        exit: 64,
        says: "tier 9 does not exist",
    },
    Row {
        shown: "pipeline token lookup FORGED",
        tool: "pipeline",
        args: &["token", "lookup", "forgedaccessor0000"],
        exit: 3,
        says: "revoked, expired or unknown",
    },
    Row {
        shown: "pipeline agents promote x --to 7",
        tool: "pipeline",
        args: &["agents", "promote", "x", "--to", "7"],
        exit: 64,
        says: "tier 7 does not exist",
    },
    Row {
        shown: "pipeline agent run --packet bad.json (malformed JSON)",
        tool: "pipeline",
        args: &["agent", "run", "--packet", "{dir}/bad.json", "--", "true"],
        exit: 64,
        says: "packet",
    },
    Row {
        shown: "pipeline spawn --plan bad-utf8.yaml",
        tool: "pipeline",
        args: &["spawn", "--plan", "{dir}/bad-utf8.yaml"],
        exit: 64,
        says: "UTF-8",
    },
    Row {
        shown: "pipeline spawn --plan pl99 (no such stored plan)",
        tool: "pipeline",
        args: &["spawn", "--plan", "pl99"],
        exit: 64,
        says: "there is no stored plan `pl99`",
    },
    Row {
        shown: "pipeline spawn --plan laughs.yaml (billion laughs)",
        tool: "pipeline",
        args: &["spawn", "--plan", "{dir}/laughs.yaml"],
        exit: 64,
        says: "anchors",
    },
    Row {
        shown: "pipeline validate huge.yaml (over 1 MiB)",
        tool: "pipeline",
        args: &["validate", "{dir}/huge.yaml"],
        exit: 64,
        says: "larger than",
    },
    Row {
        shown: "pipeline templates add bad-utf8.yaml",
        tool: "pipeline",
        args: &["templates", "add", "{dir}/bad-utf8.yaml"],
        exit: 64,
        says: "not UTF-8",
    },
    Row {
        shown: "pipeline templates show \"x'; DROP TABLE templates;--\"",
        tool: "pipeline",
        args: &["templates", "show", "x'; DROP TABLE templates;--"],
        exit: 64,
        says: "does not name a template",
    },
    Row {
        shown: "pipeline status p-nope",
        tool: "pipeline",
        args: &["status", "p-nope"],
        exit: 1,
        says: "no pipeline",
    },
    Row {
        shown: "pipeline consensus fallback ID --action bogus",
        tool: "pipeline",
        args: &["consensus", "fallback", "p-nope", "--action", "bogus"],
        exit: 64,
        says: "invalid value 'bogus'",
    },
    Row {
        shown: "bugs --tenant '../x' list",
        tool: "bugs",
        args: &["--tenant", "../x", "list"],
        exit: 64,
        says: "is not a tenant name",
    },
    Row {
        shown: "validate-phases --phase 13",
        tool: "validate-phases",
        args: &["--phase", "13"],
        exit: 64,
        says: "13",
    },
];

fn fixtures(env: &TestEnv) {
    let dir = env.dir.path();
    std::fs::create_dir_all(dir.join("proj")).unwrap();
    std::os::unix::fs::symlink("/etc", dir.join("proj/link")).unwrap();
    std::fs::write(dir.join("bad.json"), "{\"agent_id\": \"a\", bogus").unwrap();
    std::fs::write(dir.join("bad-utf8.yaml"), b"name: x\n\xff\xfe\n").unwrap();
    std::fs::write(
        dir.join("laughs.yaml"),
        "a: &a [lol, lol, lol]\nb: &b [*a, *a, *a]\nname: [*b, *b, *b]\n",
    )
    .unwrap();
    let mut huge = String::from("name: x\n");
    while huge.len() <= 1 << 20 {
        huge.push_str("# padding padding padding padding padding padding\n");
    }
    std::fs::write(dir.join("huge.yaml"), huge).unwrap();
}

/// What a row could have changed: the files, and the ledger's last event.
fn state(env: &TestEnv) -> (Vec<String>, String) {
    let head = env.run("ledger", &["tail", "-n", "1", "--json"]).stdout;
    let mut files = files_under(&env.data());
    // Every command notes its latency; that line is not data.
    files.retain(|f| !f.starts_with("latency.log"));
    (files, head)
}

#[test]
fn every_bad_input_gets_its_exit_code_and_message_and_writes_nothing() {
    let env = TestEnv::new();
    fixtures(&env);
    env.run("bugs", &["log", "-m", "seed"]).expect(0);
    env.run_with_stdin("memory", &["log"], Some(b"seed\n"))
        .expect(0);
    let dir = env.dir.path().display().to_string();
    for row in ROWS {
        let args: Vec<String> = row.args.iter().map(|a| a.replace("{dir}", &dir)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = state(&env);
        let r = env.run(row.tool, &args);
        assert_eq!(r.code, row.exit, "{}: {}{}", row.shown, r.stdout, r.stderr);
        // `pipeline validate` lists the problems on stdout, as its data.
        assert!(
            r.stderr.contains(row.says) || r.stdout.contains(row.says),
            "{}: wanted `{}` in {}{}",
            row.shown,
            row.says,
            r.stdout,
            r.stderr
        );
        assert_eq!(state(&env), before, "{}: something was written", row.shown);
    }
    assert!(!std::path::Path::new("/etc/STATUS.md").exists());
}

/// With `--json`, every row, clap's own usage errors included, is one JSON
/// error object on stderr (schema/json/error.schema.json) with the same
/// exit code and words, and still writes nothing.
#[test]
fn every_bad_input_with_json_is_one_error_object() {
    let env = TestEnv::new();
    fixtures(&env);
    env.run("bugs", &["log", "-m", "seed"]).expect(0);
    env.run_with_stdin("memory", &["log"], Some(b"seed\n"))
        .expect(0);
    let dir = env.dir.path().display().to_string();
    for row in ROWS {
        let mut args: Vec<String> = row.args.iter().map(|a| a.replace("{dir}", &dir)).collect();
        // Before a `--`: what follows it is the agent's command line.
        let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
        args.insert(at, "--json".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = state(&env);
        let r = env.run(row.tool, &args);
        assert_eq!(
            r.code, row.exit,
            "{} --json: {}{}",
            row.shown, r.stdout, r.stderr
        );
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "{} --json: stderr is not one line:\n{}",
            row.shown,
            r.stderr
        );
        let err: serde_json::Value = serde_json::from_str(lines[0]).unwrap_or_else(|e| {
            panic!(
                "{} --json: stderr is not JSON ({e}): {}",
                row.shown, r.stderr
            )
        });
        crate::schemas::assert_shape("error.schema.json", &err);
        assert_eq!(err["error"]["exit_code"], row.exit, "{}", row.shown);
        let message = err["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(row.says) || r.stdout.contains(row.says),
            "{} --json: wanted `{}` in {err}{}",
            row.shown,
            row.says,
            r.stdout
        );
        assert_eq!(
            state(&env),
            before,
            "{} --json: something was written",
            row.shown
        );
    }
}

/// A usage error clap finds (a missing required flag) is the JSON object
/// too, with the usage line as its hint, and exit 64.
#[test]
fn a_missing_flag_with_json_is_one_error_object() {
    let env = TestEnv::new();
    for (tool, args) in [
        ("pipeline", &["spawn", "--json"][..]),
        ("pipeline", &["--json", "revoke", "p-1"]),
        ("ledger", &["note", "--json"]),
        ("bugs", &["--json", "frobnicate"]),
    ] {
        let r = env.run(tool, args).expect(64);
        let err: serde_json::Value = serde_json::from_str(r.stderr.trim())
            .unwrap_or_else(|e| panic!("{tool} {args:?}: stderr is not JSON ({e}): {}", r.stderr));
        crate::schemas::assert_shape("error.schema.json", &err);
        assert_eq!(err["error"]["exit_code"], 64);
        assert!(
            err["error"]["hint"].as_str().unwrap().contains("--help"),
            "{tool} {args:?}: {err}"
        );
        assert!(r.stdout.is_empty(), "{tool} {args:?}: {}", r.stdout);
    }
    // Without --json it stays clap's text, with the same exit code.
    let r = env.run("pipeline", &["spawn"]).expect(64);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
}

#[test]
fn sql_looking_text_is_just_text() {
    let env = TestEnv::new();
    let title = "'; DROP TABLE bugs; --";
    let logged = env
        .run("bugs", &["log", "-m", title, "--json"])
        .expect(0)
        .json();
    assert_eq!(logged["title"], title);
    let found = env
        .run("bugs", &["search", "DROP", "TABLE", "--json"])
        .expect(0)
        .json();
    assert_eq!(found[0]["bug"]["title"], title, "{found}");
    env.run("memory", &["search", "\" OR 1=1 --"]).expect(0);
    env.run("ledger", &["verify"]).expect(0);
}

#[test]
fn every_row_is_in_the_exit_codes_page() {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/exit-codes.md"
    ))
    .unwrap();
    for row in ROWS {
        let line = format!("| `{}` | {} | {} |", row.shown, row.exit, row.says);
        assert!(
            page.contains(&line),
            "docs/exit-codes.md lacks the row\n{line}"
        );
    }
}
