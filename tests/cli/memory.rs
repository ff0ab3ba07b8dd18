//! The `memory` tool on the embedded default: byte-exact round trips through
//! the binary, parts and summaries, search, errors, and kill -9 safety.

use crate::common::TestEnv;

/// Log-like text with an error line now and then.
fn log_text(lines: usize) -> String {
    (0..lines)
        .map(|i| {
            if i % 1000 == 999 {
                format!("{i} ERROR lock lost for agent-{}\n", i % 7)
            } else {
                format!(
                    "{i} INFO request {} served in {} ms\n",
                    i * 7919 % 10007,
                    i % 300
                )
            }
        })
        .collect()
}

fn sha256_of(env: &TestEnv, path: &str) -> String {
    env.sh(&format!("sha256sum {path}")).expect(0).stdout[..64].to_string()
}

#[test]
fn log_fetch_list_search_rm_from_the_command_line() {
    let env = TestEnv::new();
    let text = log_text(60_000);
    let logged = env
        .run_with_stdin(
            "memory",
            &["log", "--title", "service log", "--tag", "ops", "--json"],
            Some(text.as_bytes()),
        )
        .expect(0)
        .json();
    assert_eq!(logged["id"], "m1");
    assert_eq!(logged["bytes"].as_u64().unwrap() as usize, text.len());
    assert_eq!(logged["lines"], 60_000);
    assert!(logged["chunks"].as_u64().unwrap() > 1, "{logged}");

    // Whole, a line range and a chunk, byte for byte.
    let whole = env.run("memory", &["fetch", "m1"]).expect(0);
    assert_eq!(whole.stdout, text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let part = env
        .run("memory", &["fetch", "m1", "--lines", "1234:1240"])
        .expect(0);
    assert_eq!(part.stdout, lines[1233..1240].concat());
    let tail = env
        .run("memory", &["fetch", "m1", "--lines", "59999:"])
        .expect(0);
    assert_eq!(tail.stdout, lines[59998..].concat());
    let chunk = env
        .run("memory", &["fetch", "m1", "--chunk", "1", "--json"])
        .expect(0)
        .json();
    assert_eq!(chunk["encoding"], "utf-8");
    assert!(text.starts_with(chunk["content"].as_str().unwrap()));

    // The summary finds the error lines.
    let summary = env
        .run("memory", &["fetch", "m1", "-s", "--json"])
        .expect(0)
        .json();
    assert_eq!(summary["error_line_count"], 60);
    assert_eq!(summary["error_lines"][0]["line"], 1000);
    let human = env
        .run("memory", &["fetch", "m1", "--summary"])
        .expect(0)
        .stdout;
    assert!(
        human.contains("error-like lines (60, first 20 shown):"),
        "{human}"
    );

    // A small note, then search over both.
    env.run_with_stdin(
        "memory",
        &["log"],
        Some(b"remember: the lock renewal needs a fencing token\n"),
    )
    .expect(0);
    let hits = env
        .run("memory", &["search", "lock", "--json"])
        .expect(0)
        .json();
    let ids: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["entry"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{hits}");
    let in_log = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["entry"]["id"] == "m1")
        .unwrap();
    assert_eq!(in_log["line"], 1000);
    assert!(in_log["snippet"].as_str().unwrap().contains("[lock]"));
    let listed = env
        .run("memory", &["list", "--tag", "ops", "--json"])
        .expect(0)
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["title"], "service log");
    let table = env.run("memory", &["list"]).expect(0).stdout;
    assert!(table.starts_with("ID  AGE"), "{table}");
    assert!(
        table.contains("remember: the lock renewal"),
        "the first line is the default title: {table}"
    );

    let removed = env.run("memory", &["rm", "m1", "--json"]).expect(0).json();
    assert!(removed["bytes_freed"].as_u64().unwrap() > 0);
    env.run("memory", &["fetch", "m1"]).expect(1);
    let events = env
        .run("ledger", &["query", "--action", "memory.*", "--json"])
        .expect(0)
        .json();
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["memory.log", "memory.log", "memory.rm"]);
    assert_eq!(
        env.run("ledger", &["verify", "--json"]).expect(0).json()["ok"],
        true
    );
}

#[test]
fn binary_and_invalid_utf8_round_trip_exactly() {
    let env = TestEnv::new();
    let r = env.sh(
        "head -c 3000000 /dev/urandom > in.bin && printf 'ok \\377\\376 bad\\n' > in.txt && \
         \"$MEMORY\" log in.bin -q && \"$MEMORY\" log --stdin -q < in.txt && \
         \"$MEMORY\" fetch m1 > out.bin && \"$MEMORY\" fetch m2 > out.txt && \
         cmp in.bin out.bin && cmp in.txt out.txt && \
         \"$MEMORY\" fetch m1 --json | python3 -c 'import json,sys,base64; d=json.load(sys.stdin); sys.stdout.buffer.write(base64.b64decode(d[\"content\"]))' | cmp - in.bin && \
         for n in $(seq 1 $(\"$MEMORY\" list --json | python3 -c 'import json,sys; print([e for e in json.load(sys.stdin) if e[\"id\"]==\"m1\"][0][\"chunks\"])')); do \"$MEMORY\" fetch m1 --chunk $n; done | cmp - in.bin && \
         echo exact",
    );
    assert!(r.stdout.contains("exact"), "{r:?}");
    let listed = env.run("memory", &["list", "--json"]).expect(0).json();
    let m1 = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "m1")
        .unwrap();
    assert_eq!(m1["text"], false);
    assert_eq!(m1["title"], "in.bin", "a file's name is its default title");
    assert_eq!(m1["sha256"].as_str().unwrap(), sha256_of(&env, "in.bin"));
    let m2 = env
        .run("memory", &["fetch", "m2", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        m2["encoding"], "base64",
        "invalid UTF-8 is not passed off as text"
    );
}

/// Arguments, standard input, exit code, a fragment of the message.
type BadInput<'a> = (&'a [&'a str], Option<&'a [u8]>, i32, &'a str);

#[test]
fn bad_input_gets_a_clear_error_and_writes_nothing() {
    let env = TestEnv::new();
    env.run_with_stdin("memory", &["log"], Some(b"seed\n"))
        .expect(0);
    let before = env.run("ledger", &["verify", "--json"]).expect(0).json()["events"].clone();
    let cases: &[BadInput<'_>] = &[
        (&["log"], Some(b""), 64, "nothing to store"),
        (
            &["log", "/no/such/file"],
            None,
            64,
            "cannot read /no/such/file",
        ),
        (&["log", "/"], None, 64, "is a directory"),
        (
            &["log", "--tag", "has space"],
            Some(b"x"),
            64,
            "is not a tag",
        ),
        (&["fetch", "x9"], None, 64, "is not a memory id"),
        (&["fetch", "m99"], None, 1, "no memory entry m99"),
        (
            &["fetch", "m1", "--lines", "0:3"],
            None,
            64,
            "lines count from 1",
        ),
        (
            &["fetch", "m1", "--lines", "5:9"],
            None,
            64,
            "has lines 1-1",
        ),
        (
            &["fetch", "m1", "--chunk", "2"],
            None,
            64,
            "has 1 chunk (1-1)",
        ),
        (
            &["fetch", "m1", "--chunk", "1", "--lines", "1"],
            None,
            64,
            "cannot be used with",
        ),
        (
            &["search", "--", "--"],
            None,
            64,
            "the search query is empty",
        ),
        (&["rm", "m42"], None, 1, "no memory entry m42"),
        (&["prune", "--older-than", "soon"], None, 64, "--older-than"),
    ];
    for (args, stdin, code, message) in cases {
        let r = env.run_with_stdin("memory", args, *stdin);
        assert_eq!(r.code, *code, "{args:?}: {r:?}");
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
    }
    let mut env = env;
    env.set("AGOV_TENANT", "globex");
    let r = env.run("memory", &["fetch", "m1"]);
    assert_eq!(r.code, 3, "another tenant's entry is denied: {r:?}");
    env.run("memory", &["rm", "m1"]).expect(3);
    env.set("AGOV_TENANT", "default");
    let after = env.run("ledger", &["verify", "--json"]).expect(0).json()["events"].clone();
    assert_eq!(before, after, "no event was written");
    assert_eq!(
        env.run("memory", &["list", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn kill_9_mid_log_leaves_no_partial_entry() {
    let env = TestEnv::new();
    env.run_with_stdin("memory", &["log"], Some(b"seed\n"))
        .expect(0);
    std::fs::write(env.dir.path().join("big.log"), log_text(40_000)).unwrap();
    let db = rusqlite::Connection::open(env.data().join("agov.db")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    let logged = || count("SELECT count(*) FROM events WHERE action = 'memory.log'");
    // Writers of large entries killed at random moments, over and over: at
    // least 8 rounds, and more (up to 40) while a loaded machine has let
    // fewer than three logs land between the kills.
    for round in 1..=40 {
        let r = env.sh(
            "pids=(); \
             for w in 1 2; do setsid bash -c 'while true; do id=$(\"$MEMORY\" log big.log --tag t -q 2>/dev/null) && \
               \"$MEMORY\" rm $id >/dev/null 2>&1; \"$MEMORY\" log big.log -q >/dev/null 2>&1; done' & pids+=($!); done; \
             sleep 0.$((RANDOM % 7 + 3)); for p in \"${pids[@]}\"; do kill -9 -- -$p 2>/dev/null; done; wait 2>/dev/null; \
             echo done",
        );
        assert!(r.stdout.contains("done"), "{r:?}");
        if round >= 8 && logged() > 2 {
            break;
        }
    }
    assert_eq!(
        env.run("ledger", &["verify", "--json"]).expect(0).json()["ok"],
        true
    );
    assert!(logged() > 2, "some logs landed");
    let entries = count("SELECT count(*) FROM memory_entries");
    assert_eq!(
        entries,
        count("SELECT count(*) FROM events WHERE action = 'memory.log'")
            - count("SELECT count(*) FROM events WHERE action = 'memory.rm'"),
        "every entry has its log event and no removal lost its event"
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM memory_chunks WHERE num NOT IN (SELECT num FROM memory_entries)"
        ),
        0
    );
    let expected = sha256_of(&env, "big.log");
    let listed = env
        .run("memory", &["list", "--json", "--limit", "1000"])
        .expect(0)
        .json();
    for e in listed.as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        if e["title"] == "big.log" {
            let r = env.sh(&format!("\"$MEMORY\" fetch {id} | sha256sum"));
            assert_eq!(&r.expect(0).stdout[..64], expected, "{id} is whole");
        }
    }
    env.run_with_stdin("memory", &["log"], Some(b"still works\n"))
        .expect(0);
    env.run("memory", &["search", "works"]).expect(0);
}

#[test]
fn concurrent_logs_all_land() {
    let env = TestEnv::new();
    let r = env.sh(
        "for w in $(seq 1 8); do (for i in $(seq 1 5); do printf 'writer %s note %s\\n' $w $i | \"$MEMORY\" log -q || echo FAIL; done) & done; wait; echo done",
    );
    assert!(
        r.stdout.contains("done") && !r.stdout.contains("FAIL"),
        "{r:?}"
    );
    assert!(!r.stderr.contains("locked"), "{}", r.stderr);
    let listed = env
        .run("memory", &["list", "--json", "--limit", "100"])
        .expect(0)
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 40);
    let hits = env
        .run("memory", &["search", "writer", "--limit", "100", "--json"])
        .expect(0)
        .json();
    assert_eq!(hits.as_array().unwrap().len(), 40);
}
