//! Shell completions and man pages (one per command at every depth) are
//! generated from the clap definitions and committed; these tests fail when
//! they are stale, when a page lacks a section or has raw UTF-8, when groff
//! warns about a page, and when an enumerated option offers no values.
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
        for (page, content) in manual_pages(cmd) {
            files.push((root().join("man").join(format!("{page}.1")), content));
        }
    }
    files
}

/// The manual pages of a tool: one per command at every depth
/// (`pipeline-token-issue.1`), each with the global options, its examples
/// (its own, and its lines of its parents' examples) preformatted, EXIT
/// STATUS and ENVIRONMENT; ASCII only.
fn manual_pages(cmd: clap::Command) -> Vec<(String, Vec<u8>)> {
    let source = format!("agov {}", cmd.get_version().unwrap_or_default());
    let mut cmd = without_help_subcommand(cmd.mut_args(|a| {
        if a.is_global_set() {
            a.help_heading("GLOBAL OPTIONS")
        } else {
            a
        }
    }));
    // Building propagates the global options to every subcommand and names
    // each one (`pipeline-token-issue`, usage `pipeline token issue`).
    cmd.build();
    let mut pages = Vec::new();
    let mut todo = vec![(cmd, Vec::<String>::new())];
    while let Some((c, inherited)) = todo.pop() {
        let path = c.get_bin_name().unwrap_or(c.get_name()).to_string();
        let (own, notes) = split_after_help(&c);
        let mut examples: Vec<String> = inherited
            .iter()
            .filter(|l| *l == &path || l.starts_with(&format!("{path} ")))
            .cloned()
            .collect();
        examples.extend(own);
        for sub in c.get_subcommands() {
            todo.push((sub.clone(), examples.clone()));
        }
        let page = c.get_display_name().unwrap_or(c.get_name()).to_string();
        let content = render_page(c, &page, &source, &examples, &notes);
        pages.push((page, content));
    }
    pages
}

fn without_help_subcommand(c: clap::Command) -> clap::Command {
    c.disable_help_subcommand(true)
        .mut_subcommands(without_help_subcommand)
}

/// A command's text after its options: the lines of its `Examples:` block,
/// and the prose around it.
fn split_after_help(c: &clap::Command) -> (Vec<String>, Vec<String>) {
    let text = c
        .get_after_long_help()
        .or(c.get_after_help())
        .map(|t| t.to_string())
        .unwrap_or_default();
    let (mut examples, mut notes) = (Vec::new(), Vec::new());
    let mut in_examples = false;
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("Examples:")
            .or(line.strip_prefix("Example:"))
        {
            in_examples = true;
            if !rest.trim().is_empty() {
                examples.push(rest.trim().to_string());
            }
        } else if in_examples && line.starts_with(' ') {
            examples.push(line.trim().to_string());
        } else {
            in_examples = false;
            notes.push(line.to_string());
        }
    }
    (examples, notes)
}

fn render_page(
    c: clap::Command,
    page: &str,
    source: &str,
    examples: &[String],
    notes: &[String],
) -> Vec<u8> {
    let c = c.after_help(None::<&str>).after_long_help(None::<&str>);
    let has_subcommands = c.get_subcommands().next().is_some();
    let man = clap_mangen::Man::new(c);
    let mut buf = Vec::new();
    man.render_name_section(&mut buf).unwrap();
    man.render_synopsis_section(&mut buf).unwrap();
    man.render_description_section(&mut buf).unwrap();
    man.render_options_section(&mut buf).unwrap();
    if has_subcommands {
        man.render_subcommands_section(&mut buf).unwrap();
    }
    // Each section comes with clap_mangen's two-line preamble: keep the first.
    let text = String::from_utf8(buf).unwrap();
    let preamble = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    // No date, so that the page changes only when the command does.
    let title = format!(".TH {page} 1 \"\" \"{source}\" \"agov manual\"\n");
    let mut out = format!("{preamble}{title}{}", text.replace(preamble, ""));
    if !examples.is_empty() {
        out.push_str(".SH EXAMPLES\n.EX\n");
        for line in examples {
            out.push_str(&roff_line(line));
        }
        out.push_str(".EE\n");
    }
    let notes = notes.join("\n");
    if !notes.trim().is_empty() {
        out.push_str(".SH NOTES\n");
        for paragraph in notes.trim().split("\n\n") {
            out.push_str(".PP\n");
            for line in paragraph.lines() {
                out.push_str(&roff_line(line));
            }
        }
    }
    out.push_str(".SH \"EXIT STATUS\"\n");
    for exit in agov_cli::Exit::ALL {
        out.push_str(&format!(".TP\n.B {}\n", exit as u8));
        out.push_str(&roff_line(exit.meaning()));
    }
    out.push_str(".SH ENVIRONMENT\n");
    for (name, what) in agov_config::env::ALL {
        out.push_str(&format!(".TP\n.B {name}\n"));
        out.push_str(&roff_line(what));
    }
    ascii_troff(&out).into_bytes()
}

/// A line of text as roff: backslashes and hyphens escaped, a leading `.`
/// or `'` kept from being read as a request.
fn roff_line(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}\n")
    } else {
        format!("{escaped}\n")
    }
}

/// Every character past ASCII as groff's `\[uXXXX]` escape, so that no page
/// needs preconv.
fn ascii_troff(page: &str) -> String {
    page.chars()
        .map(|ch| {
            if ch.is_ascii() {
                ch.to_string()
            } else {
                format!("\\[u{:04X}]", ch as u32)
            }
        })
        .collect()
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
    let generated = generated();
    for entry in std::fs::read_dir(root().join("man")).unwrap() {
        let path = entry.unwrap().path();
        if !generated.iter().any(|(p, _)| *p == path) {
            if update {
                std::fs::remove_file(&path).unwrap();
            } else {
                stale.push(path.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    for (path, content) in generated {
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

/// The committed pages, by file name.
fn pages() -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = std::fs::read_dir(root().join("man"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    pages.sort();
    pages
}

#[test]
fn every_command_at_every_depth_has_a_complete_ascii_page() {
    let pages = pages();
    for deep in [
        "pipeline-token-issue.1",
        "pipeline-agents-promote.1",
        "pipeline-consensus-fallback.1",
        "pipeline-agent-run.1",
    ] {
        assert!(
            pages.iter().any(|(n, _)| n == deep),
            "man/{deep} is missing"
        );
    }
    for (name, page) in &pages {
        for section in [
            ".SH \"GLOBAL OPTIONS\"",
            ".SH EXAMPLES\n.EX\n",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".B 64\n",
            ".B AGOV_HOME\n",
        ] {
            assert!(page.contains(section), "man/{name} lacks `{section}`");
        }
        assert!(
            page.is_ascii(),
            "man/{name} has raw UTF-8: escape it as \\[uXXXX]"
        );
    }
}

#[test]
fn man_pages_render_without_warnings() {
    let mut failed = Vec::new();
    for (name, _) in pages() {
        let out = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(root().join("man").join(&name))
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run groff ({e})\nhint: install it (Debian: apt-get install groff), or run tests/run.sh, which does"
                )
            });
        let warnings = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !warnings.is_empty() {
            failed.push(format!("man/{name}: {warnings}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn enumerated_options_offer_their_values_to_completions() {
    let commands = agov_commands::commands();
    let find = |path: &[&str], long: &str| -> Vec<String> {
        let mut c = commands
            .iter()
            .find(|c| c.get_name() == path[0])
            .unwrap_or_else(|| panic!("no tool {}", path[0]))
            .clone();
        for sub in &path[1..] {
            c = c.find_subcommand(sub).unwrap().clone();
        }
        let arg = c
            .get_arguments()
            .find(|a| a.get_long() == Some(long) || a.get_id() == long)
            .unwrap_or_else(|| panic!("{path:?} has no {long}"));
        arg.get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect()
    };
    for (path, long, value) in [
        (&["bugs", "list"][..], "status", "in_progress"),
        (&["bugs", "list"], "severity", "critical"),
        (&["bugs", "log"], "severity", "high"),
        (&["bugs", "update"], "status", "wontfix"),
        (&["status", "update"], "phase", "blocked"),
        (&["pipeline", "spawn"], "tier", "4"),
        (&["pipeline", "token", "issue"], "tier", "0"),
        (&["pipeline", "agents", "promote"], "to", "3"),
        (
            &["pipeline", "consensus", "fallback"],
            "action",
            "rerun_gamma",
        ),
        (&["validate-phases"], "phase", "12"),
    ] {
        let offered = find(path, long);
        assert!(
            offered.iter().any(|v| v == value),
            "{} --{long} offers {offered:?}, not `{value}`",
            path.join(" ")
        );
    }
    let bash = std::fs::read_to_string(root().join("completions/bash/bugs")).unwrap();
    assert!(
        bash.contains("\"open in_progress resolved closed wontfix all\""),
        "bash completes bugs list --status with its values"
    );
}

#[test]
fn the_pages_exit_codes_are_those_of_the_exit_codes_page() {
    let doc = std::fs::read_to_string(root().join("docs/exit-codes.md")).unwrap();
    let documented: Vec<u8> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(' ').next()?.parse().ok())
        .collect();
    let ours: Vec<u8> = agov_cli::Exit::ALL.iter().map(|e| *e as u8).collect();
    assert_eq!(
        documented, ours,
        "man pages' EXIT STATUS (agov_cli::Exit::ALL) and docs/exit-codes.md list different codes"
    );
}
