//! Fills the governance database with N synthetic bugs (and their `bug.log`
//! ledger events) in large transactions, for the benchmarks. Titles are drawn
//! from a fixed vocabulary with a fixed seed, so runs are comparable.
//!
//! `cargo run --release -p agov-bugs --example fill_bugs -- PATH N [--export-task FILE]`
//! With `--export-task`, also writes the same bugs as Taskwarrior import JSON.

use std::io::Write;

use agov_ledger::{Ledger, NewEvent, append_in};
use rusqlite::params;

/// Frequent words, most frequent first; each is drawn with weight 1/rank
/// (Zipf), as words in real bug titles are. `renewal` is 30th: it appears in
/// about 2% of titles; `error`, first, in about half.
const COMMON: &[&str] = &[
    "error",
    "fails",
    "when",
    "the",
    "after",
    "agent",
    "on",
    "with",
    "not",
    "pipeline",
    "token",
    "timeout",
    "lock",
    "ledger",
    "crash",
    "in",
    "vault",
    "redis",
    "status",
    "missing",
    "wrong",
    "slow",
    "test",
    "flaky",
    "during",
    "memory",
    "checkpoint",
    "consensus",
    "stream",
    "renewal",
    "handoff",
    "budget",
    "revocation",
    "heartbeat",
    "quota",
    "tenant",
    "policy",
    "approval",
    "gate",
    "template",
    "parser",
    "yaml",
    "schema",
    "migration",
    "index",
    "query",
    "export",
    "import",
    "metrics",
    "latency",
    "disk",
    "network",
    "panic",
    "leak",
    "race",
    "deadlock",
    "retry",
    "backoff",
    "dashboard",
    "seal",
    "chain",
    "config",
    "startup",
    "shutdown",
    "upgrade",
    "permission",
    "denied",
    "expired",
    "duplicate",
    "overflow",
    "unicode",
    "encoding",
    "path",
    "symlink",
    "signal",
    "restart",
    "cache",
    "stale",
    "orphan",
];
/// Stems of the long tail: component names, error codes, hosts.
const TAIL: &[&str] = &["svc", "mod", "host", "E", "job", "node", "ticket", "step"];
const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];
const STATUSES: [&str; 5] = ["open", "open", "in_progress", "resolved", "closed"];

struct Rng(u64);
impl Rng {
    /// A title word: 60% from the Zipf-weighted common words, 40% from the long tail.
    fn word(&mut self, cumulative: &[f64]) -> String {
        if self.next() % 10 < 6 {
            let x =
                (self.next() % 1_000_000) as f64 / 1_000_000.0 * cumulative[cumulative.len() - 1];
            let i = cumulative.partition_point(|c| *c < x).min(COMMON.len() - 1);
            COMMON[i].to_string()
        } else {
            format!("{}{}", self.pick(TAIL), self.next() % 2000)
        }
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(n)) = (args.first(), args.get(1)) else {
        eprintln!("usage: fill_bugs PATH N [--export-task FILE]");
        std::process::exit(64);
    };
    let n: u64 = n.parse()?;
    let task_export = args
        .iter()
        .position(|a| a == "--export-task")
        .and_then(|i| args.get(i + 1));
    let mut tasks = task_export
        .map(std::fs::File::create)
        .transpose()?
        .map(std::io::BufWriter::new);
    if let Some(t) = tasks.as_mut() {
        writeln!(t, "[")?;
    }
    let mut ledger = Ledger::open(std::path::Path::new(path), true)?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cumulative: Vec<f64> = (1..=COMMON.len())
        .scan(0.0, |acc, rank| {
            *acc += 1.0 / rank as f64;
            Some(*acc)
        })
        .collect();
    let mut done = 0;
    while done < n {
        let tx = agov_sqlite::write_tx(ledger.connection())?;
        for _ in 0..20_000.min(n - done) {
            let title = (0..6)
                .map(|_| rng.word(&cumulative))
                .collect::<Vec<_>>()
                .join(" ");
            let severity = rng.pick(&SEVERITIES);
            let rank = SEVERITIES.iter().position(|s| *s == severity).unwrap_or(1) as i64;
            let status = rng.pick(&STATUSES);
            let component = rng.pick(&["runtime", "ledger", "tokens", "cli", "pipeline"]);
            let now = agov_core::time::now_us();
            tx.execute(
                "INSERT INTO bugs (tenant, title, description, severity, severity_rank, status, component, reporter,
                                   created_us, updated_us, status_changed_us)
                 VALUES ('default', ?1, '', ?2, ?3, ?4, ?5, 'user:bench', ?6, ?6, ?6)",
                params![title, severity, rank, status, component, now],
            )?;
            let num = tx.last_insert_rowid();
            let event = NewEvent::new("default", "user:bench", "bug.log")
                .subject(format!("b{num}"))
                .with("title", title.as_str());
            append_in(&tx, &event)?;
            if let Some(t) = tasks.as_mut() {
                let sep = if done == 0 { "" } else { "," };
                let doc = serde_json::json!({ "description": title, "status": "pending", "project": component,
                    "priority": match severity { "critical" | "high" => "H", "medium" => "M", _ => "L" } });
                writeln!(t, "{sep}{doc}")?;
            }
            done += 1;
        }
        tx.commit()?;
    }
    if let Some(mut t) = tasks {
        writeln!(t, "]")?;
        t.flush()?;
    }
    eprintln!("{path}: {done} bugs");
    Ok(())
}
