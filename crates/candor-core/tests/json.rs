//! The crate's own JSON reader and writer agree with serde_json on
//! arbitrary documents and strings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use candor_core::json::{self, Value};
use proptest::prelude::*;

/// Our tree as serde_json's (numbers re-read from their source text).
fn to_serde(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(text) => serde_json::from_str(text).unwrap(),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
        Value::Object(members) => serde_json::Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), to_serde(v)))
                .collect(),
        ),
    }
}

fn document() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| n.into()),
        any::<u64>().prop_map(|n| n.into()),
        (-1e300f64..1e300).prop_map(|f| f.into()),
        "\\PC*".prop_map(serde_json::Value::String),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn reads_what_serde_json_writes(doc in document()) {
        for text in [doc.to_string(), serde_json::to_string_pretty(&doc).unwrap()] {
            let ours = json::parse(&text).unwrap_or_else(|e| panic!("{e:?} in {text}"));
            // Compared with serde_json's own reading of the text (its float
            // parsing is not always the exact inverse of its writing).
            let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(to_serde(&ours), theirs);
        }
    }

    #[test]
    fn writes_strings_as_serde_json_does(s in any::<String>()) {
        let mut ours = String::new();
        json::push_str(&mut ours, &s);
        prop_assert_eq!(&ours, &serde_json::to_string(&s).unwrap());
        prop_assert_eq!(json::parse(&ours).unwrap(), Value::String(s));
    }

    #[test]
    fn never_panics_and_rejects_what_serde_json_rejects(text in "[\\[\\]{}\",:0-9a-z\\\\ .eE+-]{0,40}") {
        let ours = json::parse(&text);
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        // serde_json keeps the last of duplicated keys; we reject them.
        if ours.is_ok() {
            prop_assert!(theirs.is_ok(), "we accepted {:?}", text);
        } else if theirs.is_ok() {
            prop_assert!(
                ours.as_ref().unwrap_err().message.starts_with("duplicate field"),
                "we rejected {:?}: {:?}", text, ours
            );
        }
    }

    #[test]
    fn integers_read_exactly(n in any::<i64>(), u in any::<u64>()) {
        prop_assert_eq!(json::parse(&n.to_string()).unwrap().as_i64(), Some(n));
        prop_assert_eq!(json::parse(&u.to_string()).unwrap().as_u64(), Some(u));
        prop_assert_eq!(json::u64_text(u), u.to_string());
    }
}
