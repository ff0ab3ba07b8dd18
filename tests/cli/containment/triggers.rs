//! The call-rate trigger: above 100 calls a minute an agent is throttled,
//! and revoked when it keeps on.

use super::*;

#[test]
fn an_agent_above_100_calls_a_minute_is_throttled_then_revoked() {
    std::thread::scope(|s| {
        for (name, env) in both() {
            s.spawn(move || flood(name, &env));
        }
    });
}

/// An agent that asks for actions as fast as it is answered: from the
/// 101st call of the minute each answer waits, and after a minute of that
/// it is revoked, its run recorded revoked.
fn flood(name: &str, env: &TestEnv) {
    require_landlock(env);
    let dir = env.dir.path();
    let script = format!(
        r#"{PHASES_IN}
n=0
while true; do
  say "{{\"type\":\"action\",\"id\":\"c$n\",\"action\":\"cmd:ls\"}}"
  IFS= read -r answer || exit 0
  n=$((n + 1))
done
"#
    );
    std::fs::write(
        dir.join("flood.json"),
        r#"{"agent_id":"flood","task_id":"t-flood","objective":"call"}"#,
    )
    .unwrap();
    std::fs::write(dir.join("flood.sh"), script).unwrap();
    let started = Instant::now();
    let r = env.sh("\"$PIPELINE\" agent run --packet flood.json --json -- bash flood.sh");
    let took = started.elapsed();
    assert_eq!(r.code, 3, "{name}: {}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["outcome"], "revoked", "{name}: {doc}");
    assert!(
        took > Duration::from_secs(60) && took < Duration::from_secs(90),
        "{name}: revoked after {took:?}, not after a minute of throttling"
    );
    let query = |action: &str| -> Vec<serde_json::Value> {
        env.run(
            "ledger",
            &[
                "query", "--action", action, "--agent", "flood", "--limit", "10000", "--json",
            ],
        )
        .expect(0)
        .json()
        .as_array()
        .unwrap()
        .clone()
    };
    let throttled = query("agent.throttled");
    assert_eq!(throttled.len(), 1, "{name}: {throttled:?}");
    assert_eq!(throttled[0]["detail"]["calls_per_minute"], 101, "{name}");
    // Answered late from then on: at most 200 a minute.
    let actions = query("agent.action");
    let after = actions.len() - 101;
    assert!(
        (100..=230).contains(&after),
        "{name}: {after} calls answered in the throttled minute"
    );
    let revoked = query("agent.revoke*");
    assert!(
        revoked
            .iter()
            .any(|e| e.to_string().contains("more than 100 calls a minute")),
        "{name}: {revoked:?}"
    );
}
