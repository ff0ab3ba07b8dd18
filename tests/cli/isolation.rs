//! Tenant isolation through every binary: another tenant's bugs, memory
//! entries, checkpoints, pipelines, ledger events and tokens can be neither
//! read nor changed (exit 3), on the embedded default and against OpenBao +
//! Redis; the owner's records are unchanged afterwards.

use crate::common::Run;

fn denied(r: Run, what: &str) {
    assert_eq!(r.code, 3, "{what}: {}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("another tenant"), "{what}: {}", r.stderr);
}

#[test]
fn another_tenants_records_are_denied_through_every_binary() {
    for (name, mut env) in crate::pipelines::both() {
        crate::pipelines::with_examples(&env);
        let owner = agov_testkit::unique("own");
        let intruder = agov_testkit::unique("other");
        env.set("AGOV_TENANT", &owner);
        let bug = env
            .run("bugs", &["log", "-m", "owner's bug", "-q"])
            .expect(0)
            .stdout
            .trim()
            .to_string();
        let entry = env
            .run_with_stdin("memory", &["log", "-q"], Some(b"owner's notes\n"))
            .expect(0)
            .stdout
            .trim()
            .to_string();
        env.run(
            "checkpoint",
            &["now", "--notes", "owner's checkpoint", "-q"],
        )
        .expect(0);
        let cp = env
            .run("checkpoint", &["timeline", "--json"])
            .expect(0)
            .json()[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let note = env
            .run("ledger", &["note", "-m", "owner's note", "--json"])
            .expect(0)
            .json();
        let seq = note["seq"].to_string();
        let token = env
            .run("pipeline", &["token", "issue", "--tier", "0", "--json"])
            .expect(0)
            .json();
        let accessor = token["accessor"].as_str().unwrap().to_string();
        let (run, pipeline) = crate::pipelines::spawn(&env, "examples/plans/quickstart.yaml");
        run.expect(0);

        env.set("AGOV_TENANT", &intruder);
        let p = pipeline.as_str();
        for (tool, args) in [
            ("bugs", vec!["get", &bug]),
            ("bugs", vec!["update", &bug, "--severity", "low"]),
            ("bugs", vec!["claim", &bug, "--agent", "intruder"]),
            ("bugs", vec!["history", &bug]),
            ("memory", vec!["fetch", &entry]),
            ("memory", vec!["fetch", &entry, "--summary"]),
            ("memory", vec!["rm", &entry]),
            ("checkpoint", vec!["show", &cp]),
            ("checkpoint", vec!["load", &cp]),
            ("checkpoint", vec!["diff", &cp, &cp]),
            ("ledger", vec!["show", &seq]),
            ("pipeline", vec!["status", p]),
            ("pipeline", vec!["blackboard", p]),
            ("pipeline", vec!["messages", p]),
            ("pipeline", vec!["consensus", "status", p]),
            ("pipeline", vec!["logs", p]),
            ("pipeline", vec!["token", p]),
            ("pipeline", vec!["continue", p]),
            ("pipeline", vec!["revoke", p, "--reason", "not mine"]),
            ("pipeline", vec!["token", "lookup", &accessor]),
            ("pipeline", vec!["token", "revoke", &accessor]),
        ] {
            denied(
                env.run(tool, &args),
                &format!("{name}: {tool} {}", args.join(" ")),
            );
        }
        // The intruder's lists and searches hold nothing of the owner's.
        for (tool, args) in [
            ("bugs", vec!["list", "--status", "all", "--json"]),
            ("memory", vec!["list", "--json"]),
            ("checkpoint", vec!["timeline", "--json"]),
            ("pipeline", vec!["list", "--all", "--json"]),
        ] {
            let listed = env.run(tool, &args).expect(0).json();
            assert!(
                listed.as_array().unwrap().is_empty(),
                "{name}: {tool}: {listed}"
            );
        }

        // The owner's records are as they were.
        env.set("AGOV_TENANT", &owner);
        let b = env.run("bugs", &["get", &bug, "--json"]).expect(0).json();
        assert_eq!(b["severity"], "medium", "{name}");
        assert!(b["assignee"].is_null(), "{name}");
        env.run("memory", &["fetch", &entry]).expect(0);
        env.run("pipeline", &["token", "lookup", &accessor])
            .expect(0);
        let st = env
            .run("pipeline", &["status", p, "--json"])
            .expect(0)
            .json();
        assert_eq!(st["status"], "COMPLETED", "{name}");
        assert!(st["revoked_by"].is_null(), "{name}");
        env.run("pipeline", &["token", "revoke", &accessor])
            .expect(0);
    }
}
