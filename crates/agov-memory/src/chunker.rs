//! Content-defined chunking on line boundaries.
//!
//! A chunk ends after a line when the chunk is at least [`MIN_CHUNK`] long and
//! a hash of that line falls under a threshold proportional to the line's
//! length, so chunks average about [`MIN_CHUNK`] + [`TARGET_EXTRA`] bytes
//! whatever the line lengths. The cut depends only on the content, not on how
//! it was read, so the same text logged again, or with lines added before
//! it, yields mostly the same chunks, which the store then keeps once. A
//! chunk never exceeds [`MAX_CHUNK`]: it ends at its last line break, or
//! mid-line when a line is longer than that (binary content).

/// Smallest chunk, unless the input ends first.
pub const MIN_CHUNK: usize = 64 * 1024;
/// Average chunk size above the minimum.
pub const TARGET_EXTRA: u64 = 192 * 1024;
/// Largest chunk.
pub const MAX_CHUNK: usize = 1024 * 1024;

/// Hash of a line's last (up to) 64 bytes and its length; deterministic on
/// every platform.
fn line_hash(line: &[u8]) -> u64 {
    let tail = &line[line.len().saturating_sub(64)..];
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ line.len() as u64;
    let mut words = tail.chunks_exact(8);
    for w in &mut words {
        let v = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    for &b in words.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    h ^ (h >> 29)
}

/// Where the chunk at the start of `buf` ends, or `None` when more input is
/// needed to tell (`eof` false). `scan_from` is where the previous call
/// stopped looking (0 after a cut), so each byte is examined once per chunk.
pub fn find_cut(
    buf: &[u8],
    eof: bool,
    scan_from: &mut usize,
    line_start: &mut usize,
) -> Option<usize> {
    let mut last_line_end = *line_start;
    for pos in memchr::memchr_iter(b'\n', &buf[*scan_from..]) {
        let end = *scan_from + pos + 1;
        if end > MAX_CHUNK {
            break;
        }
        let line = &buf[*line_start..end];
        *line_start = end;
        last_line_end = end;
        if end >= MIN_CHUNK && line_hash(line) % TARGET_EXTRA < line.len() as u64 {
            return Some(end);
        }
    }
    if buf.len() >= MAX_CHUNK {
        return Some(if last_line_end > 0 {
            last_line_end
        } else {
            MAX_CHUNK
        });
    }
    *scan_from = buf.len();
    (eof && !buf.is_empty()).then_some(buf.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cuts `data` into chunks as the ingest loop does, reading `step` bytes at a time.
    pub(crate) fn chunks(data: &[u8], step: usize) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        let (mut scan, mut start) = (0, 0);
        let mut input = data.chunks(step);
        let mut eof = false;
        loop {
            if let Some(cut) = find_cut(&buf, eof, &mut scan, &mut start) {
                out.push(buf[..cut].to_vec());
                buf.drain(..cut);
                (scan, start) = (0, 0);
                continue;
            }
            if eof {
                break;
            }
            match input.next() {
                Some(piece) => buf.extend_from_slice(piece),
                None => eof = true,
            }
        }
        out
    }

    fn text(lines: usize, seed: u64) -> Vec<u8> {
        let mut s = Vec::new();
        let mut x = seed;
        for i in 0..lines {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.extend_from_slice(
                format!(
                    "line {i} value {} {}\n",
                    x >> 20,
                    "w".repeat((x % 90) as usize)
                )
                .as_bytes(),
            );
        }
        s
    }

    #[test]
    fn chunks_rebuild_the_input_and_respect_the_bounds() {
        let data = text(40_000, 1);
        let parts = chunks(&data, 65_536);
        assert_eq!(parts.concat(), data);
        assert!(parts.len() > 3, "{}", parts.len());
        for p in &parts[..parts.len() - 1] {
            assert!(p.len() >= MIN_CHUNK && p.len() <= MAX_CHUNK, "{}", p.len());
            assert_eq!(p.last(), Some(&b'\n'));
        }
    }

    #[test]
    fn cuts_do_not_depend_on_read_sizes() {
        let data = text(30_000, 2);
        assert_eq!(chunks(&data, 4096), chunks(&data, 1 << 20));
        assert_eq!(chunks(&data, 777), chunks(&data, 100_000));
    }

    #[test]
    fn text_added_in_front_leaves_later_chunks_unchanged() {
        let data = text(40_000, 3);
        let mut shifted = b"a new first line\nand another\n".to_vec();
        shifted.extend_from_slice(&data);
        let a = chunks(&data, 65_536);
        let b = chunks(&shifted, 65_536);
        let shared = b.iter().filter(|c| a.contains(c)).count();
        assert!(
            shared + 1 >= a.len(),
            "{shared} of {} chunks shared",
            a.len()
        );
    }

    #[test]
    fn lines_longer_than_a_chunk_are_cut_mid_line() {
        let data = vec![b'x'; 2 * MAX_CHUNK + 5];
        let parts = chunks(&data, 300_000);
        assert_eq!(
            parts.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![MAX_CHUNK, MAX_CHUNK, 5]
        );
        assert!(chunks(b"", 10).is_empty());
        assert_eq!(chunks(b"no newline", 3), vec![b"no newline".to_vec()]);
    }
}
