//! [`SortedMap`]: a map kept as one vector of `(key, value)` pairs sorted
//! by key.
//!
//! It replaces `std::collections::BTreeMap` in Candor's types for the sake
//! of the wasm size: the B-tree's node code, monomorphized for each value
//! type, and the stable sort that `BTreeMap::from_iter` runs cost the widget
//! about 27 KB. ICU4X's `litemap`, made for the same job, measured 1.7 KB
//! raw and 0.45 KB brotli more in the shipped wasm (see `docs/size.md`), so
//! this one stays, private to the crate ([`crate::Map`] names it), and
//! property-tested against `BTreeMap` below. The maps here are small (a record's choices and ledger
//! channels, at most [`crate::stored::MAX_ENTRIES`] when decoded; a config's
//! translations and localized texts, a few languages each) and are read far
//! more often than written, which is what a sorted vector is good at.
//!
//! The semantics are `BTreeMap`'s, for the part of its API offered here:
//!
//! - iteration (`iter`, `keys`, `values`, `into_iter`, …) is in ascending key
//!   order, so anything written from a map (stored forms, JSON output,
//!   receipts) comes out byte for byte as before;
//! - keys are unique: [`insert`](SortedMap::insert) on a present key keeps
//!   the key, replaces the value and returns the old one;
//! - [`FromIterator`] and [`Extend`] insert one pair at a time, so of
//!   duplicate keys the last value wins. They never sort: each insert is a
//!   binary search plus `Vec::insert`, linear for input that is already
//!   sorted (stored forms are written sorted) and quadratic in moves at
//!   worst (keys in descending order). Every map Candor builds comes from
//!   a JSON object, which the reader caps at [`crate::json::MAX_MEMBERS`]
//!   (1 000) members, so the worst case is about half a million moves.
//!
//! There is no `Index` (`map["key"]`): it would panic on a missing key, and
//! the crate does not panic. Use [`get`](SortedMap::get).
//!
//! ```
//! use candor_core::Map;
//! let mut m: Map<String, u32> = [("b".to_string(), 2), ("a".to_string(), 1)].into();
//! assert_eq!(m.insert("c".to_string(), 3), None);
//! assert_eq!(m.insert("a".to_string(), 10), Some(1));
//! assert_eq!(m.get("a"), Some(&10));
//! assert_eq!(m.keys().map(String::as_str).collect::<Vec<_>>(), ["a", "b", "c"]);
//! assert_eq!(m.remove("b"), Some(2));
//! assert_eq!(m.len(), 2);
//! ```

use std::borrow::Borrow;
use std::fmt;
use std::iter::FusedIterator;

/// A map with unique keys, iterated in ascending key order, stored as a
/// sorted vector of pairs. See the [module documentation](self).
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    /// Sorted by key, no two keys equal.
    entries: Vec<(K, V)>,
}

impl<K, V> SortedMap<K, V> {
    /// An empty map. Allocates nothing until the first insert.
    pub const fn new() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `(&key, &value)` pairs in ascending key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    /// `(&key, &mut value)` pairs in ascending key order.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }

    /// The keys in ascending order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + '_ {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values, in ascending order of their keys.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values, mutably, in ascending order of their keys.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator + '_ {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Keep only the entries for which `keep(&key, &mut value)` is true,
    /// visiting them in ascending key order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// `Ok(index)` of `key`, or `Err(index)` where it would go.
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value for `key`, if any.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// The value for `key`, mutably, if any.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// Whether the map holds `key`.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Set `key` to `value`. Returns the previous value if the key was
    /// present; the stored key is then kept (as `BTreeMap::insert` does).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Remove `key`, returning its value if it was present.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// The value for `key`, inserting `default()` first if the key is
    /// absent: `BTreeMap`'s `entry(key).or_insert_with(default)`.
    ///
    /// ```
    /// use candor_core::Map;
    /// let mut m: Map<String, Vec<u64>> = Map::new();
    /// m.get_or_insert_with("email".to_string(), Vec::new).push(1);
    /// m.get_or_insert_with("email".to_string(), Vec::new).push(2);
    /// assert_eq!(m.get("email"), Some(&vec![1, 2]));
    /// ```
    // The index is in bounds: `find` found the key there, or the pair was
    // just inserted there. `get_mut` would only trade this for an
    // `Option` that is never `None`.
    #[allow(clippy::indexing_slicing)]
    pub fn get_or_insert_with(&mut self, key: K, default: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, default()));
                i
            }
        };
        &mut self.entries[i].1
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    /// `{k: v, …}`, like `BTreeMap`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    /// Insert each pair in turn; a later value replaces an earlier one.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, pairs: I) {
        for (k, v) in pairs {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// Insert each pair in turn (no sort); of duplicate keys the last value
    /// wins, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut map = SortedMap::new();
        map.extend(pairs);
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    /// Like [`FromIterator`]: the last value of a duplicate key wins.
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = IntoIter<K, V>;
    /// The pairs in ascending key order.
    fn into_iter(self) -> IntoIter<K, V> {
        IntoIter(self.entries.into_iter())
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> IterMut<'a, K, V> {
        self.iter_mut()
    }
}

/// `(&key, &value)` pairs in ascending key order; see [`SortedMap::iter`].
#[derive(Debug)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<K, V> Clone for Iter<'_, K, V> {
    fn clone(&self) -> Self {
        Iter(self.0.clone())
    }
}

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}
impl<K, V> FusedIterator for Iter<'_, K, V> {}

/// `(&key, &mut value)` pairs in ascending key order; see
/// [`SortedMap::iter_mut`].
#[derive(Debug)]
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for IterMut<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}

impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}
impl<K, V> FusedIterator for IterMut<'_, K, V> {}

/// The owned `(key, value)` pairs in ascending key order: what a
/// [`SortedMap`] turns into with `into_iter()`.
#[derive(Debug, Clone)]
pub struct IntoIter<K, V>(std::vec::IntoIter<(K, V)>);

impl<K, V> Iterator for IntoIter<K, V> {
    type Item = (K, V);
    fn next(&mut self) -> Option<(K, V)> {
        self.0.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for IntoIter<K, V> {
    fn next_back(&mut self) -> Option<(K, V)> {
        self.0.next_back()
    }
}

impl<K, V> ExactSizeIterator for IntoIter<K, V> {}
impl<K, V> FusedIterator for IntoIter<K, V> {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, u32)]) -> SortedMap<String, u32> {
        pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
    }

    fn pairs(m: &SortedMap<String, u32>) -> Vec<(&str, u32)> {
        m.iter().map(|(k, v)| (k.as_str(), *v)).collect()
    }

    #[test]
    fn empty() {
        let m: SortedMap<String, u32> = SortedMap::default();
        assert!(m.is_empty());
        assert_eq!(m.len(), 0);
        assert_eq!(m.get("a"), None);
        assert!(!m.contains_key("a"));
        assert_eq!(m.iter().next(), None);
        assert_eq!(m, SortedMap::new());
        assert_eq!(format!("{m:?}"), "{}");
    }

    #[test]
    fn insert_keeps_keys_sorted_and_unique() {
        let mut m = SortedMap::new();
        for (k, v) in [("m", 1), ("c", 2), ("x", 3), ("a", 4), ("c", 5)] {
            m.insert(k.to_string(), v);
        }
        assert_eq!(pairs(&m), [("a", 4), ("c", 5), ("m", 1), ("x", 3)]);
        assert_eq!(m.insert("m".to_string(), 9), Some(1));
        assert_eq!(m.insert("b".to_string(), 7), None);
        assert_eq!(
            pairs(&m),
            [("a", 4), ("b", 7), ("c", 5), ("m", 9), ("x", 3)]
        );
        assert_eq!(m.len(), 5);
        assert_eq!(
            format!("{m:?}"),
            r#"{"a": 4, "b": 7, "c": 5, "m": 9, "x": 3}"#
        );
    }

    #[test]
    fn insert_keeps_the_first_key() {
        // Keys equal under `Ord` but told apart by the second field.
        #[derive(Debug, Clone, Copy)]
        struct Tagged(u8, u8);
        impl PartialEq for Tagged {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl Eq for Tagged {}
        impl PartialOrd for Tagged {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for Tagged {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.0.cmp(&other.0)
            }
        }
        let mut m = SortedMap::new();
        m.insert(Tagged(1, 0), "first");
        assert_eq!(m.insert(Tagged(1, 1), "second"), Some("first"));
        let (k, v) = m.iter().next().unwrap();
        assert_eq!((k.1, *v), (0, "second"));
    }

    #[test]
    fn get_remove_contains() {
        let mut m = map(&[("b", 2), ("a", 1), ("c", 3)]);
        assert_eq!(m.get("b"), Some(&2));
        assert_eq!(m.get(&"b".to_string()), Some(&2));
        assert_eq!(m.get("d"), None);
        *m.get_mut("c").unwrap() += 10;
        assert_eq!(m.get("c"), Some(&13));
        assert!(m.get_mut("z").is_none());
        assert!(m.contains_key("a"));
        assert_eq!(m.remove("a"), Some(1));
        assert_eq!(m.remove("a"), None);
        assert!(!m.contains_key("a"));
        assert_eq!(pairs(&m), [("b", 2), ("c", 13)]);
    }

    #[test]
    fn from_iter_last_duplicate_wins() {
        let m = map(&[("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]);
        assert_eq!(pairs(&m), [("a", 5), ("b", 3), ("c", 4)]);
        let arr: SortedMap<String, u32> = [("y".to_string(), 1), ("x".to_string(), 2)].into();
        assert_eq!(pairs(&arr), [("x", 2), ("y", 1)]);
        let mut e = map(&[("a", 1)]);
        e.extend([("a".to_string(), 2), ("0".to_string(), 0)]);
        assert_eq!(pairs(&e), [("0", 0), ("a", 2)]);
    }

    #[test]
    fn get_or_insert_with() {
        let mut m: SortedMap<String, Vec<u64>> = SortedMap::new();
        m.get_or_insert_with("b".into(), Vec::new).push(1);
        m.get_or_insert_with("a".into(), || vec![7]).push(2);
        m.get_or_insert_with("b".into(), || vec![99]).push(3);
        assert_eq!(m.get("a"), Some(&vec![7, 2]));
        assert_eq!(m.get("b"), Some(&vec![1, 3]));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn iterators_in_key_order() {
        let mut m = map(&[("c", 3), ("a", 1), ("b", 2)]);
        assert_eq!(
            m.keys().map(String::as_str).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(m.iter().len(), 3);
        assert_eq!(m.iter().next_back().map(|(k, _)| k.as_str()), Some("c"));
        for v in m.values_mut() {
            *v *= 10;
        }
        for (k, v) in &mut m {
            if k == "b" {
                *v += 1;
            }
        }
        for (_, v) in m.iter_mut().rev().take(1) {
            *v += 5;
        }
        let borrowed: Vec<(&String, &u32)> = (&m).into_iter().collect();
        assert_eq!(borrowed.len(), 3);
        assert_eq!(
            m.into_iter().collect::<Vec<_>>(),
            [
                ("a".to_string(), 10),
                ("b".to_string(), 21),
                ("c".to_string(), 35)
            ]
        );
    }

    #[test]
    fn retain_and_equality() {
        let mut m = map(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
        let mut seen = Vec::new();
        m.retain(|k, v| {
            seen.push(k.clone());
            *v += 1;
            *v % 2 == 0
        });
        assert_eq!(seen, ["a", "b", "c", "d"]);
        assert_eq!(pairs(&m), [("a", 2), ("c", 4)]);
        assert_eq!(m, map(&[("c", 4), ("a", 2)]));
        assert_ne!(m, map(&[("c", 4)]));
        assert_eq!(m.clone(), m);
    }

    #[test]
    fn tuple_keys() {
        let mut m: SortedMap<(u8, &'static str), Option<String>> = SortedMap::new();
        m.insert((1, "b"), None);
        m.insert((0, "z"), Some("x".into()));
        m.insert((1, "a"), Some("y".into()));
        assert_eq!(m.get(&(1, "a")), Some(&Some("y".to_string())));
        assert_eq!(m.remove(&(1, "b")), Some(None));
        assert_eq!(m.keys().copied().collect::<Vec<_>>(), [(0, "z"), (1, "a")]);
    }
}

impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// `SortedMap` against `std::collections::BTreeMap`, the type it replaced:
/// random sequences of operations must give the same answers and leave
/// both maps holding the same pairs in the same order.
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod against_btreemap {
    use super::SortedMap;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(String, u8),
        Remove(String),
        Get(String),
        GetMut(String, u8),
        GetOrInsert(String, u8),
        Retain(u8),
        Extend(Vec<(String, u8)>),
    }

    /// Short keys over a tiny alphabet, so that keys repeat often; the empty
    /// key and prefixes of other keys included.
    fn key() -> impl Strategy<Value = String> {
        "[ab]{0,3}"
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (key(), any::<u8>()).prop_map(|(k, v)| Op::Insert(k, v)),
            2 => key().prop_map(Op::Remove),
            2 => key().prop_map(Op::Get),
            1 => (key(), any::<u8>()).prop_map(|(k, v)| Op::GetMut(k, v)),
            1 => (key(), any::<u8>()).prop_map(|(k, v)| Op::GetOrInsert(k, v)),
            1 => (2..5u8).prop_map(Op::Retain),
            1 => prop::collection::vec((key(), any::<u8>()), 0..6).prop_map(Op::Extend),
        ]
    }

    fn pairs_of<'a>(it: impl Iterator<Item = (&'a String, &'a u8)>) -> Vec<(String, u8)> {
        it.map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// Same pairs, same order, same answers to every read-only question.
    fn same(
        sorted: &SortedMap<String, u8>,
        btree: &BTreeMap<String, u8>,
    ) -> Result<(), TestCaseError> {
        prop_assert_eq!(sorted.len(), btree.len());
        prop_assert_eq!(sorted.is_empty(), btree.is_empty());
        prop_assert_eq!(pairs_of(sorted.iter()), pairs_of(btree.iter()));
        prop_assert_eq!(pairs_of(sorted.iter().rev()), pairs_of(btree.iter().rev()));
        prop_assert_eq!(
            sorted.keys().collect::<Vec<_>>(),
            btree.keys().collect::<Vec<_>>()
        );
        prop_assert_eq!(
            sorted.values().collect::<Vec<_>>(),
            btree.values().collect::<Vec<_>>()
        );
        prop_assert_eq!(format!("{sorted:?}"), format!("{btree:?}"));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn behaves_like_btreemap(ops in prop::collection::vec(op(), 0..80)) {
            let mut sorted: SortedMap<String, u8> = SortedMap::new();
            let mut btree: BTreeMap<String, u8> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => {
                        prop_assert_eq!(sorted.insert(k.clone(), v), btree.insert(k, v));
                    }
                    Op::Remove(k) => prop_assert_eq!(sorted.remove(&k), btree.remove(&k)),
                    Op::Get(k) => {
                        prop_assert_eq!(sorted.get(&k), btree.get(&k));
                        prop_assert_eq!(sorted.get(k.as_str()), btree.get(k.as_str()));
                        prop_assert_eq!(sorted.contains_key(&k), btree.contains_key(&k));
                    }
                    Op::GetMut(k, v) => {
                        let a = sorted.get_mut(&k).map(|x| { *x = v; *x });
                        let b = btree.get_mut(&k).map(|x| { *x = v; *x });
                        prop_assert_eq!(a, b);
                    }
                    Op::GetOrInsert(k, v) => {
                        let a = *sorted.get_or_insert_with(k.clone(), || v);
                        let b = *btree.entry(k).or_insert_with(|| v);
                        prop_assert_eq!(a, b);
                    }
                    Op::Retain(m) => {
                        let mut seen_a = Vec::new();
                        sorted.retain(|k, v| { seen_a.push(k.clone()); *v % m != 0 });
                        let mut seen_b = Vec::new();
                        btree.retain(|k, v| { seen_b.push(k.clone()); *v % m != 0 });
                        prop_assert_eq!(seen_a, seen_b);
                    }
                    Op::Extend(pairs) => {
                        sorted.extend(pairs.clone());
                        btree.extend(pairs);
                    }
                }
                same(&sorted, &btree)?;
            }
            for (v, w) in sorted.values_mut().zip(btree.values_mut()) {
                *v = v.wrapping_add(1);
                *w = w.wrapping_add(1);
            }
            for ((_, v), (_, w)) in sorted.iter_mut().zip(btree.iter_mut()) {
                *v = v.wrapping_mul(3);
                *w = w.wrapping_mul(3);
            }
            same(&sorted, &btree)?;
            prop_assert_eq!(
                sorted.clone().into_iter().collect::<Vec<_>>(),
                btree.clone().into_iter().collect::<Vec<_>>()
            );
            let mut by_ref = Vec::new();
            for (k, v) in &sorted {
                by_ref.push((k.clone(), *v));
            }
            prop_assert_eq!(by_ref, pairs_of(btree.iter()));
        }

        #[test]
        fn from_iter_like_btreemap(pairs in prop::collection::vec((key(), any::<u8>()), 0..40)) {
            let sorted: SortedMap<String, u8> = pairs.iter().cloned().collect();
            let btree: BTreeMap<String, u8> = pairs.iter().cloned().collect();
            same(&sorted, &btree)?;
            // Equality is equality of the pairs, whatever the insertion order.
            let reversed: SortedMap<String, u8> = btree.clone().into_iter().rev().collect();
            prop_assert_eq!(&reversed, &sorted);
            let rebuilt: SortedMap<String, u8> = sorted.clone().into_iter().collect();
            prop_assert_eq!(rebuilt, sorted);
        }

        #[test]
        fn tuple_keys_like_btreemap(
            ops in prop::collection::vec((any::<bool>(), 0..3u8, key(), prop::option::of(any::<u8>())), 0..60),
        ) {
            // The shape of candor-web's storage fallback: (area, key) → value or removed.
            let mut sorted: SortedMap<(u8, String), Option<u8>> = SortedMap::new();
            let mut btree: BTreeMap<(u8, String), Option<u8>> = BTreeMap::new();
            for (remove, area, k, v) in ops {
                let key = (area, k);
                if remove {
                    prop_assert_eq!(sorted.remove(&key), btree.remove(&key));
                } else {
                    prop_assert_eq!(sorted.insert(key.clone(), v), btree.insert(key, v));
                }
                prop_assert_eq!(
                    sorted.iter().collect::<Vec<_>>(),
                    btree.iter().collect::<Vec<_>>()
                );
            }
        }
    }
}
