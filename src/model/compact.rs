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

macro_rules! compact_option {
    ($name:ident, $t:ty, $doc:literal, $none:expr, $to:expr, $from:expr) => {
        #[doc = $doc]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name($t);

        impl $name {
            /// No value.
            pub const NONE: $name = $name($none);

            /// `Some(v)` (see the [module docs](self) for the one value folded into another).
            #[must_use]
            pub fn some(v: $t) -> Self {
                let to: fn($t) -> $t = $to;
                $name(to(v))
            }

            /// The value, as the `Option` it stands for.
            #[must_use]
            pub fn get(self) -> Option<$t> {
                let from: fn($t) -> $t = $from;
                (self.0 != $none).then(|| from(self.0))
            }

            /// True when there is a value.
            #[must_use]
            pub fn is_some(&self) -> bool {
                self.0 != $none
            }

            /// True when there is no value.
            #[must_use]
            pub fn is_none(&self) -> bool {
                self.0 == $none
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

compact_option!(
    OptI64,
    i64,
    "An `Option<i64>` in 8 bytes (times in milliseconds): `i64::MIN` is `None`.",
    i64::MIN,
    |v| v.max(i64::MIN + 1),
    |v| v
);

compact_option!(
    OptU64,
    u64,
    "An `Option<u64>` in 8 bytes (hashes, sizes): the value plus one, 0 for `None`.",
    0,
    |v| v.min(u64::MAX - 1) + 1,
    |v| v - 1
);

compact_option!(
    OptU32,
    u32,
    "An `Option<u32>` in 4 bytes (word counts): the value plus one, 0 for `None`.",
    0,
    |v| v.min(u32::MAX - 1) + 1,
    |v| v - 1
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn they_order_and_round_trip_as_the_option_they_stand_for() {
        let times = [
            None,
            Some(i64::MIN + 1),
            Some(-5),
            Some(0),
            Some(7),
            Some(i64::MAX),
        ];
        for a in times {
            assert_eq!(OptI64::from(a).get(), a);
            for b in times {
                assert_eq!(OptI64::from(a).cmp(&OptI64::from(b)), a.cmp(&b));
            }
        }
        let sizes = [None, Some(0), Some(1), Some(u64::MAX - 1)];
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
    }
}
