//! Blackboard throughput: N posts then N single-entry reads and one read of
//! the whole section, against Redis (`redis://…` argument) or the embedded
//! store (a folder). Prints milliseconds for each part.
//!
//! ```text
//! cargo run --release -p agov-pipeline --example board -- redis://127.0.0.1:6379 10000
//! ```

use std::time::Instant;

use agov_pipeline::Role;
use agov_pipeline::board::{Board, Entry};
use agov_runtime::keys::Keyspace;
use agov_runtime::{EmbeddedStore, RedisStore, RuntimeStore};

fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().expect("usage: board REDIS_URL|FOLDER [N]");
    let n: u32 = args.next().map_or(10_000, |s| s.parse().expect("N"));
    let store: Box<dyn RuntimeStore> = if target.starts_with("redis://") {
        Box::new(RedisStore::connect(&target, None, "bench:").expect("connect to Redis"))
    } else {
        std::fs::create_dir_all(&target).expect("folder");
        Box::new(
            EmbeddedStore::open(&std::path::Path::new(&target).join("runtime.db"), "bench:")
                .expect("open the embedded store"),
        )
    };
    let id = format!("bench-{}", agov_core::ids::random_hex::<4>());
    let board = Board::new(store.as_ref(), Keyspace::new("bench"), &id);
    let start = Instant::now();
    for i in 1..=n {
        board
            .post(&Entry {
                section: "solutions".into(),
                by: Role::Alpha,
                round: 1,
                n: i,
                at_us: i as i64,
                content: serde_json::json!({"finding": i, "text": "a finding of about sixty bytes of text"}),
            })
            .expect("post");
    }
    let writes = start.elapsed();
    let start = Instant::now();
    for i in 1..=n {
        assert!(
            board
                .entry("solutions", 1, Role::Alpha, i)
                .expect("read")
                .is_some()
        );
    }
    let reads = start.elapsed();
    let start = Instant::now();
    let all = board.entries("solutions").expect("read all");
    assert_eq!(all.len(), n as usize);
    let whole = start.elapsed();
    use std::io::Write;
    writeln!(
        std::io::stdout(),
        "{} {} {} {}",
        writes.as_secs_f64() * 1000.0,
        reads.as_secs_f64() * 1000.0,
        whole.as_secs_f64() * 1000.0,
        (writes + reads + whole).as_secs_f64() * 1000.0
    )
    .expect("write the result");
}
