//! `SortedMap` against `std::collections::BTreeMap`, the type it replaced:
//! random sequences of operations must give the same answers and leave
//! both maps holding the same pairs in the same order.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use candor_core::SortedMap;
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
fn same(sorted: &SortedMap<String, u8>, btree: &BTreeMap<String, u8>) -> Result<(), TestCaseError> {
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
