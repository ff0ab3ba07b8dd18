//! `pipeline templates`: the marketplace, through the binary.

use std::path::PathBuf;

use crate::common::{TestEnv, files_under};

fn examples() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/templates")
        .display()
        .to_string()
}

#[test]
fn the_shipped_templates_install_with_one_command_and_are_found() {
    let env = TestEnv::new();
    let added = env
        .run("pipeline", &["templates", "add", &examples(), "--json"])
        .expect(0)
        .json();
    let n = added["added"].as_u64().unwrap();
    assert!(n >= 3, "{added}");
    // Installing again changes nothing.
    let again = env
        .run("pipeline", &["templates", "add", &examples(), "--json"])
        .expect(0)
        .json();
    assert_eq!(again["added"], 0);
    assert_eq!(again["unchanged"].as_u64(), Some(n));

    let hits = env
        .run("pipeline", &["templates", "search", "terraform", "--json"])
        .expect(0)
        .json();
    assert_eq!(hits[0]["name"], "terraform-plan-reviewer", "{hits}");
    let hits = env
        .run(
            "pipeline",
            &["templates", "search", "check", "mode", "--json"],
        )
        .expect(0)
        .json();
    assert_eq!(hits[0]["name"], "ansible-check-operator", "{hits}");
    assert!(
        env.run("pipeline", &["templates", "search", "kubernetes", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    let shown = env
        .run(
            "pipeline",
            &["templates", "show", "code-reviewer", "--json"],
        )
        .expect(0)
        .json();
    assert_eq!(shown["driver"], "llm");
    assert_eq!(shown["reference"], "code-reviewer@1.0.0");
    let human = env
        .run("pipeline", &["templates", "show", "code-reviewer"])
        .expect(0);
    assert!(human.stdout.contains("prompt:"), "{}", human.stdout);

    // Every add is in the ledger.
    let events = env
        .run("ledger", &["query", "--action", "template.add", "--json"])
        .expect(0)
        .json();
    assert_eq!(events.as_array().unwrap().len() as u64, n);
}

#[test]
fn versions_rm_and_a_changed_version_is_refused() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let write = |file: &str, version: &str, description: &str| {
        let p = dir.path().join(file);
        std::fs::write(
            &p,
            format!(
                "name: probe\nversion: '{version}'\ndescription: {description}\nrole: alpha\ncommand: [sh, probe.sh]\ntier: 0\n"
            ),
        )
        .unwrap();
        p.display().to_string()
    };
    let v9 = write("v9.yaml", "1.9", "nine");
    let v10 = write("v10.yaml", "1.10", "ten");
    env.run("pipeline", &["templates", "add", &v9, &v10])
        .expect(0);
    let newest = env
        .run("pipeline", &["templates", "show", "probe", "--json"])
        .expect(0)
        .json();
    assert_eq!(newest["version"], "1.10");
    let listed = env
        .run(
            "pipeline",
            &["templates", "list", "--all-versions", "--json"],
        )
        .expect(0)
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 2);

    // The same version with other content: refused, exit 64, nothing added.
    let changed = write("changed.yaml", "1.9", "nine, changed");
    let other = write("other.yaml", "2", "two");
    let r = env
        .run("pipeline", &["templates", "add", &other, &changed])
        .expect(64);
    assert!(r.stderr.contains("probe@1.9"), "{}", r.stderr);
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    assert_eq!(
        env.run("pipeline", &["templates", "show", "probe", "--json"])
            .expect(0)
            .json()["version"],
        "1.10"
    );

    let removed = env
        .run("pipeline", &["templates", "rm", "probe@1.10", "--json"])
        .expect(0)
        .json();
    assert_eq!(removed["removed"][0], "probe@1.10");
    assert_eq!(
        env.run("pipeline", &["templates", "show", "probe", "--json"])
            .expect(0)
            .json()["version"],
        "1.9"
    );
    env.run("pipeline", &["templates", "rm", "probe"]).expect(0);
    let gone = env
        .run("pipeline", &["templates", "show", "probe"])
        .expect(1);
    assert!(gone.stderr.contains("no template probe"), "{}", gone.stderr);
    env.run("pipeline", &["templates", "rm", "probe"]).expect(1);
}

#[test]
fn bad_template_files_are_all_reported_and_nothing_is_written() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in [
        (
            "a.yaml",
            "name: a\nversion: 1\ndescription: d\nrole: alpha\ntier: 9\ncommand: [x]\n",
        ),
        (
            "b.yaml",
            "name: b\nversion: 1\ndescription: d\nrole: beta\ntier: 0\ndriver: llm\n",
        ),
        (
            "c.yaml",
            "name: c\nversion: 1\ndescription: d\nrole: beta\ntier: 0\ncommand: [x]\nsurprise: 1\n",
        ),
        (
            "d.yaml",
            "name: d\nversion: 1\ndescription: fine\nrole: beta\ntier: 0\ncommand: [x]\n",
        ),
    ] {
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    std::fs::write(dir.path().join("e.json"), [0xff, 0xfe, 0x00]).unwrap();
    let r = env
        .run(
            "pipeline",
            &["templates", "add", &dir.path().display().to_string()],
        )
        .expect(64);
    for wanted in [
        "a.yaml", "tier", "b.yaml", "prompt", "c.yaml", "surprise", "e.json", "UTF-8",
    ] {
        assert!(r.stderr.contains(wanted), "{wanted}: {}", r.stderr);
    }
    assert!(!r.stderr.contains("d.yaml"), "{}", r.stderr);
    assert!(
        files_under(&env.data()).is_empty(),
        "{:?}",
        files_under(&env.data())
    );

    // Bad references are usage errors; reading creates nothing.
    env.run("pipeline", &["templates", "show", "no such"])
        .expect(64);
    env.run("pipeline", &["templates", "show", "x@1.y"])
        .expect(64);
    env.run("pipeline", &["templates", "list"]).expect(0);
    env.run("pipeline", &["templates", "search", "x"]).expect(0);
    assert!(files_under(&env.data()).is_empty());
}

#[test]
fn another_tenants_templates_are_invisible() {
    let mut env = TestEnv::new();
    env.set("AGOV_TENANT", "acme");
    env.run("pipeline", &["templates", "add", &examples()])
        .expect(0);
    env.set("AGOV_TENANT", "globex");
    assert!(
        env.run("pipeline", &["templates", "list", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    env.run("pipeline", &["templates", "show", "code-reviewer"])
        .expect(1);
    env.run("pipeline", &["templates", "rm", "code-reviewer"])
        .expect(1);
    env.set("AGOV_TENANT", "acme");
    env.run("pipeline", &["templates", "show", "code-reviewer"])
        .expect(0);
}
