//! Everything ephemeral expires: after a pipeline and `validate-phases`,
//! every key left in the runtime store (Redis, checked with `redis-cli`;
//! the embedded store, checked with SQLite) has a TTL, a finished
//! pipeline's for the retention, and its sealed token is gone.

use std::process::Command;
use std::time::Duration;

use crate::common::TestEnv;

/// Seven days, the default retention, in seconds.
const WEEK: i64 = 7 * 24 * 3600;

/// `redis-cli` beside AGOV_TEST_REDIS_SERVER, else on PATH.
pub(crate) fn redis_cli(port: u16, args: &[&str]) -> String {
    let beside = std::env::var_os("AGOV_TEST_REDIS_SERVER")
        .map(|s| std::path::PathBuf::from(s).with_file_name("redis-cli"))
        .filter(|p| p.exists());
    let out = Command::new(beside.unwrap_or_else(|| "redis-cli".into()))
        .args(["-p", &port.to_string()])
        .args(args)
        .output()
        .expect("redis-cli (apt-get install redis-tools)");
    assert!(out.status.success(), "redis-cli {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Spawns the quickstart plan to its end; its id.
fn run_a_pipeline(env: &TestEnv) -> String {
    crate::pipelines::with_examples(env);
    let run = env
        .sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml --json")
        .expect(0);
    let last = run.json_lines().pop().unwrap();
    assert_eq!(last["pipeline"]["status"], "COMPLETED", "{last}");
    last["pipeline"]["id"].as_str().unwrap().to_string()
}

/// On Redis, with the default retention: every key has a TTL no longer
/// than 7 days, the finished pipeline's about 7 days.
#[test]
fn every_redis_key_expires_after_a_pipeline_and_validate_phases() {
    let redis = agov_testkit::Redis::start();
    let mut env = TestEnv::new();
    env.set("AGOV_RUNTIME_URL", &redis.url());
    let id = run_a_pipeline(&env);
    let checked = env.run("validate-phases", &["--apply"]);
    assert!(matches!(checked.code, 0 | 1), "{checked:?}");
    let keys: Vec<String> = redis_cli(redis.port, &["--scan"])
        .lines()
        .map(str::to_string)
        .collect();
    assert!(
        keys.iter()
            .any(|k| k.contains(&format!("pipeline:{id}:state"))),
        "the pipeline's state is kept for the retention: {keys:?}"
    );
    let mut forever = Vec::new();
    for key in &keys {
        let ttl: i64 = redis_cli(redis.port, &["TTL", key]).trim().parse().unwrap();
        assert!(ttl != -2, "{key} vanished");
        if ttl == -1 {
            forever.push(key.clone());
        } else {
            assert!(
                ttl <= WEEK,
                "{key} lives {ttl} s, longer than the retention"
            );
        }
        if key.contains(&id) {
            assert!(
                ttl > WEEK - 3600,
                "{key} of the finished pipeline: TTL {ttl}"
            );
        }
    }
    assert!(forever.is_empty(), "keys without a TTL: {forever:?}");
    assert!(
        !keys.iter().any(|k| k.ends_with(":vault_token")),
        "the sealed token outlived its pipeline: {keys:?}"
    );
}

/// On the embedded store, with a retention of 2 s: the pipeline is gone
/// after it, its rows deleted by the next write, and nothing that a
/// pipeline or `validate-phases` leaves lacks an expiry.
#[test]
fn a_finished_pipeline_is_forgotten_after_the_retention() {
    let mut env = TestEnv::new();
    env.set("AGOV_RETENTION", "2s");
    let id = run_a_pipeline(&env);
    env.run("pipeline", &["status", &id]).expect(0);
    let checked = env.run("validate-phases", &["--apply"]);
    assert!(matches!(checked.code, 0 | 1), "{checked:?}");
    std::thread::sleep(Duration::from_secs(3));
    let gone = env.run("pipeline", &["status", &id]).expect(1);
    assert!(gone.stderr.contains("no pipeline"), "{}", gone.stderr);
    // The next command that writes purges every expired row of the
    // embedded store: here the next pipeline.
    let next = run_a_pipeline(&env);
    let db = rusqlite::Connection::open(env.data().join("runtime.db")).unwrap();
    let left: Vec<(String, Option<i64>)> = db
        .prepare("SELECT key, expires_ms FROM entries")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        left.iter().all(|(k, _)| !k.contains(&id)),
        "rows of {id} are still in runtime.db: {left:?}"
    );
    assert!(left.iter().any(|(k, _)| k.contains(&next)), "{left:?}");
    let forever: Vec<_> = left.iter().filter(|(_, e)| e.is_none()).collect();
    assert!(forever.is_empty(), "rows without an expiry: {forever:?}");
}

/// A pipeline whose driver died and that nobody drove for the retention
/// never ends by itself: `pipeline gc` revokes its token and deletes its keys.
#[test]
fn gc_forgets_a_driverless_pipeline_after_the_retention() {
    let mut env = TestEnv::new();
    env.set("AGOV_RETENTION", "1s");
    crate::pipelines::with_examples(&env);
    crate::pipelines::slow_plan(&env);
    let out = env.sh(
        "SLOW_SECONDS=30 timeout -s INT 3 \"$PIPELINE\" spawn --plan slow.yaml --json > out.jsonl; echo $?",
    );
    assert_eq!(out.stdout.trim(), "124", "{}", out.stderr);
    let first = std::fs::read_to_string(env.dir.path().join("out.jsonl")).unwrap();
    let id = serde_json::from_str::<serde_json::Value>(first.lines().next().unwrap()).unwrap()
        ["pipeline"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(crate::pipelines::status(&env, &id)["status"], "RUNNING");
    std::thread::sleep(Duration::from_millis(1500));
    let collected = env.run("pipeline", &["gc", "--json"]).expect(0).json();
    crate::schemas::assert_shape("pipeline-gc.schema.json", &collected);
    assert_eq!(collected[0]["pipeline"], id.as_str(), "{collected}");
    assert_eq!(collected[0]["forgotten"], true, "{collected}");
    assert_eq!(collected[0]["revoked"], true, "{collected}");
    let gone = env.run("pipeline", &["status", &id]).expect(1);
    assert!(gone.stderr.contains("no pipeline"), "{}", gone.stderr);
    let db = rusqlite::Connection::open(env.data().join("runtime.db")).unwrap();
    let left: i64 = db
        .query_row(
            "SELECT count(*) FROM entries WHERE instr(key, ?1) > 0",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "keys of {id} are left");
    // Its record stays in the ledger.
    let events = env
        .run("ledger", &["query", "--pipeline", &id, "--json"])
        .expect(0)
        .json();
    assert!(!events.as_array().unwrap().is_empty());
}
