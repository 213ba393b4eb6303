//! Versioned stored forms of [`Choices`] and [`Ledger`].
//! Decoding never panics; anything unexpected yields `None` (fail closed).
//!
//! # Format: choices version 2, ledger version 1
//!
//! Compact JSON, keys in sorted order, written and read by the crate's own
//! strict JSON reader (a key given twice is rejected). The choices are split
//! in two parts so that the widget can keep session grants in
//! sessionStorage and everything else in localStorage:
//!
//! ```text
//! persistent: {"c":<created ms>,"f":"<config fingerprint>","id":"<consent id>",
//!              "p":{"<purpose>":[<granted 0|1>,<at ms>,"<method>",<explicit 0|1>,<revision>(,"<session id>")]},
//!              "r":<revision>,"u":<updated ms>,"v":2}
//! session:    {"id":"<consent id>",
//!              "p":{"<purpose>":[<granted 0|1>,<at ms>,"<method>",<explicit 0|1>,<revision>,"<session id>"]},"v":2}
//! ledger:     {"l":{"<channel>":[<ms>,<ms>,…]},"v":1}
//! ```
//!
//! `f` is [`Config::fingerprint`](crate::Config::fingerprint): a record
//! belongs to the config whose texts it was made under. Version 1 records
//! carried no fingerprint, so nothing shows which config they belong to:
//! they are not read (fail closed; the shopper is asked again).
//!
//! The session part counts only next to a persistent part with the same
//! consent id (see [`Engine::load_choices`](crate::Engine::load_choices)):
//! a `reset()` in one tab, or a persistent record that could not be written,
//! ends every tab's session grants.
//!
//! A choice goes to the session part exactly when it carries a session id
//! (a grant of a `"session"` purpose). The persistent part keeps every choice,
//! session grants included with their session id: in a later browser session
//! (a new session id) that copy decides `expired` (rule 10) rather than
//! `no-choice`, so the shopper is not asked again on every visit.
//!
//! # Strict decoding
//!
//! A stored value is decoded whole or not at all. It is rejected when it is
//! larger than [`MAX_STORED_BYTES`], is not JSON, has another version, a
//! missing or unknown key, a value of the wrong type or out of range, a
//! timestamp after year 9999 ([`MAX_TIME`]), an id, purpose, channel or
//! session longer than [`MAX_ID_LEN`] characters (or empty), a key
//! `__proto__`, `constructor` or `prototype`, more than [`MAX_ENTRIES`]
//! entries, or (for the ledger) times out of ascending order. The caller then acts as if
//! nothing was stored: no choices, an empty ledger.
//!
//! # Migrating to a future version
//!
//! Every form carries `"v"`. The decoders read `"v"` first and dispatch
//! on it; a version 3 would add a decoder next to the kept version-2 one,
//! both producing the same in-memory [`Choices`]. Encoding always
//! writes the newest version, so a record read as version 1 is rewritten as
//! version 2 on the next change, and older widgets that meet a version they
//! do not know treat it as "no choices" (fail closed) rather than guess.

use crate::json::{self, Object, Value};
pub use crate::limits::{MAX_ENTRIES, MAX_ID_LEN, MAX_STORED_BYTES, MAX_TIME};
use crate::{Choice, Choices, Ledger, Map, Method};

/// The version of the choices' forms written and read.
pub const VERSION: u64 = 2;
/// The version of the ledger's form written and read.
pub const LEDGER_VERSION: u64 = 1;

const FORBIDDEN_KEYS: [&str; 3] = ["__proto__", "constructor", "prototype"];

fn choice_entry(out: &mut String, c: &Choice) {
    out.push('[');
    out.push(if c.granted { '1' } else { '0' });
    out.push(',');
    crate::text::push_u64(out, c.at);
    out.push(',');
    json::push_str(out, c.method.as_str());
    out.push(',');
    out.push(if c.explicit { '1' } else { '0' });
    out.push(',');
    crate::text::push_u64(out, u64::from(c.revision));
    if let Some(s) = &c.session {
        out.push(',');
        json::push_str(out, s);
    }
    out.push(']');
}

/// `{"<purpose>":[…],…}` in key order, of the choices `keep` selects.
fn entries(out: &mut String, choices: &Choices, keep: fn(&Choice) -> bool) {
    let mut o = Object::new(out);
    for (id, c) in &choices.purposes {
        if keep(c) {
            choice_entry(o.key(id), c);
        }
    }
    o.end();
}

/// Stored forms of `choices`, made under the config of `fingerprint`:
/// (persistent part, session part). The persistent part is `None` for an
/// empty, never-written record; the session part is `None` when no choice
/// carries a session id.
///
/// Keys are written in sorted order.
pub fn encode_choices(choices: &Choices, fingerprint: &str) -> (Option<String>, Option<String>) {
    // A session grant goes to both parts: the session part is what this
    // browser session uses, the persistent copy is the trace that lets a
    // later session answer `expired` (rule 10) instead of `no-choice`.
    let p = if choices.purposes.is_empty() && choices.created_at == 0 && choices.updated_at == 0 {
        None
    } else {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.u64("c", choices.created_at);
        o.str("f", fingerprint);
        o.str("id", &choices.consent_id);
        entries(o.key("p"), choices, |_| true);
        o.u64("r", u64::from(choices.revision));
        o.u64("u", choices.updated_at);
        o.u64("v", VERSION);
        o.end();
        Some(out)
    };
    let s = if choices.purposes.values().all(|c| c.session.is_none()) {
        None
    } else {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.str("id", &choices.consent_id);
        entries(o.key("p"), choices, |c| c.session.is_some());
        o.u64("v", VERSION);
        o.end();
        Some(out)
    };
    (p, s)
}

/// Stored form of a ledger.
pub fn encode_ledger(ledger: &Ledger) -> String {
    let mut out = String::new();
    let mut o = Object::new(&mut out);
    let mut l = Object::new(o.key("l"));
    for (channel, times) in &ledger.channels {
        let out = l.key(channel);
        out.push('[');
        for (i, t) in times.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            crate::text::push_u64(out, *t);
        }
        out.push(']');
    }
    l.end();
    o.u64("v", LEDGER_VERSION);
    o.end();
    out
}

type Members = [(String, Value)];

fn parse(s: &str) -> Option<Vec<(String, Value)>> {
    if s.len() > MAX_STORED_BYTES {
        return None;
    }
    match json::parse(s).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn get<'a>(map: &'a Members, key: &str) -> Option<&'a Value> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The object's keys are exactly `keys` (keys are unique: the parser
/// rejects duplicates).
fn has_exactly(map: &Members, keys: &[&str]) -> bool {
    map.len() == keys.len() && keys.iter().all(|k| get(map, k).is_some())
}

fn version(map: &Members) -> Option<u64> {
    get(map, "v")?.as_u64()
}

fn time(v: &Value) -> Option<u64> {
    v.as_u64().filter(|t| *t <= MAX_TIME)
}

fn revision(v: &Value) -> Option<u32> {
    u32::try_from(v.as_u64()?).ok()
}

fn flag(v: &Value) -> Option<bool> {
    match v.as_u64()? {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

fn id(v: &Value) -> Option<String> {
    let s = v.as_str()?;
    ok_key(s).then(|| s.to_string())
}

fn ok_key(s: &str) -> bool {
    !s.is_empty() && !crate::text::longer_than(s, MAX_ID_LEN) && !FORBIDDEN_KEYS.contains(&s)
}

fn decode_entries(v: &Value, session: bool) -> Option<Map<String, Choice>> {
    let map = v.as_object()?;
    if map.len() > MAX_ENTRIES {
        return None;
    }
    let mut out = Map::new();
    for (purpose, entry) in map {
        if !ok_key(purpose) {
            return None;
        }
        let fields = entry.as_array()?;
        let (base, sid) = match (fields, session) {
            ([g, at, m, e, r], false) => ([g, at, m, e, r], None),
            ([g, at, m, e, r, s], _) => ([g, at, m, e, r], Some(id(s)?)),
            _ => return None,
        };
        let [g, at, m, e, r] = base;
        let choice = Choice {
            granted: flag(g)?,
            at: time(at)?,
            method: Method::parse(m.as_str()?)?,
            explicit: flag(e)?,
            revision: revision(r)?,
            session: sid,
        };
        out.insert(purpose.clone(), choice);
    }
    Some(out)
}

/// Decode the persistent part: (the fingerprint of the config it was made
/// under, the choices). `None` if anything is off.
pub fn decode_choices(stored: &str) -> Option<(String, Choices)> {
    let map = parse(stored)?;
    match version(&map)? {
        2 => {
            if !has_exactly(&map, &["v", "f", "id", "r", "c", "u", "p"]) {
                return None;
            }
            let fingerprint = get(&map, "f")?.as_str()?;
            if fingerprint.len() != 32 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let created_at = time(get(&map, "c")?)?;
            let updated_at = time(get(&map, "u")?)?;
            let choices = Choices {
                consent_id: id(get(&map, "id")?)?,
                revision: revision(get(&map, "r")?)?,
                created_at,
                updated_at,
                purposes: decode_entries(get(&map, "p")?, false)?,
            };
            Some((fingerprint.to_owned(), choices))
        }
        _ => None,
    }
}

/// Decode the session part: (consent id, session choices). `None` if anything is off.
pub fn decode_session(stored: &str) -> Option<(String, Map<String, Choice>)> {
    let map = parse(stored)?;
    match version(&map)? {
        2 => {
            if !has_exactly(&map, &["v", "id", "p"]) {
                return None;
            }
            Some((
                id(get(&map, "id")?)?,
                decode_entries(get(&map, "p")?, true)?,
            ))
        }
        _ => None,
    }
}

/// Decode a ledger. `None` if anything is off.
pub fn decode_ledger(stored: &str) -> Option<Ledger> {
    let map = parse(stored)?;
    match version(&map)? {
        1 => {
            if !has_exactly(&map, &["v", "l"]) {
                return None;
            }
            let channels = get(&map, "l")?.as_object()?;
            let mut total = 0usize;
            let mut out = Map::new();
            for (channel, times) in channels {
                if !ok_key(channel) {
                    return None;
                }
                let times = times.as_array()?;
                total = total.saturating_add(times.len());
                if total > MAX_ENTRIES {
                    return None;
                }
                let mut list = Vec::with_capacity(times.len());
                for t in times {
                    list.push(time(t)?);
                }
                if list.windows(2).any(|w| w.first() > w.get(1)) {
                    return None;
                }
                out.insert(channel.clone(), list);
            }
            Some(Ledger { channels: out })
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const FP: &str = "0123456789abcdef0123456789abcdef";

    fn sample() -> Choices {
        let mut c = Choices {
            consent_id: "abc".into(),
            revision: 2,
            created_at: 10,
            updated_at: 20,
            purposes: Map::new(),
        };
        c.purposes.insert(
            "email".into(),
            Choice {
                granted: false,
                at: 20,
                method: Method::RejectAll,
                explicit: false,
                revision: 2,
                session: None,
            },
        );
        c.purposes.insert(
            "offers".into(),
            Choice {
                granted: true,
                at: 15,
                method: Method::Preferences,
                explicit: true,
                revision: 2,
                session: Some("s1".into()),
            },
        );
        c
    }

    #[test]
    fn layout() {
        let (p, s) = encode_choices(&sample(), FP);
        assert_eq!(
            p.as_deref(),
            Some(concat!(
                r#"{"c":10,"f":"0123456789abcdef0123456789abcdef","id":"abc","#,
                r#""p":{"email":[0,20,"reject-all",0,2],"#,
                r#""offers":[1,15,"preferences",1,2,"s1"]},"r":2,"u":20,"v":2}"#
            ))
        );
        assert_eq!(
            s.as_deref(),
            Some(r#"{"id":"abc","p":{"offers":[1,15,"preferences",1,2,"s1"]},"v":2}"#)
        );
        assert_eq!(encode_choices(&Choices::default(), FP), (None, None));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "null",
            "[]",
            r#"{"v":1,"id":"a","r":0,"c":0,"u":0,"p":{}}"#,
            r#"{"v":2,"id":"a","r":0,"c":0,"u":0,"p":{}}"#,
            r#"{"v":2,"f":"short","id":"a","r":0,"c":0,"u":0,"p":{}}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":0,"c":0,"u":0,"p":{},"x":1}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"","r":0,"c":0,"u":0,"p":{}}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":-1,"c":0,"u":0,"p":{}}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":0,"c":253402300800000,"u":0,"p":{}}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":0,"c":0,"u":0,"p":{"__proto__":[1,0,"api",1,0]}}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":0,"c":0,"u":0,"p":{"x":[2,0,"api",1,0]}}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":0,"c":0,"u":0,"p":{"x":[1,0,"nope",1,0]}}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":0,"c":0,"u":0,"p":{"x":[1,0,"api",1,0,""]}}"#,
            r#"{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":0,"c":0.5,"u":0,"p":{}}"#,
        ] {
            assert_eq!(decode_choices(bad), None, "{bad}");
        }
        assert_eq!(
            decode_session(r#"{"v":2,"id":"a","p":{"x":[1,0,"api",1,0]}}"#),
            None
        );
        assert_eq!(decode_ledger(r#"{"v":1,"l":{"e":[2,1]}}"#), None);
        assert_eq!(decode_ledger(r#"{"v":1,"l":{"constructor":[1]}}"#), None);
        let huge = format!(r#"{{"v":1,"l":{{"e":[{}]}}}}"#, vec!["1"; 1001].join(","));
        assert_eq!(decode_ledger(&huge), None);
    }

    #[test]
    fn round_trip() {
        let c = sample();
        let (p, s) = encode_choices(&c, FP);
        let (fp, mut back) = decode_choices(&p.unwrap()).unwrap();
        assert_eq!(fp, FP);
        let (id, session) = decode_session(&s.unwrap()).unwrap();
        assert_eq!(id, "abc");
        for (k, v) in session {
            back.purposes.insert(k, v);
        }
        assert_eq!(back, c);
        let mut l = Ledger::default();
        l.channels.insert("email".into(), vec![1, 2, 3]);
        assert_eq!(decode_ledger(&encode_ledger(&l)), Some(l));
    }
}
