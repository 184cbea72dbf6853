//! Where the plain run of a JSON string body ends: the next quote, backslash or control byte.
//!
//! The validating readers (Claude's full lines, a Codex tool output's JSON text) spend most of
//! their time inside long strings (tool output), so this is their inner loop: sixteen bytes per
//! step as two 64-bit words, each tested for all three stops at once. Portable (no `unsafe`, no
//! target features): the same code runs natively and in the worker's wasm.

/// True for the bytes a string's plain run stops at: its end, an escape, a control character.
fn stops_string(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The position of the first byte at or after `at` that [`stops_string`], or `s.len()`.
///
/// Each word test sets the high bit of a matching byte; a borrow can set it on a byte above a
/// match, never below, so the lowest set bit is the first match.
pub(crate) fn plain_run_end(s: &[u8], mut at: usize) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    fn stops(w: u64) -> u64 {
        let ctrl = w.wrapping_sub(ONES * 0x20) & !w;
        let q = w ^ (ONES * u64::from(b'"'));
        let q = q.wrapping_sub(ONES) & !q;
        let b = w ^ (ONES * u64::from(b'\\'));
        let b = b.wrapping_sub(ONES) & !b;
        (ctrl | q | b) & HIGH
    }
    let word = |at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    while at + 16 <= s.len() {
        let m0 = stops(word(at));
        if m0 != 0 {
            return at + m0.trailing_zeros() as usize / 8;
        }
        let m1 = stops(word(at + 8));
        if m1 != 0 {
            return at + 8 + m1.trailing_zeros() as usize / 8;
        }
        at += 16;
    }
    while s.get(at).is_some_and(|&b| !stops_string(b)) {
        at += 1;
    }
    at.min(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Equal to a byte-by-byte search from every start, on bytes dense in stops.
        #[test]
        fn finds_the_first_stop(
            s in prop::collection::vec(prop_oneof![Just(b'"'), Just(b'\\'), 0u8..0x20, 0x20u8..=0xff], 0..80),
            at in 0usize..90,
        ) {
            let want = s.iter().enumerate().skip(at).find(|(_, b)| stops_string(**b)).map_or(s.len(), |(i, _)| i);
            prop_assert_eq!(plain_run_end(&s, at), want.max(at.min(s.len())));
        }
    }
}
