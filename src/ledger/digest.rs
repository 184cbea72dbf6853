//! Compact keys for the ledger's maps: 128-bit digests of the dedupe keys.
//!
//! The ledger is the cross-file index that makes dedupe exact, and it lives in every parsing
//! worker's wasm heap while a corpus is imported. Keyed by the [`UsageKey`], [`ToolKey`] and
//! [`MessageKey`] themselves, each map entry held a second copy of the key's strings (ids of
//! 20-40 bytes, paths, sessions), and every insert compared strings (`memcmp` was the CLI's
//! largest single cost). Keyed by a fixed-size digest instead, an entry's key is 24-32 bytes with
//! no allocation and compares as integers. The record keeps its own full key, so nothing shown
//! or exported changes; only which records are *the same key* is decided by the digest.
//!
//! Why a collision cannot change a figure in practice (docs/accounting.md, "Compact keys"): two
//! different keys merge only if 128 bits of SipHash output collide. For `n` distinct keys the
//! chance of any collision is about `n^2 / 2^129`: for 10^8 keys (a corpus of tens of GB) that is
//! about 1.5e-23. A usage key's scope (the group the sidechain-replay rule works on) has its own
//! 128 bits, and its `id` 64 more within one scope, where only a handful of ids ever meet.
//! A crafted collision needs a second preimage of SipHash-1-3 under a fixed key: a hostile
//! transcript gains nothing from it that it could not get by repeating an id, which already
//! dedupes by design. Digests are computed in-process and never stored or sent (the wire form
//! and the JSON carry the full keys), so the hash function may change between builds.

use std::hash::{Hash, Hasher};

use crate::model::{Agent, MessageKey, ToolKey, UsageKey};

/// 128 bits of SipHash-1-3 (`DefaultHasher`, fixed keys) over `parts`, from two domain-separated
/// runs.
fn digest128<T: Hash + ?Sized>(parts: &T) -> [u64; 2] {
    let run = |domain: u8| {
        let mut h = std::hash::DefaultHasher::new();
        h.write_u8(domain);
        parts.hash(&mut h);
        h.finish()
    };
    [run(0x51), run(0xa7)]
}

/// The map key of a [`UsageKey`]: ordered by agent, then scope, so one scope's records stay
/// adjacent (the sidechain-replay rule walks them as a group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UsageDigest {
    pub agent: Agent,
    pub scope: [u64; 2],
    pub id: u64,
}

impl From<&UsageKey> for UsageDigest {
    fn from(k: &UsageKey) -> Self {
        let mut h = std::hash::DefaultHasher::new();
        h.write_u8(0x3c);
        k.id.hash(&mut h);
        UsageDigest {
            agent: k.agent,
            scope: digest128(k.scope.as_str()),
            id: h.finish(),
        }
    }
}

/// The map key of a [`ToolKey`] (its session and call id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ToolDigest {
    pub agent: Agent,
    pub key: [u64; 2],
}

impl From<&ToolKey> for ToolDigest {
    fn from(k: &ToolKey) -> Self {
        ToolDigest {
            agent: k.agent,
            key: digest128(&(k.session.as_str(), k.id.as_str())),
        }
    }
}

/// The map key of a [`MessageKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageDigest {
    pub agent: Agent,
    pub key: [u64; 2],
}

impl From<&MessageKey> for MessageDigest {
    fn from(k: &MessageKey) -> Self {
        MessageDigest {
            agent: k.agent,
            key: digest128(k.id.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(scope: &str, id: &str) -> UsageDigest {
        UsageDigest::from(&UsageKey {
            agent: Agent::Claude,
            scope: scope.to_owned(),
            id: id.to_owned(),
        })
    }

    #[test]
    fn equal_keys_equal_digests_and_parts_do_not_run_into_each_other() {
        assert_eq!(usage("msg_1", "req_1"), usage("msg_1", "req_1"));
        assert_ne!(usage("msg_1", "req_1"), usage("msg_1", "req_2"));
        assert_eq!(usage("msg_1", "req_1").scope, usage("msg_1", "req_2").scope);
        let tool = |session: &str, id: &str| {
            ToolDigest::from(&ToolKey {
                agent: Agent::Codex,
                session: session.into(),
                id: id.to_owned(),
            })
        };
        // "ab" + "c" and "a" + "bc" are different keys.
        assert_ne!(tool("ab", "c"), tool("a", "bc"));
        assert_ne!(tool("s", "call_1"), tool("t", "call_1"));
    }

    #[test]
    fn a_digest_is_a_few_words_not_strings() {
        assert!(std::mem::size_of::<UsageDigest>() <= 32);
        assert!(std::mem::size_of::<ToolDigest>() <= 24);
        assert!(std::mem::size_of::<MessageDigest>() <= 24);
    }
}
