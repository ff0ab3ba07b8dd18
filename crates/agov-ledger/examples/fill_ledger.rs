//! Fills a ledger with N synthetic events quickly (10,000 per transaction),
//! through the same `append_in` every tool uses, for the benchmarks.
//!
//! `cargo run --release -p agov-ledger --example fill_ledger -- PATH N`

use agov_ledger::{Ledger, NewEvent, append_in};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(n)) = (args.next(), args.next()) else {
        eprintln!("usage: fill_ledger PATH N");
        std::process::exit(64);
    };
    let n: u64 = n.parse()?;
    let mut ledger = Ledger::open(std::path::Path::new(&path), true)?;
    let actions = [
        "bug.log",
        "token.issue",
        "agent.phase",
        "ledger.note",
        "pipeline.vote",
    ];
    let mut done = 0;
    while done < n {
        let tx = agov_sqlite::write_tx(ledger.connection())?;
        for _ in 0..10_000.min(n - done) {
            let i = done as usize;
            let mut e = NewEvent::new(
                if i.is_multiple_of(3) {
                    "acme"
                } else {
                    "default"
                },
                format!("agent-{}", i % 17),
                actions[i % 5],
            )
            .with("n", i)
            .with(
                "text",
                "synthetic benchmark event with a modest detail payload",
            );
            e.agent = Some(format!("agent-{}", i % 17));
            append_in(&tx, &e)?;
            done += 1;
        }
        tx.commit()?;
    }
    eprintln!("{path}: {done} events");
    Ok(())
}
