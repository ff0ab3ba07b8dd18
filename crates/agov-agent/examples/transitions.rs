//! Governance overhead per lifecycle transition: heartbeat, lock refresh,
//! state and budget written in one runtime-store round trip, plus the
//! durable ledger append. Prints the mean over N transitions in µs.
//!
//!   cargo run --release -p agov-agent --example transitions -- DIR [N] [redis://…]

use std::time::{Duration, Instant};

use agov_agent::{Governor, Run};
use agov_governance::Packet;
use agov_governance::rules::TierRules;
use agov_ledger::Ledger;
use agov_runtime::{EmbeddedStore, RedisStore, RuntimeStore};
use agov_tokens::EmbeddedAuthority;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir =
        std::path::PathBuf::from(args.get(1).expect("usage: transitions DIR [N] [redis://…]"));
    let n: u32 = args
        .get(2)
        .map_or(10_000, |s| s.parse().expect("N is a number"));
    std::fs::create_dir_all(&dir).expect("create DIR");
    let store: Box<dyn RuntimeStore> = match args.get(3) {
        Some(url) => Box::new(RedisStore::connect(url, None, "bench:").expect("redis")),
        None => {
            Box::new(EmbeddedStore::open(&dir.join("runtime.db"), "agov:").expect("runtime.db"))
        }
    };
    let tokens = EmbeddedAuthority::open(&dir.join("tokens.db")).expect("tokens.db");
    let rules = TierRules::built_in();
    let gov = Governor {
        store: store.as_ref(),
        tokens: &tokens,
        rules: &rules,
        tenant: "bench".into(),
        actor: "user:bench".into(),
        lock_ttl: Duration::from_secs(30),
        renew_every: None,
        retention: agov_runtime::RETENTION,
        max_tier: agov_core::Tier::Architect,
    };
    let mut ledger = Ledger::open(&dir.join("agov.db"), true).expect("agov.db");
    let agent = format!("bench-{}", std::process::id());
    let packet = Packet::parse(
        "packet",
        &format!(r#"{{"agent_id":"{agent}","task_id":"bench","objective":"measure"}}"#),
    )
    .expect("packet");
    let mut run = Run::bootstrap(&gov, &mut ledger, packet, None).expect("bootstrap");
    let start = Instant::now();
    for i in 0..n {
        run.step(if i % 2 == 0 { "work" } else { "more work" })
            .expect("transition");
    }
    let mean_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    run.revoke("benchmark over").expect("revoke");
    // The figure is the program's output, for the benchmark script.
    use std::io::Write;
    writeln!(std::io::stdout(), "{mean_us:.1}").expect("write the result");
}
