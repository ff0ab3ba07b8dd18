//! Shell completions and man pages are generated from the clap definitions
//! and committed; this test fails when they are stale.
//! Refresh them with: `UPDATE_ASSETS=1 cargo test -p agov --test cli assets`

use std::path::{Path, PathBuf};

use clap_complete::Shell;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for cmd in agov_commands::commands() {
        let name = cmd.get_name().to_string();
        for (shell, file) in [
            (Shell::Bash, format!("bash/{name}")),
            (Shell::Zsh, format!("zsh/_{name}")),
            (Shell::Fish, format!("fish/{}.fish", fish_name(&name))),
        ] {
            let mut buf = Vec::new();
            let called = if shell == Shell::Fish {
                fish_name(&name)
            } else {
                name.clone()
            };
            clap_complete::generate(shell, &mut cmd.clone(), called, &mut buf);
            files.push((root().join("completions").join(file), buf));
        }
        let mut pages = vec![(name.clone(), cmd.clone())];
        for sub in cmd.get_subcommands() {
            let page: &'static str =
                Box::leak(format!("{name}-{}", sub.get_name()).into_boxed_str());
            pages.push((page.to_string(), sub.clone().name(page)));
        }
        for (page, c) in pages {
            let mut buf = Vec::new();
            clap_mangen::Man::new(c).render(&mut buf).unwrap();
            files.push((root().join("man").join(format!("{page}.1")), buf));
        }
    }
    files
}

/// The name fish completes a tool under: fish's builtin `status` owns
/// `status.fish` (a file of that name would replace the builtin's own
/// completions), so there the tool is `agov-status`, an alias the README
/// has fish users define (`alias agov-status 'command status'`).
fn fish_name(name: &str) -> String {
    if name == "status" {
        "agov-status".into()
    } else {
        name.to_string()
    }
}

#[test]
fn fish_gets_no_completions_that_would_replace_its_builtin_status() {
    let dir = root().join("completions/fish");
    assert!(
        !dir.join("status.fish").exists(),
        "completions/fish/status.fish would replace fish's completions of its builtin `status`"
    );
    let ours = std::fs::read_to_string(dir.join("agov-status.fish")).unwrap();
    assert!(ours.contains("complete -c agov-status"), "{ours}");
    assert!(!ours.contains("complete -c status "), "{ours}");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("alias agov-status 'command status'"),
        "the README tells fish users how to call and complete the tool"
    );
}

#[test]
fn completions_and_man_pages_are_current() {
    let update = std::env::var("UPDATE_ASSETS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for (path, content) in generated() {
        if std::fs::read(&path).ok().as_deref() == Some(&content[..]) {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else {
            stale.push(path.strip_prefix(root()).unwrap().display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing generated files: {stale:?}\nhint: run `UPDATE_ASSETS=1 cargo test -p agov --test cli assets` and commit the result"
    );
}

#[test]
fn every_binary_has_its_completions_and_man_pages_generated() {
    let manifest = std::fs::read_to_string(root().join("bin/Cargo.toml")).unwrap();
    let mut bins: Vec<String> = manifest
        .split("[[bin]]")
        .skip(1)
        .filter_map(|section| {
            section
                .lines()
                .find_map(|l| {
                    l.strip_prefix("name = \"")
                        .and_then(|r| r.strip_suffix('"'))
                })
                .map(str::to_string)
        })
        // The sandbox's launcher is started by governors only: no manual.
        .filter(|b| b != agov_sandbox::launcher::BINARY)
        .collect();
    bins.sort();
    let mut listed: Vec<String> = agov_commands::commands()
        .iter()
        .map(|c| c.get_name().to_string())
        .collect();
    listed.sort();
    assert_eq!(
        bins, listed,
        "agov_commands::commands() must list every [[bin]] of bin/Cargo.toml"
    );
}
