//! Secrets stay secret and data stays private: after a workload through
//! every tool (embedded, and against OpenBao + Redis) with debug logging on,
//! no secret (a revealed Vault token, the AppRole secret id, the ledger's
//! HMAC key) appears in any output, log line or file under the agov folder,
//! and every folder agov made there is 0700 and every file 0600.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::Run;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        out.push(p.clone());
        if p.is_dir() {
            walk(&p, out);
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn no_secret_leaks_into_outputs_logs_or_files_and_data_is_private() {
    for (name, mut env) in crate::pipelines::both() {
        crate::pipelines::with_examples(&env);
        env.set("AGOV_LOG", "debug");
        let mut seen = String::new();
        let mut keep = |r: Run| -> Run {
            seen.push_str(&r.stdout);
            seen.push_str(&r.stderr);
            r
        };
        keep(
            env.run("bugs", &["log", "-m", "a bug", "--severity", "high"])
                .expect(0),
        );
        keep(
            env.run_with_stdin("memory", &["log"], Some(b"some notes\n"))
                .expect(0),
        );
        keep(
            env.run("checkpoint", &["now", "--notes", "before"])
                .expect(0),
        );
        keep(
            env.sh("\"$PIPELINE\" templates add examples/templates")
                .expect(0),
        );
        keep(
            env.sh("\"$PIPELINE\" plan add examples/plans/quickstart.yaml")
                .expect(0),
        );
        let (run, id) = crate::pipelines::spawn(&env, "examples/plans/quickstart.yaml");
        keep(run.expect(0));
        keep(env.run("pipeline", &["token", &id]).expect(0));
        keep(
            env.run("pipeline", &["token", "issue", "--tier", "1"])
                .expect(0),
        );
        keep(env.run("ledger", &["seal", "--new-ledger"]).expect(0));
        keep(env.run("ledger", &["export"]).expect(0));
        keep(env.run("checkpoint", &["load"]).expect(0));
        keep(env.run("validate-phases", &["--phase", "12"]));

        // The secrets, each shown only where it is asked for. A finished
        // pipeline's sealed token is deleted; one that failed to reach
        // consensus keeps it for a fallback.
        let mut secrets: Vec<(String, String)> = Vec::new();
        let ended = keep(env.run("pipeline", &["token", &id, "--reveal"]).expect(1));
        assert!(
            ended.stderr.contains("has ended"),
            "{name}: {}",
            ended.stderr
        );
        let (run, failed) = crate::pipelines::spawn(&env, "examples/plans/disagree.yaml");
        keep(run.expect(2));
        let revealed = env
            .run("pipeline", &["token", &failed, "--reveal", "--json"])
            .expect(0)
            .json();
        secrets.push((
            "the pipeline's token".into(),
            revealed["token"].as_str().unwrap().into(),
        ));
        let issued = env
            .run(
                "pipeline",
                &["token", "issue", "--tier", "0", "--reveal", "--json"],
            )
            .expect(0)
            .json();
        secrets.push((
            "a revealed tier token".into(),
            issued["token"].as_str().unwrap().into(),
        ));
        let key = env.data().join("ledger-hmac.key");
        if key.exists() {
            secrets.push((
                "the HMAC key".into(),
                std::fs::read_to_string(&key).unwrap().trim().into(),
            ));
        }
        if let Some((_, v)) = env.vars().iter().find(|(k, _)| k == "AGOV_VAULT_SECRET_ID") {
            secrets.push(("the AppRole secret id".into(), v.clone()));
        }
        assert!(
            secrets.iter().all(|(_, s)| s.len() >= 16),
            "{name}: {secrets:?}"
        );

        let mut files = Vec::new();
        walk(&env.home(), &mut files);
        for (what, secret) in &secrets {
            assert!(
                !seen.contains(secret.as_str()),
                "{name}: {what} in a command's output"
            );
            for f in files.iter().filter(|f| f.is_file() && **f != key) {
                let bytes = std::fs::read(f).unwrap();
                assert!(
                    !contains(&bytes, secret),
                    "{name}: {what} in {}",
                    f.display()
                );
            }
        }

        // Private: agov's folders 0700, its files 0600. What the agents write
        // in their own output folders is theirs, inside a 0700 folder.
        for f in &files {
            let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
            let rel = f.strip_prefix(env.home()).unwrap().display().to_string();
            let agents_own = rel.starts_with("data/pipelines/p-")
                && f.parent().is_some_and(|p| {
                    p.parent().is_some_and(|pp| {
                        pp.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with("p-"))
                    })
                });
            if f.is_dir() {
                assert_eq!(mode, 0o700, "{name}: folder {rel}");
            } else if !agents_own {
                assert_eq!(mode, 0o600, "{name}: file {rel}");
            }
        }
    }
}
