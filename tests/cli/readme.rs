//! The README and docs/ document what the code does, and cannot drift from it:
//! the README's tour runs as a script against the freshly built tools; every
//! environment variable and exit code is documented; the two set-up
//! commands are the ones CI runs; every relative link resolves inside the
//! repository.

use std::path::{Path, PathBuf};

use crate::common::{Run, TestEnv};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn readme() -> String {
    read("README.md")
}

/// The shell block right after `<!-- tour -->` in `text`.
fn tour(text: &str) -> String {
    let after = text
        .split_once("<!-- tour -->\n```sh\n")
        .expect("README.md has a ```sh block right after <!-- tour -->")
        .1;
    after
        .split_once("\n```")
        .expect("the tour block is closed")
        .0
        .to_string()
}

/// Runs `script` from the repository's root in a fresh installation, with
/// the freshly built tools first on PATH; a failing command stops it and
/// names itself on stderr.
fn run_tour(script: &str) -> Run {
    let mut env = TestEnv::new();
    let bins = crate::common::bin("pipeline")
        .parent()
        .unwrap()
        .display()
        .to_string();
    let path = format!("{bins}:{}", std::env::var("PATH").unwrap_or_default());
    env.set("PATH", &path);
    env.sh(&format!(
        "set -euo pipefail\n\
         trap 'echo \"tour: this command failed: $BASH_COMMAND\" >&2' ERR\n\
         cd '{}'\n{script}\n",
        repo().display()
    ))
}

#[test]
fn the_readme_tour_runs_as_written() {
    let script = tour(&readme());
    for tool in [
        "ledger",
        "bugs",
        "memory",
        "pipeline",
        "status",
        "checkpoint",
        "validate-phases",
    ] {
        assert!(
            script.lines().any(|l| l.starts_with(&format!("{tool} "))),
            "the tour shows every tool; it lacks `{tool}`"
        );
    }
    let run = run_tour(&script);
    assert_eq!(
        run.code, 0,
        "the README's tour failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    for expected in [
        "first steps with agov",      // ledger tail shows the note
        "b1 [high] resolved",         // the bug was claimed and resolved
        "bug.claim",                  // bugs history reads the ledger
        "error-like lines (1)",       // memory fetch --summary
        "request 1000 served",        // memory fetch --lines
        "[connection] [refused]",     // memory search
        "COMPLETED (plan quickstart", // the pipeline reached consensus
        "deliverable beta report.md", // and names its report
        "api   in_progress",          // status sweep
        "c1 ",                        // checkpoint now / load
        "ok: ",                       // ledger verify
        " passed, 0 failed",          // validate-phases
    ] {
        assert!(
            run.stdout.contains(expected),
            "the tour's output lacks {expected:?}\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn a_misspelled_tour_command_fails_the_tour() {
    let script = tour(&readme()).replacen("ledger note", "ledger note-to-self", 1);
    let run = run_tour(&script);
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("tour: this command failed: ledger note-to-self"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_environment_variable_is_documented() {
    let text = read("docs/configuration.md");
    let missing: Vec<&str> = agov_config::env::ALL
        .iter()
        .map(|(name, _)| *name)
        .filter(|n| !text.contains(&format!("| `{n}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/configuration.md does not list {missing:?} (see crates/agov-config/src/env.rs)"
    );
}

#[test]
fn the_readme_names_the_test_command_ci_runs() {
    let ci = read(".ci/run");
    assert!(
        ci.contains("exec ./tests/run.sh"),
        ".ci/run must run ./tests/run.sh"
    );
    assert!(
        readme().contains("\n./tests/run.sh\n"),
        "README.md must give ./tests/run.sh as the test command"
    );
}

#[test]
fn every_exit_code_is_documented() {
    let text = read("docs/exit-codes.md");
    for code in [0, 1, 2, 3, 64, 69] {
        assert!(
            text.contains(&format!("\n| {code} | ")),
            "docs/exit-codes.md's table lacks exit code {code}"
        );
    }
}

/// `README.md` and every page of `docs/`.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![repo().join("README.md")];
    for e in std::fs::read_dir(repo().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            pages.push(p);
        }
    }
    pages.sort();
    pages
}

/// The lines of `text` outside fenced code blocks.
fn prose(text: &str) -> Vec<&str> {
    let mut fenced = false;
    text.lines()
        .filter(|l| {
            if l.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

/// Every `[text](target)` link target in `text`, outside code blocks.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose(text) {
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            if let Some(end) = rest.find(')') {
                let target = &rest[..end];
                if !target.is_empty() && !target.contains(char::is_whitespace) {
                    out.push(target.to_string());
                }
            }
        }
    }
    out
}

/// The anchors GitHub gives the headings of `text`.
fn anchors(text: &str) -> Vec<String> {
    prose(text)
        .into_iter()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

#[test]
fn every_relative_link_resolves_inside_the_repository() {
    let root = repo().canonicalize().unwrap();
    let mut problems = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(repo()).unwrap().display().to_string();
        for outside in [
            "../shared",
            "shared/reference",
            "DESIGN.md",
            "reference-architecture",
            "reference-readme",
        ] {
            if text.contains(outside) {
                problems.push(format!(
                    "{name} mentions `{outside}`, outside the repository"
                ));
            }
        }
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let dest = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            match dest.canonicalize() {
                Err(_) => problems.push(format!("{name}: `{target}` does not exist")),
                Ok(d) if !d.starts_with(&root) => {
                    problems.push(format!("{name}: `{target}` leaves the repository"))
                }
                Ok(d) => {
                    if !anchor.is_empty() && d.extension().is_some_and(|x| x == "md") {
                        let text = std::fs::read_to_string(&d).unwrap();
                        if !anchors(&text).iter().any(|a| a == anchor) {
                            problems.push(format!("{name}: `{target}`: no such section"));
                        }
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_readme_main_job_runs_the_quickstart_pipeline_on_this_repository() {
    assert!(
        readme().contains(
            "cargo run --release --bin pipeline -- spawn --plan examples/plans/quickstart.yaml"
        ),
        "the README's first command runs the quickstart pipeline"
    );
    let env = TestEnv::new();
    let run = env
        .sh(&format!(
            "cd '{}' && \"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml --json",
            repo().display()
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
