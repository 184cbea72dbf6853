//! [`FastMap`] and [`FastSet`]: hash maps with a cheap multiplicative hash, for the analysis's
//! accumulators.
//!
//! Why: the analysis sums every model call, message and tool call into rows keyed by strings
//! (session ids, models, projects). In ordered B-trees each of those lookups is a dozen string
//! comparisons; at 5 GB of transcripts (1.3 million records) they were most of the analysis's
//! two seconds natively and more in the browser (BENCHMARKS.md, "The analysis's maps"). A hash
//! map does one hash and usually one comparison, and std's default hasher (SipHash, built to
//! resist crafted keys from a network) is slower than needed for a user's own files, where the
//! worst a crafted key can do is slow its own report down.
//!
//! Order: a hash map's iteration order is arbitrary, so every accumulator that is read in order
//! is collected into a `BTreeMap` (or sorted) before it is read; only sums of integers and set
//! sizes are taken straight from it. Figures and output order are the same as with B-trees.
//!
//! The hash: each 8-byte word of the input is folded in as `(h.rotl(5) ^ word) * K` with an odd
//! constant `K` (the scheme of the Firefox and rustc "Fx" hashes, written here in a few lines
//! rather than taken as a dependency), and the result is rotated so that the well-mixed high
//! bits land where the table reads its bucket index.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FxHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A `HashSet` with [`FxHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The multiplier: odd, with well-spread bits (the one rustc's hash uses).
const K: u64 = 0xf135_7aea_2e62_a9c5;

/// A fast, non-cryptographic hasher (see the [module docs](self)).
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.add(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            // The length keeps "a" and "a\0" apart.
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_map_holds_what_a_btree_holds() {
        let keys: Vec<String> = (0..5000)
            .map(|i| format!("session-{i:x}-{}", i * 7919))
            .collect();
        let mut fast: FastMap<(u8, &str), u64> = FastMap::default();
        let mut tree: BTreeMap<(u8, &str), u64> = BTreeMap::new();
        for (i, k) in keys.iter().enumerate().chain(keys.iter().enumerate().rev()) {
            let agent = (i % 3) as u8;
            *fast.entry((agent, k)).or_default() += i as u64;
            *tree.entry((agent, k)).or_default() += i as u64;
        }
        let sorted: BTreeMap<(u8, &str), u64> = fast.into_iter().collect();
        assert_eq!(sorted, tree);
    }

    #[test]
    fn lengths_and_prefixes_hash_apart() {
        let h = |s: &[u8]| {
            let mut x = FxHasher::default();
            x.write(s);
            x.finish()
        };
        assert_ne!(h(b"a"), h(b"a\0"));
        assert_ne!(h(b""), h(b"\0"));
        assert_ne!(h(b"abcdefgh"), h(b"abcdefgh\0"));
        assert_ne!(h(b"ab"), h(b"ba"));
    }
}
