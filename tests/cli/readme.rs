//! The README documents what the code does: every environment variable agov
//! reads, every exit code, and the two set-up commands that CI runs.

fn readme() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
        .unwrap()
}

#[test]
fn every_environment_variable_is_in_the_readme() {
    let text = readme();
    let missing: Vec<&str> = agov_config::env::ALL
        .iter()
        .map(|(name, _)| *name)
        .filter(|n| !text.contains(&format!("`{n}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "README.md does not list {missing:?} (see crates/agov-config/src/env.rs)"
    );
}

#[test]
fn the_readme_names_the_test_command_ci_runs() {
    let ci = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/run"),
    )
    .unwrap();
    assert!(
        ci.contains("./tests/run.sh"),
        ".ci/run must run ./tests/run.sh"
    );
    assert!(
        readme().contains("./tests/run.sh"),
        "README.md must give ./tests/run.sh as the test command"
    );
}

#[test]
fn every_exit_code_is_in_the_readme() {
    let text = readme();
    for code in ["| 0 ", "| 1 ", "| 2 ", "| 3 ", "| 64 ", "| 69 "] {
        assert!(
            text.contains(code),
            "README.md's exit code table lacks `{code}`"
        );
    }
}

#[test]
fn the_readme_main_job_runs_the_quickstart_pipeline_on_this_repository() {
    assert!(
        readme().contains(
            "cargo run --release --bin pipeline -- spawn --plan examples/plans/quickstart.yaml"
        ),
        "the README's first command runs the quickstart pipeline"
    );
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let env = crate::common::TestEnv::new();
    let run = env
        .sh(&format!(
            "cd '{}' && \"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml --json",
            repo.display()
        ))
        .expect(0);
    let last = run.json_lines().pop().unwrap();
    assert_eq!(last["pipeline"]["status"], "COMPLETED");
    let id = last["pipeline"]["id"].as_str().unwrap();
    let board = env
        .run(
            "pipeline",
            &["blackboard", id, "--section", "solutions", "--json"],
        )
        .expect(0)
        .json();
    let alpha = &board["solutions"][0]["content"];
    assert!(
        alpha["checked"].as_u64().unwrap() >= 3,
        "the README links to files: {alpha}"
    );
    assert_eq!(
        alpha["broken"],
        serde_json::json!([]),
        "this repository's own Markdown has no broken relative links"
    );
}
