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
