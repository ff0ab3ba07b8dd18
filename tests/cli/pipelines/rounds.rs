//! How a round ends: agents that never ran, a tier that is a ceiling,
//! messages to all, proposals and `accept_partial`.

use super::*;

/// An agent whose command cannot start, or that never speaks the protocol,
/// is a mistake in the plan: the pipeline fails with exit 1 and says what
/// to fix; exit 2 is kept for agents that ran and did not agree.
#[test]
fn agents_that_never_ran_fail_the_pipeline_as_an_error_not_a_disagreement() {
    for (name, env) in both() {
        std::fs::write(
            env.dir.path().join("broken.yaml"),
            "name: broken\nobjective: nothing\ntier: 0\ntimeout: 1m\nagents:\n  \
             alpha:\n    command: [./missing-agent.sh]\n  \
             beta:\n    command: [bash, -c, 'echo hello']\n\
             consensus:\n  required: [alpha, beta]\n",
        )
        .unwrap();
        let r = env.sh("\"$PIPELINE\" spawn --plan broken.yaml --json");
        assert_eq!(r.code, 1, "{name}: {}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("agents that never ran")
                && r.stderr
                    .contains("alpha: it never started: its command was not found")
                && r.stderr.contains("beta: it exited")
                && r.stderr.contains("without speaking the protocol")
                && r.stderr
                    .contains("check each agent's `command` in the plan"),
            "{name}: {}",
            r.stderr
        );
        let id = r.json_lines()[0]["pipeline"].as_str().unwrap().to_string();
        let st = status(&env, &id);
        assert_eq!(st["status"], "FAILED", "{name}: {st}");
        assert_eq!(st["exit_code"], 1, "{name}: {st}");
    }
}

/// The reference's quick start on a fresh install: `spawn --tier 1` with
/// agents that earned nothing. A pipeline's tier is a ceiling: each agent
/// runs at the lower of it and what it earned, and the ledger says so.
#[test]
fn a_pipeline_tier_is_a_ceiling_for_agents_that_earned_less() {
    for (name, env) in both() {
        with_examples(&env);
        let r = env.sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml --tier 1 --json");
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let id = r.json_lines()[0]["pipeline"].as_str().unwrap().to_string();
        let st = status(&env, &id);
        assert_eq!(st["tier"], 1, "{name}");
        for role in ["alpha", "beta"] {
            assert_eq!(st["agents"][role]["tier"], 0, "{name}: {st}");
        }
        let boots = env
            .run(
                "ledger",
                &["query", "--action", "agent.bootstrap", "--json"],
            )
            .expect(0)
            .json();
        for e in boots.as_array().unwrap() {
            assert_eq!(e["detail"]["ceiling"], 1, "{name}: {e}");
            assert_eq!(e["detail"]["earned"], 0, "{name}: {e}");
            assert_eq!(e["detail"]["tier"], 0, "{name}: {e}");
        }
    }
}

/// `send` to `all` (GAMMA → ALL in the reference) reaches every other agent
/// of the pipeline, once, and is ledgered with its recipients; it is not an
/// error against the sender's budget.
#[test]
fn a_message_to_all_reaches_every_other_agent() {
    for (name, env) in both() {
        let dir = env.dir.path();
        let agent = |extra: &str| {
            format!(
                r#"say() {{ printf '%s\n' "$1"; }}
for p in PREFLIGHT PLAN EXECUTE; do say "{{\"type\":\"phase\",\"phase\":\"$p\"}}"; done
{extra}
say '{{"type":"vote","vote":"ACCEPT","reasoning":"fine"}}'
for p in VERIFY PACKAGE REPORT; do say "{{\"type\":\"phase\",\"phase\":\"$p\"}}"; done
"#
            )
        };
        std::fs::write(
            dir.join("loud.sh"),
            agent(r#"say '{"type":"send","to":"all","kind":"FEEDBACK","body":"hello everyone"}'"#),
        )
        .unwrap();
        std::fs::write(dir.join("quiet.sh"), agent("")).unwrap();
        std::fs::write(
            dir.join("all.yaml"),
            "name: all\nobjective: talk\ntier: 0\ntimeout: 1m\nagents:\n  \
             alpha:\n    command: [bash, loud.sh]\n  beta:\n    command: [bash, quiet.sh]\n  \
             gamma:\n    command: [bash, quiet.sh]\n\
             gamma:\n  conflicts: 3\nconsensus:\n  required: [alpha, beta]\n",
        )
        .unwrap();
        let (run, id) = spawn(&env, "all.yaml");
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        for (role, expected) in [("beta", 1), ("gamma", 1), ("alpha", 0)] {
            let got = env
                .run("pipeline", &["messages", &id, "--to", role, "--json"])
                .expect(0)
                .json();
            assert_eq!(
                got.as_array().unwrap().len(),
                expected,
                "{name}: messages to {role}: {got}"
            );
        }
        let sent = env
            .run(
                "ledger",
                &["query", "--action", "pipeline.message", "--json"],
            )
            .expect(0)
            .json();
        let e = &sent.as_array().unwrap()[0]["detail"];
        assert_eq!(e["to"], "all", "{name}: {e}");
        assert_eq!(
            e["recipients"],
            serde_json::json!(["beta", "gamma"]),
            "{name}: {e}"
        );
        assert_eq!(
            status(&env, &id)["agents"]["alpha"]["status"],
            "completed",
            "{name}"
        );
    }
}

/// Solutions are proposals with ids (`alpha-r1-1`), votes name the proposal
/// they judge, `accept_partial` completes with the best-supported one, and
/// the blackboard's `final` section records how the round ended.
#[test]
fn accept_partial_completes_with_the_best_supported_proposal() {
    for (name, env) in both() {
        let dir = env.dir.path();
        let agent = |body: &str| {
            format!(
                r#"say() {{ printf '%s\n' "$1"; }}
for p in PREFLIGHT PLAN EXECUTE; do say "{{\"type\":\"phase\",\"phase\":\"$p\"}}"; done
{body}
for p in VERIFY PACKAGE REPORT; do say "{{\"type\":\"phase\",\"phase\":\"$p\"}}"; done
"#
            )
        };
        std::fs::write(
            dir.join("alpha.sh"),
            agent(
                r#"say '{"type":"post","section":"solutions","content":"plan A"}'
say '{"type":"post","section":"solutions","content":"plan A, revised"}'
say '{"type":"vote","vote":"ACCEPT","reasoning":"beta is right","proposal":"beta-r1-1"}'
say '{"type":"vote","vote":"ACCEPT","reasoning":"no such","proposal":"zeta-r1-9"}'"#,
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("beta.sh"),
            agent(
                r#"say '{"type":"post","section":"solutions","content":"plan B"}'
say '{"type":"vote","vote":"REJECT","reasoning":"not A","proposal":"alpha-r1-2"}'"#,
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("proposals.yaml"),
            "name: proposals\nobjective: choose\ntier: 0\ntimeout: 1m\nagents:\n  \
             alpha:\n    command: [bash, alpha.sh]\n  beta:\n    command: [bash, beta.sh]\n\
             consensus:\n  required: [alpha, beta]\n",
        )
        .unwrap();
        let (run, id) = spawn(&env, "proposals.yaml");
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        let board = env
            .run("pipeline", &["blackboard", &id, "--json"])
            .expect(0)
            .json();
        let ids: Vec<&str> = board["solutions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 3, "{name}: {board}");
        for want in ["alpha-r1-1", "alpha-r1-2", "beta-r1-1"] {
            assert!(ids.contains(&want), "{name}: {ids:?}");
        }
        assert_eq!(
            board["final"][0]["content"]["outcome"], "CONSENSUS_FAILED",
            "{name}: {board}"
        );
        // A vote naming no proposal is an error against the voter's budget,
        // and its earlier vote stands.
        let errors = env
            .run("ledger", &["query", "--action", "agent.error", "--json"])
            .expect(0)
            .json();
        assert!(errors.to_string().contains("zeta-r1-9"), "{name}: {errors}");
        let r = env.run(
            "pipeline",
            &[
                "consensus",
                "fallback",
                &id,
                "--action",
                "accept_partial",
                "--yes",
            ],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(
            r.stdout.contains("proposal beta-r1-1"),
            "{name}: {}",
            r.stdout
        );
        let st = status(&env, &id);
        assert_eq!(st["accepted_proposal"], "beta-r1-1", "{name}: {st}");
        let fin = env
            .run(
                "pipeline",
                &["blackboard", &id, "--section", "final", "--json"],
            )
            .expect(0)
            .json();
        let record = &fin["final"][0]["content"];
        assert_eq!(record["outcome"], "COMPLETED", "{name}: {fin}");
        assert_eq!(record["how"], "accept_partial", "{name}: {fin}");
        assert_eq!(record["proposal"], "beta-r1-1", "{name}: {fin}");
    }
}
