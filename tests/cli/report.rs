//! `pipeline report ID --html FILE`: real pipelines (the quickstart, the
//! consensus failure of examples/plans/disagree.yaml with its fallback, and
//! agents whose output is hostile markup) on the embedded default and on
//! OpenBao + Redis, the page's content checked against what the other
//! commands say; then the page opened in headless Chromium.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::TestEnv;
use crate::pipelines::{both, spawn, status, with_examples};
use crate::schemas::assert_shape;

/// Writes the report of `id` to `file` with --json and returns the page,
/// checking the JSON against its schema and the file.
fn report(env: &TestEnv, id: &str, file: &Path) -> String {
    let run = env
        .run(
            "pipeline",
            &["report", id, "--html", file.to_str().unwrap(), "--json"],
        )
        .expect(0);
    let out = run.json();
    assert_shape("pipeline-report.schema.json", &out);
    assert_eq!(out["path"], file.to_str().unwrap());
    assert_eq!(out["pipeline"], id);
    let html = std::fs::read_to_string(file).unwrap();
    assert_eq!(out["bytes"].as_u64().unwrap(), html.len() as u64);
    assert!(run.stderr.is_empty(), "nothing on stderr: {}", run.stderr);
    html
}

/// The pipeline's ledger events, as `ledger query` gives them.
fn ledger_events(env: &TestEnv, id: &str) -> Vec<Value> {
    env.run(
        "ledger",
        &["query", "--pipeline", id, "--limit", "5000", "--json"],
    )
    .expect(0)
    .json()
    .as_array()
    .unwrap()
    .clone()
}

/// The elements a report may hold: no script, no image, nothing embedded.
const ELEMENTS: [&str; 36] = [
    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
    "span", "p", "nav", "ul", "ol", "li", "a", "main", "section", "dl", "dt", "dd", "table",
    "thead", "tbody", "tr", "th", "td", "pre", "code", "b", "i", "footer", "svg", "text",
];
const SVG_ELEMENTS: [&str; 3] = ["line", "rect", "path"];

/// Nothing in the page runs or loads anything: every tag is one of
/// [`ELEMENTS`], with no event handler, no `src` and only in-page links (so
/// whatever the agents wrote was escaped); no secret of the environment is
/// in it; it has print styles.
#[track_caller]
fn self_contained(env: &TestEnv, html: &str, name: &str) {
    for tag in html.split('<').skip(1) {
        let tag = &tag[..tag
            .find('>')
            .unwrap_or_else(|| panic!("{name}: an unclosed tag <{tag}"))];
        let tag_name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or_default();
        assert!(
            ELEMENTS.contains(&tag_name) || SVG_ELEMENTS.contains(&tag_name),
            "{name}: an element <{tag}>"
        );
        for attr in tag.split_whitespace().skip(1) {
            let lower = attr.to_ascii_lowercase();
            assert!(
                !(lower.starts_with("on")
                    || lower.starts_with("src=")
                    || lower.contains("javascript:")),
                "{name}: an attribute in <{tag}>"
            );
            if lower.starts_with("href=") {
                assert!(
                    lower.starts_with("href=\"#"),
                    "{name}: a link out of the page <{tag}>"
                );
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    for bad in ["@import", "url("] {
        assert!(!lower.contains(bad), "{name}: the page holds `{bad}`");
    }
    // The only URL is the SVG namespace's name, which nothing fetches.
    assert_eq!(
        lower.matches("http").count(),
        lower.matches("http://www.w3.org/2000/svg").count(),
        "{name}: no other URL"
    );
    for (k, v) in env.vars() {
        if k.contains("TOKEN") || k.contains("SECRET") {
            assert!(!html.contains(v.as_str()), "{name}: the page holds {k}");
        }
    }
    assert!(html.contains("@media print"), "{name}: print styles");
}

/// Text as the page shows it.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn the_report_holds_the_plan_agents_votes_decisions_and_ledger_hashes() {
    for (name, env) in both() {
        with_examples(&env);
        let (run, id) = spawn(&env, "examples/plans/quickstart.yaml");
        run.expect(0);
        let dir = env.dir.path().join("out");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("quickstart.html");
        std::fs::write(&file, "an older report").unwrap();
        let html = report(&env, &id, &file);
        assert_eq!(
            crate::common::files_under(&dir),
            ["quickstart.html"],
            "{name}: replaced in place, no temporary file left"
        );
        assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
        self_contained(&env, &html, name);
        let st = status(&env, &id);
        // The plan, the agents and the timeline of their phases.
        for want in [
            id.as_str(),
            "COMPLETED",
            "quickstart",
            "python3 examples/agents/links_alpha.py",
            "find the broken links",
            "quickstart-alpha",
            "quickstart-beta",
            "<svg class=\"timeline\"",
            "EXECUTE",
            "every required agent voted",
        ] {
            assert!(html.contains(want), "{name}: the page names {want}");
        }
        // One timeline row per agent, each with its phases.
        let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
        for role in ["alpha", "beta"] {
            assert!(
                svg.contains(&format!(">{role}</text>")),
                "{name}: a timeline row for {role}"
            );
            for phase in ["BOOTSTRAP", "PREFLIGHT", "PLAN", "EXECUTE", "REPORT"] {
                assert!(
                    svg.contains(&format!("<title>{role} {phase}: ")),
                    "{name}: {role}'s {phase} on the timeline"
                );
            }
        }
        // The votes, each with the token its voter held, and what alpha found.
        let votes = env
            .run("pipeline", &["consensus", "status", &id, "--json"])
            .expect(0)
            .json();
        for v in votes["votes"].as_array().unwrap() {
            assert!(
                html.contains(v["token_accessor"].as_str().unwrap()),
                "{name}"
            );
            let reasoning = v["reasoning"].as_str().unwrap();
            assert!(html.contains(&esc(reasoning)), "{name}: {reasoning}");
            if let Some(p) = v["proposal"].as_str() {
                assert!(html.contains(&format!("href=\"#entry-{p}\"")), "{name}");
            }
        }
        assert!(html.contains("missing.md"), "{name}: alpha's findings");
        assert!(
            html.contains(st["token"]["accessor"].as_str().unwrap()),
            "{name}: the pipeline token's accessor (never the token)"
        );
        // Every ledger event of the pipeline with its hash, and how to verify.
        let events = ledger_events(&env, &id);
        assert!(events.len() > 10, "{name}");
        for e in &events {
            assert!(
                html.contains(&format!(
                    "<td class=\"hash\">{}</td>",
                    e["hash"].as_str().unwrap()
                )),
                "{name}: the hash of #{}",
                e["seq"]
            );
        }
        let run = env
            .run(
                "pipeline",
                &["report", &id, "--html", file.to_str().unwrap(), "--json"],
            )
            .expect(0);
        assert_eq!(run.json()["events"], events.len(), "{name}");
        assert!(
            html.contains("ledger export --format sqlite -o copy.db"),
            "{name}"
        );
        assert!(html.contains("ledger verify --db copy.db"), "{name}");
        if name == "embedded" {
            // The steps the page gives work. (With Vault, seals live at one
            // KV path that every test installation on the server writes.)
            env.sh(
                "\"$LEDGER\" export --format sqlite -o copy.db && \"$LEDGER\" verify --db copy.db",
            )
            .expect(0);
        }
        // Without --json: one line on stdout, nothing on stderr.
        let text = env
            .run(
                "pipeline",
                &["report", &id, "--html", file.to_str().unwrap()],
            )
            .expect(0);
        assert_eq!(
            text.stdout,
            format!(
                "wrote the report of {id} to {} ({} bytes, {} ledger events)\n",
                file.display(),
                html.len(),
                events.len()
            ),
            "{name}"
        );
        assert!(text.stderr.is_empty(), "{name}: {}", text.stderr);
    }
}

#[test]
fn a_consensus_failure_its_fallback_and_who_chose_it_are_in_the_report() {
    for (name, env) in both() {
        with_examples(&env);
        let (run, id) = spawn(&env, "examples/plans/disagree.yaml");
        run.expect(2);
        let file = env.dir.path().join("disagree.html");
        let html = report(&env, &id, &file);
        self_contained(&env, &html, name);
        for want in [
            "status s-CONSENSUS_FAILED",
            "REJECT",
            "ACCEPT",
            "rejected by beta",
            "pipeline.consensus",
        ] {
            assert!(html.contains(want), "{name}: the page names {want}");
        }
        env.run(
            "pipeline",
            &[
                "consensus",
                "fallback",
                &id,
                "--action",
                "accept_partial",
                "--yes",
            ],
        )
        .expect(0);
        let by = crate::ledger_vault::decider(name);
        let html = report(&env, &id, &file);
        let decisions =
            &html[html.find("id=\"decisions\"").unwrap()..html.find("id=\"revocations\"").unwrap()];
        assert!(decisions.contains("pipeline.fallback"), "{name}");
        assert!(decisions.contains("action=accept_partial"), "{name}");
        assert!(
            decisions.contains(&format!("<td><b>{by}</b></td><td>pipeline.fallback</td>")),
            "{name}: who chose the fallback: {decisions}"
        );
        assert!(
            html.contains(&format!("<dt>partial result accepted by</dt><dd>{by}")),
            "{name}"
        );
        assert!(html.contains("status s-COMPLETED"), "{name}");
    }
}

/// Agents write markup of every kind: `<script>`, an `<img onerror>`, a
/// closing `</pre>`, quotes. The page shows it as text.
fn hostile_plan(env: &TestEnv) -> String {
    let dir = env.dir.path();
    std::fs::write(
        dir.join("hostile.sh"),
        r#"#!/bin/sh
for p in PREFLIGHT PLAN EXECUTE; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"post","section":"solutions","content":"<img src=x onerror=alert(1)> \"quoted\" & done"}'
echo '{"type":"send","to":"all","kind":"FEEDBACK","body":"<script>document.title=\"pwned\"</script>"}'
echo '{"type":"error","key":"<b>bold</b>","message":"</td></tr></table><script>alert(3)</script>"}'
for p in VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"vote","vote":"ACCEPT","reasoning":"</pre><script>alert(2)</script>"}'
"#,
    )
    .unwrap();
    let plan = dir.join("hostile.yaml");
    std::fs::write(
        &plan,
        format!(
            "name: hostile\nobjective: 'write <script>alert(0)</script> everywhere'\nagents:\n  alpha: {{command: [sh, {0}]}}\n  beta: {{command: [sh, {0}]}}\n",
            dir.join("hostile.sh").display()
        ),
    )
    .unwrap();
    plan.display().to_string()
}

#[test]
fn agents_markup_is_shown_as_text_never_run() {
    for (name, env) in both() {
        let plan = hostile_plan(&env);
        let (run, id) = spawn(&env, &plan);
        run.expect(0);
        let file = env.dir.path().join("hostile.html");
        let html = report(&env, &id, &file);
        self_contained(&env, &html, name);
        for shown in [
            "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;",
            "&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;",
            "&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; done",
            "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(3)&lt;/script&gt;",
            "write &lt;script&gt;alert(0)&lt;/script&gt; everywhere",
        ] {
            assert!(html.contains(shown), "{name}: shown as text: {shown}");
        }
    }
}

/// Chromium: AGOV_TEST_CHROMIUM, else Debian's package. The test fails,
/// saying what to do, when there is none (tests/run.sh installs it).
fn chromium() -> PathBuf {
    let hint = "hint: `apt-get install chromium` (Debian), or run tests/run.sh, which installs it";
    if let Some(p) = std::env::var_os("AGOV_TEST_CHROMIUM") {
        let p = PathBuf::from(p);
        assert!(
            p.exists(),
            "AGOV_TEST_CHROMIUM={} does not exist\n{hint}",
            p.display()
        );
        return p;
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/local/bin/chromium"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "headless Chromium is needed to check the HTML report in a browser, and none was found\n{hint}"
            )
        })
}

/// Runs headless Chromium on `page` with `args`, with a profile of its own.
fn browse(env: &TestEnv, page: &Path, args: &[&str]) -> std::process::Output {
    let profile = env.dir.path().join("chromium-profile");
    let out = std::process::Command::new("timeout")
        .arg("120")
        .arg(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .env("HOME", env.dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    // The console stays silent: no script ran, nothing failed in the page.
    assert!(!stderr.contains(":CONSOLE"), "the page logged: {stderr}");
    out
}

#[test]
fn the_report_opens_in_headless_chromium() {
    chromium();
    let env = TestEnv::new();
    with_examples(&env);
    let (run, id) = spawn(&env, "examples/plans/quickstart.yaml");
    run.expect(0);
    let page = env.dir.path().join("quickstart.html");
    report(&env, &id, &page);
    let dom = browse(&env, &page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains(&format!("<title>Pipeline {id} — COMPLETED")),
        "{dom}"
    );
    for want in [
        "quickstart-alpha",
        "quickstart-beta",
        "<h2>Votes</h2>",
        "class=\"v-ACCEPT\"",
        "<svg class=\"timeline\"",
        "pipeline.vote",
    ] {
        assert!(dom.contains(want), "the browser's DOM holds {want}");
    }
    let shot = env.dir.path().join("quickstart.png");
    browse(
        &env,
        &page,
        &[
            "--window-size=1200,2000",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(png.len() > 10_000, "a screenshot of {} bytes", png.len());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    // Hostile markup stays text in the browser: no script element, the
    // title untouched.
    let plan = hostile_plan(&env);
    let (run, id) = spawn(&env, &plan);
    run.expect(0);
    let page = env.dir.path().join("hostile.html");
    report(&env, &id, &page);
    let dom = browse(&env, &page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(!dom.to_ascii_lowercase().contains("<script"), "{dom}");
    assert!(!dom.contains("<img"), "{dom}");
    assert!(
        dom.contains(&format!("<title>Pipeline {id} — COMPLETED")),
        "{dom}"
    );
    assert!(dom.contains("&lt;script&gt;document.title"), "{dom}");
}

#[test]
fn an_unknown_pipeline_fails_like_pipeline_status_and_writes_nothing() {
    let env = TestEnv::new();
    let file = env.dir.path().join("nope.html");
    let status = env.run("pipeline", &["status", "p-0000000000"]);
    let run = env.run(
        "pipeline",
        &["report", "p-0000000000", "--html", file.to_str().unwrap()],
    );
    assert_ne!(status.code, 0);
    assert_eq!(run.code, status.code, "{}", run.stderr);
    assert_eq!(run.stderr, status.stderr);
    assert!(
        run.stderr.contains("hint: `pipeline list --all`"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    assert!(!file.exists());
    let json = env.run(
        "pipeline",
        &[
            "report",
            "p-0000000000",
            "--html",
            file.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(json.code, status.code);
    assert!(!file.exists());
    // --html is required, and --help shows an example.
    let missing = env.run("pipeline", &["report", "p-0000000000"]);
    assert_eq!(missing.code, 64, "{}", missing.stderr);
    let help = env.run("pipeline", &["report", "--help"]).expect(0);
    assert!(
        help.stdout.contains("pipeline report p-1a2b3c --html"),
        "{}",
        help.stdout
    );
}

#[test]
fn gate_approvals_and_revocations_name_who_decided() {
    use crate::pipelines::{background_exit_code, slow_plan, spawn_in_background, wait_for};
    use std::time::Duration;
    for (name, env) in both() {
        with_examples(&env);
        let by = crate::ledger_vault::decider(name);
        // A staged plan: its gate approved, with a reason.
        let (_, id) = spawn_in_background(&env, "examples/plans/staged.yaml");
        wait_for("the gate to open", Duration::from_secs(60), || {
            status(&env, &id)["pending_gates"] == serde_json::json!(["approve"])
        });
        env.run(
            "pipeline",
            &[
                "approve",
                &id,
                "--stage",
                "approve",
                "--reason",
                "reviewed in INC-42",
            ],
        )
        .expect(0);
        assert_eq!(background_exit_code(&env), 0, "{name}");
        let html = report(&env, &id, &env.dir.path().join("staged.html"));
        self_contained(&env, &html, name);
        let gates = &html[html.find("<h3>Human gates</h3>").unwrap()..];
        assert!(
            gates.contains(&format!("<td>approved</td><td>{by}</td>")),
            "{name}: who approved the gate"
        );
        assert!(gates.contains("reviewed in INC-42"), "{name}");
        let decisions =
            &html[html.find("id=\"decisions\"").unwrap()..html.find("id=\"revocations\"").unwrap()];
        assert!(
            decisions.contains(&format!(
                "<td><b>{by}</b></td><td>pipeline.gate_approve</td>"
            )),
            "{name}: {decisions}"
        );
        let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
        for stage in ["build", "test", "lint", "deploy"] {
            assert!(
                svg.contains(&format!(">stage {stage}</text>")),
                "{name}: {stage} on the timeline"
            );
        }

        // A pipeline revoked half-way: who revoked it, and why.
        for f in ["spawn.rc", "spawn.out", "spawn.pid"] {
            std::fs::remove_file(env.dir.path().join(f)).unwrap();
        }
        slow_plan(&env);
        let (_, id) = spawn_in_background(&env, "slow.yaml");
        wait_for("beta to run", Duration::from_secs(60), || {
            status(&env, &id)["agents"]["beta"]["status"] == "running"
        });
        env.run("pipeline", &["revoke", &id, "--reason", "wrong target"])
            .expect(0);
        assert_eq!(background_exit_code(&env), 3, "{name}");
        let html = report(&env, &id, &env.dir.path().join("revoked.html"));
        let revocations =
            &html[html.find("id=\"revocations\"").unwrap()..html.find("id=\"errors\"").unwrap()];
        assert!(
            revocations.contains(&format!("<dt>pipeline revoked by</dt><dd>{by}</dd>")),
            "{name}: {revocations}"
        );
        assert!(
            revocations.contains(&format!("<td><b>{by}</b></td><td>pipeline.revoke</td>")),
            "{name}: {revocations}"
        );
        assert!(revocations.contains("wrong target"), "{name}");
        assert!(html.contains("status s-FAILED"), "{name}");
    }
}
