//! Optional numbers in the bytes of the number: `Option<i64>` and `Option<u64>` take 16 bytes
//! on wasm32 (the tag padded to the value's 8-byte alignment), these take 8.
//!
//! Why: a message record has an optional time, a tool call two times, a hash and a size; at
//! 5 GB of transcripts the page holds about 690,000 messages and 240,000 tool calls, and the
//! padding alone was about 8 MB of its heap (BENCHMARKS.md, "Records in sorted lists").
//!
//! Each type orders, compares and hashes exactly as the `Option` it stands for (`None` first),
//! and serializes as that `Option`, so the JSON and wire forms and every merge rule that ranks
//! records by these fields are unchanged. The one value each cannot hold is folded into its
//! neighbour: an `OptI64` of `i64::MIN` (no time that chrono or a real transcript gives) holds
//! `i64::MIN + 1`, and an `OptU64` or `OptU32` of the type's maximum holds the maximum less one
//! (a content hash or a count that large only makes two inputs look alike).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A 64-bit number held as two 32-bit words, so it asks for 4-byte alignment, not 8.
///
/// On wasm32 a record whose widest fields are pointers and these numbers is then aligned to 4
/// bytes, and its size is rounded up to a multiple of 4 rather than 8; with the allocator's own
/// 4-byte header that is 8 bytes less per message and per tool call (BENCHMARKS.md, "Thin shared
/// strings"). Natively the records hold 8-byte pointers, so nothing changes there.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Words([u32; 2]);

impl Words {
    #[allow(clippy::cast_possible_truncation)]
    const fn of(v: u64) -> Words {
        Words([v as u32, (v >> 32) as u32])
    }

    const fn get(self) -> u64 {
        ((self.0[1] as u64) << 32) | self.0[0] as u64
    }
}

macro_rules! compact_option {
    ($name:ident, $t:ty, $store:ty, $doc:literal, $none:expr, $to:expr, $from:expr, $pack:expr, $unpack:expr) => {
        #[doc = $doc]
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub struct $name($store);

        impl $name {
            /// No value.
            pub const NONE: $name = $name($pack($none));

            /// `Some(v)` (see the [module docs](self) for the one value folded into another).
            #[must_use]
            pub fn some(v: $t) -> Self {
                let to: fn($t) -> $t = $to;
                $name($pack(to(v)))
            }

            /// The number as stored: `$none` for `None`, ordered as the `Option`.
            fn raw(self) -> $t {
                $unpack(self.0)
            }

            /// The value, as the `Option` it stands for.
            #[must_use]
            pub fn get(self) -> Option<$t> {
                let from: fn($t) -> $t = $from;
                (self.raw() != $none).then(|| from(self.raw()))
            }

            /// True when there is a value.
            #[must_use]
            pub fn is_some(&self) -> bool {
                self.raw() != $none
            }

            /// True when there is no value.
            #[must_use]
            pub fn is_none(&self) -> bool {
                self.raw() == $none
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.raw().cmp(&other.raw())
            }
        }

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
                self.raw().hash(h);
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::NONE
            }
        }

        impl From<Option<$t>> for $name {
            fn from(v: Option<$t>) -> Self {
                v.map_or(Self::NONE, Self::some)
            }
        }

        impl From<$name> for Option<$t> {
            fn from(v: $name) -> Self {
                v.get()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.get().fmt(f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.get().serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Option::<$t>::deserialize(d).map(Self::from)
            }
        }
    };
}

#[allow(clippy::cast_sign_loss, clippy::cast_possible_wrap)]
const fn pack_i64(v: i64) -> Words {
    Words::of(v as u64)
}

#[allow(clippy::cast_possible_wrap)]
const fn unpack_i64(w: Words) -> i64 {
    w.get() as i64
}

const fn same_u32(v: u32) -> u32 {
    v
}

compact_option!(
    OptI64,
    i64,
    Words,
    "An `Option<i64>` in 8 bytes aligned to 4 (times in milliseconds): `i64::MIN` is `None`.",
    i64::MIN,
    |v| v.max(i64::MIN + 1),
    |v| v,
    pack_i64,
    unpack_i64
);

compact_option!(
    OptU64,
    u64,
    Words,
    "An `Option<u64>` in 8 bytes aligned to 4 (hashes, sizes): the value plus one, 0 for `None`.",
    0,
    |v| v.min(u64::MAX - 1) + 1,
    |v| v - 1,
    Words::of,
    Words::get
);

compact_option!(
    OptU32,
    u32,
    u32,
    "An `Option<u32>` in 4 bytes (word counts): the value plus one, 0 for `None`.",
    0,
    |v| v.min(u32::MAX - 1) + 1,
    |v| v - 1,
    same_u32,
    same_u32
);

/// A `u64` in 8 bytes aligned to 4 (a record's line number): see [`Words`] for why.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct U64(Words);

impl U64 {
    /// The number.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0.get()
    }
}

impl From<u64> for U64 {
    fn from(v: u64) -> Self {
        U64(Words::of(v))
    }
}

impl From<U64> for u64 {
    fn from(v: U64) -> Self {
        v.get()
    }
}

impl PartialOrd for U64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for U64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.get().cmp(&other.get())
    }
}

impl std::hash::Hash for U64 {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.get().hash(h);
    }
}

impl std::fmt::Debug for U64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl std::fmt::Display for U64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl Serialize for U64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

impl<'de> Deserialize<'de> for U64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u64::deserialize(d).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn they_order_and_round_trip_as_the_option_they_stand_for() {
        let times = [
            None,
            Some(i64::MIN + 1),
            Some(-(1 << 40)),
            Some(-5),
            Some(-1),
            Some(0),
            Some(7),
            Some(1 << 32),
            Some(i64::MAX),
        ];
        for a in times {
            assert_eq!(OptI64::from(a).get(), a);
            for b in times {
                assert_eq!(OptI64::from(a).cmp(&OptI64::from(b)), a.cmp(&b));
            }
        }
        let sizes = [None, Some(0), Some(1), Some(1 << 33), Some(u64::MAX - 1)];
        for a in sizes {
            assert_eq!(OptU64::from(a).get(), a);
            for b in sizes {
                assert_eq!(OptU64::from(a).cmp(&OptU64::from(b)), a.cmp(&b));
            }
        }
        let words = [None, Some(0), Some(3), Some(u32::MAX - 1)];
        for a in words {
            assert_eq!(OptU32::from(a).get(), a);
            for b in words {
                assert_eq!(OptU32::from(a).cmp(&OptU32::from(b)), a.cmp(&b));
            }
        }
    }

    #[test]
    fn the_value_each_cannot_hold_is_its_neighbour() {
        assert_eq!(OptI64::some(i64::MIN).get(), Some(i64::MIN + 1));
        assert_eq!(OptU64::some(u64::MAX).get(), Some(u64::MAX - 1));
        assert_eq!(OptU32::some(u32::MAX).get(), Some(u32::MAX - 1));
    }

    #[test]
    fn json_is_the_options() {
        let j = serde_json::to_string(&(OptI64::some(5), OptU64::NONE, OptU32::some(2)))
            .unwrap_or_default();
        assert_eq!(j, "[5,null,2]");
        let back: (OptI64, OptU64, OptU32) = serde_json::from_str(&j).unwrap_or_default();
        assert_eq!(back, (OptI64::some(5), OptU64::NONE, OptU32::some(2)));
    }

    #[test]
    fn they_take_the_bytes_of_the_number() {
        assert_eq!(std::mem::size_of::<OptI64>(), 8);
        assert_eq!(std::mem::size_of::<OptU64>(), 8);
        assert_eq!(std::mem::size_of::<OptU32>(), 4);
        assert_eq!(std::mem::size_of::<U64>(), 8);
        assert_eq!(std::mem::align_of::<OptI64>(), 4);
        assert_eq!(std::mem::align_of::<OptU64>(), 4);
        assert_eq!(std::mem::align_of::<U64>(), 4);
    }

    #[test]
    fn a_line_number_orders_and_round_trips_as_a_u64() {
        let lines = [0, 1, u64::from(u32::MAX), u64::from(u32::MAX) + 1, u64::MAX];
        for a in lines {
            assert_eq!(U64::from(a).get(), a);
            assert_eq!(
                serde_json::to_string(&U64::from(a)).unwrap_or_default(),
                a.to_string()
            );
            for b in lines {
                assert_eq!(U64::from(a).cmp(&U64::from(b)), a.cmp(&b));
            }
        }
    }
}
