//! Random identifiers and key material from the operating system's generator.

/// `n` random bytes from the OS. Panics only if the OS generator is broken,
/// in which case nothing secure can be done anyway.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    buf
}

/// A random lower-case hex string of `2 * N` characters.
pub fn random_hex<const N: usize>() -> String {
    hex::encode(random_bytes::<N>())
}
