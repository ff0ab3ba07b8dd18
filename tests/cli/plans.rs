//! `pipeline validate` and the plan checks `spawn` and `plan add` share:
//! every problem at once with its line and column, hostile YAML refused
//! quickly, nothing written for a bad plan.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::{TestEnv, files_under};

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .display()
        .to_string()
}

fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let p = env.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn the_shipped_plans_are_valid() {
    let env = TestEnv::new();
    for entry in std::fs::read_dir(repo("examples/plans")).unwrap() {
        let path = entry.unwrap().path().display().to_string();
        if path.ends_with("from-templates.yaml") {
            continue; // needs the templates installed; tests/cli/pipelines.rs runs it
        }
        let r = env
            .run("pipeline", &["validate", &path, "--json"])
            .expect(0);
        assert_eq!(r.json()["valid"], true, "{path}: {}", r.stdout);
    }
    env.run(
        "pipeline",
        &["templates", "add", &repo("examples/templates")],
    )
    .expect(0);
    env.run(
        "pipeline",
        &["validate", &repo("examples/plans/from-templates.yaml")],
    )
    .expect(0);
}

#[test]
fn every_problem_is_reported_with_line_and_column_and_nothing_is_written() {
    let env = TestEnv::new();
    let plan = write(
        &env,
        "bad.yaml",
        "name: demo\nobjective: check\ntier: 7\nagents:\n  alpha:\n    command: [a]\n    tiers: 1\n  beta:\n    template: nope\nconsensus:\n  required: [alpha, omega]\nbogus: 1\n",
    );
    let r = env.run("pipeline", &["validate", &plan]).expect(64);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{plan}:3:7: tier: 7 is out of range (0 to 4)"),
            format!("{plan}:7:5: agents.alpha.tiers: unknown key `tiers` (did you mean `tier`?)"),
            format!(
                "{plan}:9:15: agents.beta.template: unknown template `nope` (`pipeline templates list` shows the stored ones)"
            ),
            format!(
                "{plan}:11:21: consensus.required.1: expected one of alpha, beta, gamma, found `omega`"
            ),
            format!("{plan}:12:1: bogus: unknown key `bogus`"),
        ],
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("5 problems"), "{}", r.stderr);
    let json = env
        .run("pipeline", &["validate", &plan, "--json"])
        .expect(64)
        .json();
    assert_eq!(json["valid"], false);
    assert_eq!(json["problems"].as_array().unwrap().len(), 5);
    assert_eq!(json["problems"][1]["path"], "agents.alpha.tiers");

    // spawn and plan add run the same checks and leave nothing behind.
    for args in [
        &["spawn", "--plan", plan.as_str()][..],
        &["plan", "add", plan.as_str()],
    ] {
        let r = env.run("pipeline", args).expect(64);
        assert!(r.stderr.contains(&format!("{plan}:7:5")), "{}", r.stderr);
    }
    assert!(
        files_under(&env.data()).is_empty(),
        "{:?}",
        files_under(&env.data())
    );
}

#[test]
fn a_tier_above_the_one_asked_for_is_a_problem() {
    let env = TestEnv::new();
    let plan = write(
        &env,
        "tiers.yaml",
        "name: demo\nobjective: check\nagents:\n  alpha: {command: [a], tier: 2}\n  beta: {command: [b]}\n",
    );
    let r = env.run("pipeline", &["validate", &plan]).expect(64);
    assert!(r.stdout.contains(":4:"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("agents.alpha.tier: 2 is above the tier the pipeline runs at (0)"),
        "{}",
        r.stdout
    );
    env.run("pipeline", &["validate", &plan, "--tier", "2"])
        .expect(0);
    env.run("pipeline", &["validate", &plan, "--tier", "9"])
        .expect(64);
}

#[test]
fn hostile_yaml_is_refused_quickly_with_a_clear_error() {
    let env = TestEnv::new();
    let laughs = "name: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n\
                  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n\
                  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                  e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
    let deep = format!("name: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let mut huge = String::from("name: demo\nobjective: x\nagents: {}\n");
    while huge.len() <= 2 << 20 {
        huge.push_str("# padding padding padding padding padding padding padding\n");
    }
    for (name, text, wanted) in [
        ("laughs.yaml", laughs.to_string(), "anchors"),
        ("deep.yaml", deep, "nested deeper than 32"),
        ("huge.yaml", huge, "larger than"),
        (
            "two.yaml",
            "name: a\n---\nname: b\n".to_string(),
            "one YAML document",
        ),
        ("binary.yaml", "name: \u{0}\u{1}\n".to_string(), ""),
    ] {
        let plan = write(&env, name, &text);
        let start = Instant::now();
        let r = env.run("pipeline", &["validate", &plan]);
        assert_eq!(r.code, 64, "{name}: {}{}", r.stdout, r.stderr);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{name} took {:?}",
            start.elapsed()
        );
        assert!(
            r.stdout.contains(wanted) || r.stderr.contains(wanted),
            "{name}: {}{}",
            r.stdout,
            r.stderr
        );
    }
    let r = env
        .run("pipeline", &["validate", "no-such-plan.yaml"])
        .expect(64);
    assert!(r.stderr.contains("no plan file"), "{}", r.stderr);
    // A missing stored plan is the same mistake as a missing plan file.
    let r = env.run("pipeline", &["validate", "pl99"]).expect(64);
    assert!(
        r.stderr.contains("there is no stored plan `pl99`")
            && r.stderr.contains("pipeline plan list"),
        "{}",
        r.stderr
    );
    let r = env
        .run("pipeline", &["spawn", "--plan", "no-such-name"])
        .expect(64);
    assert!(r.stderr.contains("no-such-name"), "{}", r.stderr);
}
