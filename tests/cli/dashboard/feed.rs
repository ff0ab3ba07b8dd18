//! Where the dashboard's changes come from: on Redis a subscription, taken
//! up again when Redis drops it.

use super::*;

/// Redis drops the dashboard's subscription (`CLIENT KILL TYPE pubsub`):
/// it says so and polls, subscribes again a second later, and a change
/// still shows.
#[test]
fn a_lost_redis_subscription_is_taken_up_again() {
    // A Redis of its own: killing pub/sub clients must not touch other tests'.
    let redis = agov_testkit::Redis::start();
    let mut env = TestEnv::new();
    env.set("AGOV_RUNTIME_URL", &redis.url());
    with_examples(&env);
    hold_plan(&env);
    let id = env
        .sh("\"$PIPELINE\" spawn --plan hold.yaml --detach --json")
        .expect(0)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tmux = Tmux::start(&env, "");
    let title = |s: &str, feed: &str| s.lines().next().is_some_and(|l| l.contains(feed));
    tmux.expect("never subscribed", Duration::from_secs(30), |s| {
        title(s, "redis, pushed") && row(s, &id).is_some_and(|r| r.contains("RUNNING"))
    });
    let killed = crate::expiry::redis_cli(redis.port, &["CLIENT", "KILL", "TYPE", "pubsub"]);
    assert!(killed.trim().parse::<u32>().unwrap_or(0) >= 1, "{killed}");
    tmux.expect("the loss was not shown", Duration::from_secs(10), |s| {
        title(s, "redis, polled") && s.contains("no pushed changes")
    });
    tmux.expect("never subscribed again", Duration::from_secs(15), |s| {
        title(s, "redis, pushed") && s.contains("pushed changes again")
    });
    std::fs::write(env.dir.path().join("go"), "").unwrap();
    tmux.expect("COMPLETED never showed", Duration::from_secs(30), |s| {
        row(s, &id).is_some_and(|r| r.contains("COMPLETED"))
    });
}
