//! Every agent of a pipeline (ALPHA, BETA, GAMMA, stage agents) runs
//! confined like a lone agent.

use super::*;

/// What every agent of the pipeline test below tries before it does its
/// real work (`exec "$@"`): each success leaves a file in its own output
/// folder, which the test then looks for.
fn hostile_wrapper(env: &TestEnv, outside: &Path, redis_port: u16) -> String {
    format!(
        r#"o="$AGOV_OUTPUT_DIR"
echo "$AGOV_ROLE" > "$o/ran"
touch {outside}/"$AGOV_ROLE"-$$ 2>/dev/null && touch "$o/wrote-outside"
cat {data}/agov.db > "$o/stolen" 2>/dev/null || rm -f "$o/stolen"
cat {data}/runtime.db > "$o/stolen-runtime" 2>/dev/null || rm -f "$o/stolen-runtime"
(exec 3<>/dev/tcp/127.0.0.1/{redis_port}) 2>/dev/null && touch "$o/connected"
env > "$o/env"
exec "$@"
"#,
        outside = outside.display(),
        data = env.data().display(),
    )
}

/// The files the agents of a pipeline left in their output folders.
fn left_behind(env: &TestEnv) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut dirs = vec![env.data().join("pipelines")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                let content = std::fs::read_to_string(&p).unwrap_or_default();
                found.push((e.file_name().to_string_lossy().to_string(), content));
            }
        }
    }
    found
}

#[test]
fn pipeline_agents_gamma_and_stage_agents_run_confined() {
    let redis_port = agov_testkit::shared_redis().port;
    for (name, env) in crate::pipelines::both() {
        require_landlock(&env);
        crate::pipelines::with_examples(&env);
        let dir = env.dir.path();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.join("hostile.sh"),
            hostile_wrapper(&env, outside.path(), redis_port),
        )
        .unwrap();
        // ALPHA and BETA disagree until GAMMA mediates; then a staged plan.
        let conflict = std::fs::read_to_string(dir.join("examples/plans/conflict.yaml"))
            .unwrap()
            .replace("command: [python3,", "command: [bash, hostile.sh, python3,");
        std::fs::write(dir.join("conflict.yaml"), conflict).unwrap();
        std::fs::write(
            dir.join("stages.yaml"),
            "name: stages\nobjective: two stages\ntimeout: 5m\nstages:\n  \
             - name: build\n    command: [bash, hostile.sh, bash, examples/agents/stage.sh, ok]\n  \
             - name: test\n    requires: [build]\n    command: [bash, hostile.sh, bash, examples/agents/stage.sh, ok]\n",
        )
        .unwrap();
        for plan in ["conflict.yaml", "stages.yaml"] {
            let r = env.sh(&format!("\"$PIPELINE\" spawn --plan {plan} --json"));
            assert_eq!(r.code, 0, "{name} {plan}: {}\n{}", r.stdout, r.stderr);
        }
        let files = left_behind(&env);
        let operator = env
            .vars()
            .iter()
            .find(|(k, _)| k == "VAULT_TOKEN")
            .map(|(_, v)| v.as_str());
        let ran: Vec<&str> = files
            .iter()
            .filter(|(f, _)| f == "ran")
            .map(|(_, c)| c.trim())
            .collect();
        for role in ["alpha", "beta", "gamma"] {
            assert!(ran.contains(&role), "{name}: {role} never ran: {ran:?}");
        }
        // Stage agents have no role: one `ran` per stage.
        assert_eq!(
            ran.len(),
            files.iter().filter(|(f, _)| f == "env").count(),
            "{name}"
        );
        assert!(ran.len() >= 5, "{name}: {ran:?}");
        for (f, content) in &files {
            assert!(
                !["wrote-outside", "stolen", "stolen-runtime", "connected"].contains(&f.as_str()),
                "{name}: an agent escaped: {f}"
            );
            if f == "env" {
                let var = |name: &str| {
                    content
                        .lines()
                        .find_map(|l| l.strip_prefix(&format!("{name}=")))
                };
                for v in [
                    "AGOV_HOME",
                    "AGOV_CONFIG",
                    "AGOV_RUNTIME_URL",
                    "AGOV_VAULT_ROLE_ID",
                    "AGOV_VAULT_SECRET_ID",
                ] {
                    assert!(var(v).is_none(), "{name}: an agent got {v}");
                }
                // The only Vault token it holds is its own tier token.
                if let Some(vault) = var("VAULT_TOKEN") {
                    assert_eq!(Some(vault), var("AGOV_TOKEN"), "{name}");
                    assert_ne!(Some(vault), operator, "{name}: it got the operator's token");
                }
            }
        }
        assert!(
            crate::common::files_under(outside.path()).is_empty(),
            "{name}"
        );
    }
}
