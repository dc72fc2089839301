//! Generated inputs for tests that hold a fast scan to a plain one: texts strung together from a
//! test's pieces (fragments that make and break what the scan looks for), drawn by xorshift64
//! from a fixed seed, so every run checks the same texts.

/// `count` texts of fewer than `max_pieces` of `pieces` each, the same for the same seed.
pub(crate) fn texts<'a>(
    pieces: &'a [&'a str],
    max_pieces: u64,
    count: usize,
    seed: u64,
) -> impl Iterator<Item = String> + 'a {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count).map(move |_| (0..next() % max_pieces).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect())
}
