//! The memory store against real SQLite files: byte-exact round trips,
//! parts, dedup, search, tenants, removal and pruning, all ledgered.

use agov_ledger::{Ledger, Query};
use agov_memory::{ListQuery, Memory, MemoryError, MemoryId, NewEntry, Part, PruneRule};

struct Fixture {
    _dir: tempfile::TempDir,
    ledger: Ledger,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("agov.db"), true).unwrap();
    Fixture { _dir: dir, ledger }
}

fn log(mem: &mut Memory<'_>, data: &[u8], title: &str, tags: &[&str]) -> agov_memory::Entry {
    let new = NewEntry {
        title: title.into(),
        source: "stdin".into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    };
    mem.log(&mut &data[..], &new, &mut |_| {}).unwrap()
}

fn fetch(mem: &Memory<'_>, id: &str, part: Part) -> Vec<u8> {
    let mut out = Vec::new();
    let n = mem.fetch(id.parse().unwrap(), part, &mut out).unwrap();
    assert_eq!(n as usize, out.len());
    out
}

/// Log-like text of about `bytes` bytes, different for each seed.
fn log_text(bytes: usize, seed: u64) -> Vec<u8> {
    let mut s = Vec::with_capacity(bytes + 200);
    let mut x = seed;
    let mut i = 0u64;
    while s.len() < bytes {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let level = if x.is_multiple_of(97) {
            "ERROR"
        } else {
            "INFO"
        };
        s.extend_from_slice(
            format!(
                "2026-11-22T10:00:{:02} {level} worker-{} request {} took {} ms\n",
                i % 60,
                x % 7,
                x >> 40,
                x % 1000
            )
            .as_bytes(),
        );
        i += 1;
    }
    s
}

#[test]
fn round_trips_are_byte_exact_for_text_binary_and_invalid_utf8() {
    let mut f = fixture();
    let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
    let mut binary: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    binary[10] = 0;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("one line, no newline", b"hello".to_vec()),
        ("crlf", b"a\r\nb\r\n\r\n".to_vec()),
        ("invalid utf-8", b"ok \xff\xfe then \xc3 cut\n".to_vec()),
        ("multi-chunk text", log_text(3_500_000, 7)),
        ("binary", binary),
        ("only newlines", b"\n\n\n".to_vec()),
    ];
    for (name, data) in &cases {
        let e = log(&mut mem, data, name, &[]);
        assert_eq!(e.bytes as usize, data.len(), "{name}");
        assert_eq!(fetch(&mem, &e.id, Part::Whole), *data, "{name}");
        let chunks: Vec<u8> = (1..=e.chunks)
            .flat_map(|n| fetch(&mem, &e.id, Part::Chunk(n)))
            .collect();
        assert_eq!(chunks, *data, "{name}: chunks concatenated");
    }
    let text = mem.list(&ListQuery::default()).unwrap();
    let by_title = |t: &str| text.iter().find(|e| e.title == t).unwrap().clone();
    assert!(by_title("multi-chunk text").chunks > 3);
    assert!(by_title("multi-chunk text").text);
    assert!(
        by_title("multi-chunk text").stored_bytes < 3_500_000 / 2,
        "log text compresses"
    );
    assert!(!by_title("binary").text);
    assert!(!by_title("invalid utf-8").text);
    assert_eq!(by_title("one line, no newline").lines, 1);
    assert_eq!(by_title("only newlines").lines, 3);
    assert_eq!(by_title("crlf").lines, 3);
}

#[test]
fn line_ranges_cross_chunk_edges_exactly() {
    let mut f = fixture();
    let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
    let data = log_text(2_000_000, 3);
    let e = log(&mut mem, &data, "", &[]);
    let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(e.lines as usize, lines.len());
    for (a, b) in [
        (1, 1),
        (1, 5),
        (100, 20_000),
        (lines.len() - 3, lines.len()),
        (lines.len(), lines.len()),
    ] {
        assert_eq!(
            fetch(&mem, &e.id, Part::Lines(a as u64, b as u64)),
            lines[a - 1..b].concat(),
            "{a}:{b}"
        );
    }
    // Every chunk edge.
    let mut at = 1u64;
    for n in 1..=e.chunks {
        let chunk = fetch(&mem, &e.id, Part::Chunk(n));
        let k = chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        let (a, b) = (at.saturating_sub(1).max(1), (at + k).min(e.lines));
        assert_eq!(
            fetch(&mem, &e.id, Part::Lines(a, b)),
            lines[a as usize - 1..b as usize].concat()
        );
        at += k;
    }
    // A range past the end is cut at the end; one starting past it is refused.
    assert_eq!(
        fetch(&mem, &e.id, Part::Lines(e.lines, e.lines + 10)),
        lines[lines.len() - 1]
    );
    let mut sink = Vec::new();
    for bad in [
        Part::Lines(0, 3),
        Part::Lines(5, 2),
        Part::Lines(e.lines + 1, e.lines + 2),
        Part::Chunk(0),
        Part::Chunk(e.chunks + 1),
    ] {
        let err = mem
            .fetch(e.id.parse().unwrap(), bad, &mut sink)
            .unwrap_err();
        assert!(matches!(err, MemoryError::BadInput(_)), "{bad:?}: {err}");
    }
}

#[test]
fn identical_content_is_stored_once_and_removal_keeps_shared_chunks() {
    let mut f = fixture();
    let chunk_count = |f: &Fixture| -> i64 {
        let conn = rusqlite::Connection::open(f._dir.path().join("agov.memory.db")).unwrap();
        conn.query_row("SELECT count(*) FROM chunks", [], |r| r.get(0))
            .unwrap()
    };
    let data = log_text(1_500_000, 11);
    let (a, b) = {
        let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
        (
            log(&mut mem, &data, "first", &[]),
            log(&mut mem, &data, "second", &[]),
        )
    };
    let stored = chunk_count(&f);
    assert_eq!(stored as u64, a.chunks, "the second copy adds no chunk");
    let events = f
        .ledger
        .query(&Query {
            action: Some("memory.log".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].detail["new_chunks"], 0);
    assert_eq!(events[0].detail["sha256"], events[1].detail["sha256"]);
    {
        let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
        let (_, freed) = mem.rm(a.id.parse().unwrap()).unwrap();
        assert_eq!(freed, 0, "b still lists every chunk");
        assert_eq!(fetch(&mem, &b.id, Part::Whole), data);
        let (_, freed) = mem.rm(b.id.parse().unwrap()).unwrap();
        assert!(freed > 0);
        assert!(matches!(
            mem.get(b.id.parse().unwrap()),
            Err(MemoryError::NotFound(_))
        ));
    }
    assert_eq!(chunk_count(&f), 0);
    assert!(f.ledger.verify(&[], |_, _| {}).unwrap().ok);
}

#[test]
fn search_finds_words_in_large_content_with_line_numbers() {
    let mut f = fixture();
    let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
    let mut data = log_text(1_200_000, 5);
    let needle_line = data.iter().filter(|&&b| b == b'\n').count() + 1;
    data.extend_from_slice(b"the vault token renewal failed with permission denied\n");
    data.extend_from_slice(&log_text(600_000, 6));
    let e = log(&mut mem, &data, "big log", &["ops"]);
    log(&mut mem, b"nothing relevant here\n", "other", &[]);
    assert_eq!(mem.pending().unwrap().0, e.chunks + 1);
    let report = mem.index_pending(&mut |_| {}).unwrap();
    assert_eq!(report.chunks, e.chunks + 1);
    assert_eq!(mem.pending().unwrap(), (0, 0));
    let hits = mem.search("renewal", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].entry.id, e.id);
    assert_eq!(hits[0].line as usize, needle_line);
    assert!(hits[0].snippet.contains("[renewal]"), "{}", hits[0].snippet);
    assert_eq!(mem.search("renew* denied", 10).unwrap().len(), 1);
    assert!(
        mem.search("renewal nothing", 10).unwrap().is_empty(),
        "every word must match in one chunk"
    );
    assert!(matches!(
        mem.search("  ", 10),
        Err(MemoryError::BadInput(_))
    ));
}

#[test]
fn tenants_cannot_see_each_others_entries() {
    let mut f = fixture();
    let id = {
        let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
        let e = log(&mut mem, b"acme secret plans\n", "plans", &[]);
        mem.index_pending(&mut |_| {}).unwrap();
        e.id
    };
    let mut other = Memory::open(&mut f.ledger, "globex", "user:test").unwrap();
    let id: MemoryId = id.parse().unwrap();
    assert!(matches!(other.get(id), Err(MemoryError::OtherTenant(_))));
    assert!(matches!(
        other.fetch(id, Part::Whole, &mut Vec::new()),
        Err(MemoryError::OtherTenant(_))
    ));
    assert!(matches!(other.rm(id), Err(MemoryError::OtherTenant(_))));
    assert!(other.search("plans", 10).unwrap().is_empty());
    assert!(other.list(&ListQuery::default()).unwrap().is_empty());
    assert!(
        other
            .prune(&PruneRule {
                keep: Some(0),
                ..PruneRule::default()
            })
            .unwrap()
            .removed
            .is_empty()
    );
}

#[test]
fn the_summary_names_size_edges_headings_and_errors() {
    let mut f = fixture();
    let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
    let mut text = String::from("# Deploy report\n\nstarted\n");
    for i in 0..500 {
        text.push_str(&format!("step {i} ok\n"));
    }
    text.push_str("## Failures\nERROR: terraform apply failed: permission denied\n");
    for i in 0..30 {
        text.push_str(&format!("tail {i}\n"));
    }
    let e = log(&mut mem, text.as_bytes(), "", &[]);
    assert_eq!(
        e.title, "# Deploy report",
        "the first non-blank line is the default title"
    );
    let s = mem.summary(e.id.parse().unwrap()).unwrap();
    assert_eq!(s.bytes as usize, text.len());
    assert_eq!(s.lines, 535);
    assert_eq!(s.tokens_estimate, (text.len() as u64).div_ceil(4));
    assert_eq!(
        s.headings
            .iter()
            .map(|h| (h.line, h.text.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "# Deploy report"), (504, "## Failures")]
    );
    assert_eq!(s.error_line_count, 1);
    assert_eq!(
        (s.error_lines[0].line, s.error_lines[0].text.as_str()),
        (505, "ERROR: terraform apply failed: permission denied")
    );
    assert_eq!(s.first_lines.len(), 10);
    assert_eq!(s.first_lines[2].text, "started");
    assert_eq!(
        s.last_lines.last().map(|l| (l.line, l.text.as_str())),
        Some((535, "tail 29"))
    );
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let mut f = fixture();
    let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
    let new = |title: &str, tag: &str| NewEntry {
        title: title.into(),
        source: "stdin".into(),
        tags: vec![tag.into()],
    };
    for (n, data) in [
        (new("", "ok"), &b""[..]),
        (new("two\nlines", "ok"), b"x"),
        (new("t", "has space"), b"x"),
    ] {
        let err = mem.log(&mut &data[..], &n, &mut |_| {}).unwrap_err();
        assert!(matches!(err, MemoryError::BadInput(_)), "{err}");
    }
    assert!(mem.list(&ListQuery::default()).unwrap().is_empty());
    drop(mem);
    assert_eq!(f.ledger.count().unwrap(), 0);
}

#[test]
fn prune_keeps_the_newest_and_collects_old_orphans_only() {
    let mut f = fixture();
    let path = f._dir.path().join("agov.memory.db");
    let mut mem = Memory::open(&mut f.ledger, "acme", "user:test").unwrap();
    let ids: Vec<String> = (0..4)
        .map(|i| log(&mut mem, &log_text(100_000, i), &format!("e{i}"), &[]).id)
        .collect();
    let dry = mem
        .prune(&PruneRule {
            keep: Some(1),
            dry_run: true,
            ..PruneRule::default()
        })
        .unwrap();
    assert_eq!(dry.removed, ids[..3].to_vec());
    assert_eq!(
        mem.list(&ListQuery::default()).unwrap().len(),
        4,
        "a dry run changes nothing"
    );
    let done = mem
        .prune(&PruneRule {
            keep: Some(1),
            ..PruneRule::default()
        })
        .unwrap();
    assert_eq!(done.removed, ids[..3].to_vec());
    assert!(done.chunks_deleted >= 3 && done.bytes_freed > 0);
    assert_eq!(
        mem.list(&ListQuery::default())
            .unwrap()
            .iter()
            .map(|e| e.id.clone())
            .collect::<Vec<_>>(),
        vec![ids[3].clone()]
    );
    // An orphan left by an interrupted log: kept within the grace period, collected after it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO chunks (tenant, hash, raw_len, codec, touched_us, stored_len, data) VALUES ('acme', x'00', 1, 0, ?1, 1, x'41')",
        [agov_core::time::now_us()],
    )
    .unwrap();
    assert_eq!(mem.prune(&PruneRule::default()).unwrap().chunks_deleted, 0);
    conn.execute("UPDATE chunks SET touched_us = 0 WHERE hash = x'00'", [])
        .unwrap();
    assert_eq!(mem.prune(&PruneRule::default()).unwrap().chunks_deleted, 1);
    assert_eq!(fetch(&mem, &ids[3], Part::Whole), log_text(100_000, 3));
}
