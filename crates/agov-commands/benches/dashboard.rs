//! One `pipeline dashboard` frame drawn from a snapshot of 500 pipelines,
//! alone (the snapshot is built once): median, 99th percentile and worst
//! of 3,000 frames at 80x24 and at 200x60.
//!
//!   cargo bench -p agov-commands --bench dashboard

use std::io::Write;

use agov_commands::pipeline::dashboard::bench::render;

fn main() {
    for (w, h) in [(80, 24), (200, 60)] {
        // Warm up, then measure.
        render(500, w, h, 300);
        let mut took = render(500, w, h, 3000);
        took.sort_unstable();
        let ms = |i: usize| took[i.min(took.len() - 1)].as_secs_f64() * 1000.0;
        let _ = writeln!(
            std::io::stdout(),
            "dashboard frame, 500 pipelines, {w}x{h}: median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            ms(took.len() / 2),
            ms(took.len() * 99 / 100),
            ms(took.len() - 1)
        );
    }
}
