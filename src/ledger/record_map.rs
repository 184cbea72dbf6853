//! One kind of record, sorted by key, each key once: how the ledger stores its records.
//!
//! Why not a `BTreeMap<Key, Arc<Record>>`, as before: the record holds its key already, and a
//! B-tree holds it again in nodes that are on average a third empty. On wasm32 that was about 30
//! bytes per message and 47 per usage record or tool call beside the record itself, a sixth of
//! the page's heap at 5 GB (BENCHMARKS.md, "Records in sorted lists"). A sorted list of shared
//! handles costs one pointer per record and finds a key by binary search.
//!
//! What a B-tree did cheaply and a list does not is inserting one record into a large set. The
//! ledger therefore never does: records arrive in batches (a file's records, a decoded part,
//! another ledger), each batch is sorted once and merged with the list in one linear pass
//! ([`RecordMap::merge`]). Where many small batches meet one large set (a reader thread's
//! files, a page's parts), [`super::merger::Merger`] merges batches of similar size first, so
//! that each record is moved a logarithmic number of times, not once per batch.
//!
//! Two records with one key become one by [`Record::combine`], the ledger's merge law for that
//! kind (commutative, associative, idempotent), so neither the sort nor the order of the batches
//! changes the result.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A record kind the ledger stores: its key, and how two readings of one key become one.
pub trait Record {
    type Key: Ord + Copy + std::fmt::Debug;

    /// The record's key (held in the record).
    fn key(&self) -> &Self::Key;

    /// The one record two readings of the same key become (the merge law: the result must not
    /// depend on which is `kept` and which is `new`, nor, for three or more readings, on the
    /// order they are combined in). Returns `kept` itself (the same handle) when it wins.
    fn combine(kept: Arc<Self>, new: Arc<Self>) -> Arc<Self>;
}

/// Records of one kind, sorted by key, one per key (see the [module docs](self)).
#[derive(PartialEq)]
pub struct RecordMap<V> {
    sorted: Vec<Arc<V>>,
}

/// A copy that shares every record.
impl<V> Clone for RecordMap<V> {
    fn clone(&self) -> Self {
        RecordMap {
            sorted: self.sorted.clone(),
        }
    }
}

impl<V> Default for RecordMap<V> {
    fn default() -> Self {
        RecordMap { sorted: Vec::new() }
    }
}

impl<V: Record + std::fmt::Debug> std::fmt::Debug for RecordMap<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.sorted.iter()).finish()
    }
}

/// The records in key order, each beside its key ([`RecordMap::iter`]).
pub type Iter<'a, V> = std::iter::Map<
    std::slice::Iter<'a, Arc<V>>,
    fn(&'a Arc<V>) -> (&'a <V as Record>::Key, &'a Arc<V>),
>;

impl<V: Record> RecordMap<V> {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many records (keys) the set holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// True when the set holds no record.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The records in key order, each beside its key.
    pub fn iter(&self) -> Iter<'_, V> {
        fn pair<V: Record>(r: &Arc<V>) -> (&V::Key, &Arc<V>) {
            (r.key(), r)
        }
        self.sorted.iter().map(pair::<V>)
    }

    /// The records in key order.
    pub fn values(&self) -> std::slice::Iter<'_, Arc<V>> {
        self.sorted.iter()
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &V::Key> + ExactSizeIterator + '_ {
        self.sorted.iter().map(|r| r.key())
    }

    /// The record of `key`, if any.
    #[must_use]
    pub fn get(&self, key: &V::Key) -> Option<&Arc<V>> {
        self.sorted
            .binary_search_by(|r| r.key().cmp(key))
            .ok()
            .and_then(|at| self.sorted.get(at))
    }

    /// True when a record has `key`.
    #[must_use]
    pub fn contains_key(&self, key: &V::Key) -> bool {
        self.get(key).is_some()
    }

    /// Keeps the records for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&V::Key, &Arc<V>) -> bool) {
        self.sorted.retain(|r| keep(r.key(), r));
    }

    /// Changes records in place. `change` is meant to leave keys as they are; if it changes
    /// one, the set is sorted again and records that now share a key are combined, so the set
    /// stays what inserting the changed records would give.
    pub fn update(&mut self, mut change: impl FnMut(&mut Arc<V>)) {
        self.sorted.iter_mut().for_each(&mut change);
        if !is_strictly_sorted(&self.sorted) {
            let records = std::mem::take(&mut self.sorted);
            *self = Self::from_unsorted(records);
        }
    }

    /// Changes the record of `key`, if any, in place; `change` must leave its key as it is.
    pub fn update_one(&mut self, key: &V::Key, change: impl FnOnce(&mut Arc<V>)) {
        if let Ok(at) = self.sorted.binary_search_by(|r| r.key().cmp(key)) {
            if let Some(r) = self.sorted.get_mut(at) {
                change(r);
                debug_assert!(r.key() == key, "update_one changed a key");
            }
        }
    }

    /// The records, in key order.
    #[must_use]
    pub fn into_records(self) -> Vec<Arc<V>> {
        self.sorted
    }

    /// A set of `records` in any order, readings of one key combined.
    #[must_use]
    pub fn from_unsorted(mut records: Vec<Arc<V>>) -> Self {
        if is_strictly_sorted(&records) {
            return RecordMap { sorted: records };
        }
        records.sort_unstable_by(|a, b| a.key().cmp(b.key()));
        let mut sorted: Vec<Arc<V>> = Vec::with_capacity(records.len());
        for r in records {
            match sorted.last_mut() {
                Some(last) if last.key() == r.key() => {
                    let kept = std::mem::replace(last, Arc::clone(&r));
                    *last = V::combine(kept, r);
                }
                _ => sorted.push(r),
            }
        }
        sorted.shrink_to_fit();
        RecordMap { sorted }
    }

    /// Merges `other` into this set in one pass: a key in both becomes [`Record::combine`] of
    /// the two. `fresh` sees each record that comes from `other` or from a combination (not
    /// the ones this set kept), before it is stored.
    pub fn merge(&mut self, other: RecordMap<V>, mut fresh: impl FnMut(&mut Arc<V>)) {
        if other.is_empty() {
            return;
        }
        let mine = std::mem::take(&mut self.sorted);
        let mut out: Vec<Arc<V>> = Vec::with_capacity(mine.len() + other.len());
        let mut a = mine.into_iter().peekable();
        let mut b = other.sorted.into_iter().peekable();
        loop {
            let order = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => x.key().cmp(y.key()),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => break,
            };
            match (
                order,
                a.next_if(|_| order.is_le()),
                b.next_if(|_| order.is_ge()),
            ) {
                (_, Some(kept), Some(new)) => {
                    let mut one = V::combine(Arc::clone(&kept), new);
                    if !Arc::ptr_eq(&one, &kept) {
                        drop(kept);
                        fresh(&mut one);
                    }
                    out.push(one);
                }
                (_, Some(kept), None) => out.push(kept),
                (_, None, Some(mut new)) => {
                    fresh(&mut new);
                    out.push(new);
                }
                (_, None, None) => break,
            }
        }
        out.shrink_to_fit();
        self.sorted = out;
    }
}

fn is_strictly_sorted<V: Record>(records: &[Arc<V>]) -> bool {
    records.windows(2).all(|w| w[0].key() < w[1].key())
}

impl<V: Record> FromIterator<Arc<V>> for RecordMap<V> {
    /// Records in key order are taken as they are; others are sorted and combined.
    fn from_iter<I: IntoIterator<Item = Arc<V>>>(iter: I) -> Self {
        Self::from_unsorted(iter.into_iter().collect())
    }
}

impl<V> IntoIterator for RecordMap<V> {
    type Item = Arc<V>;
    type IntoIter = std::vec::IntoIter<Arc<V>>;
    fn into_iter(self) -> Self::IntoIter {
        self.sorted.into_iter()
    }
}

impl<'a, V: Record> IntoIterator for &'a RecordMap<V> {
    type Item = (&'a V::Key, &'a Arc<V>);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A list of records (JSON objects need string keys, and the key is part of each record).
impl<V: Serialize> Serialize for RecordMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.sorted.iter().map(|v| &**v))
    }
}

impl<'de, V: Record + Deserialize<'de>> Deserialize<'de> for RecordMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let values = Vec::<V>::deserialize(d)?;
        Ok(values.into_iter().map(Arc::new).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record that keeps the larger value of a key.
    #[derive(Debug, PartialEq)]
    struct Max(u8, u32);

    impl Record for Max {
        type Key = u8;
        fn key(&self) -> &u8 {
            &self.0
        }
        fn combine(kept: Arc<Self>, new: Arc<Self>) -> Arc<Self> {
            if new.1 > kept.1 {
                new
            } else {
                kept
            }
        }
    }

    fn set(pairs: &[(u8, u32)]) -> RecordMap<Max> {
        pairs.iter().map(|&(k, v)| Arc::new(Max(k, v))).collect()
    }

    fn pairs(m: &RecordMap<Max>) -> Vec<(u8, u32)> {
        m.values().map(|r| (r.0, r.1)).collect()
    }

    #[test]
    fn unsorted_input_is_sorted_and_combined() {
        let m = set(&[(3, 1), (1, 5), (3, 7), (2, 0), (1, 2)]);
        assert_eq!(pairs(&m), [(1, 5), (2, 0), (3, 7)]);
        assert_eq!(m.get(&3).map(|r| r.1), Some(7));
        assert!(m.get(&4).is_none());
    }

    #[test]
    fn merge_is_a_union_with_combine_and_sees_fresh_records() {
        let mut a = set(&[(1, 1), (3, 3), (5, 5)]);
        let mut seen = Vec::new();
        a.merge(set(&[(0, 9), (3, 4), (5, 1), (6, 6)]), |r| seen.push(r.0));
        assert_eq!(pairs(&a), [(0, 9), (1, 1), (3, 4), (5, 5), (6, 6)]);
        // 3 came from a combination that `other` won, 5 stayed this set's own.
        assert_eq!(seen, [0, 3, 6]);
    }

    #[test]
    fn merge_order_does_not_matter() {
        let x = [(1, 1), (2, 8), (4, 4)];
        let y = [(2, 3), (4, 9), (7, 7)];
        let mut xy = set(&x);
        xy.merge(set(&y), |_| {});
        let mut yx = set(&y);
        yx.merge(set(&x), |_| {});
        assert_eq!(pairs(&xy), pairs(&yx));
        let mut twice = xy.clone();
        twice.merge(xy.clone(), |_| {});
        assert_eq!(pairs(&twice), pairs(&xy));
    }

    #[test]
    fn an_update_that_changes_keys_resorts_and_combines() {
        let mut m = set(&[(1, 1), (2, 2), (3, 3)]);
        m.update(|r| {
            if r.0 == 1 {
                *r = Arc::new(Max(3, 9));
            }
        });
        assert_eq!(pairs(&m), [(2, 2), (3, 9)]);
    }
}
