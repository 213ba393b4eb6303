//! The JS boundary: what sites pass in is read without trust, what Candor
//! hands out is made with serde-wasm-bindgen.
//!
//! A request arrives as an untyped `JsValue` and is read defensively: a
//! wrong type, an absurd size or a getter that throws becomes a denied
//! decision (`invalid-request`), never an exception. Every method takes the
//! same forms: `{ purpose, signals?, channel? }`, or a bare purpose id.

use candor_core::limits::{MAX_ID_LEN, MAX_REQUEST_SIGNALS};
use candor_core::text::longer_than;
use js_sys::{Array, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::state::WhyRequest;

/// A string of at most [`MAX_ID_LEN`] characters, or `None`.
pub(crate) fn short_string(value: &JsValue) -> Option<String> {
    // A primitive string only; one far too long (in UTF-16 units, at most
    // two per character) is refused before it is copied into the wasm.
    let s = value.dyn_ref::<js_sys::JsString>()?;
    if s.length() as usize > 2 * MAX_ID_LEN {
        return None;
    }
    value.as_string().filter(|s| !longer_than(s, MAX_ID_LEN))
}

/// Read a request: `{ purpose, signals?, channel? }` or a bare purpose id.
/// A request that cannot be read comes back with `invalid` set and the
/// purpose when it at least was a sane string.
pub(crate) fn read_request(request: &JsValue) -> WhyRequest {
    let invalid = |purpose: String| WhyRequest {
        purpose,
        signals: Vec::new(),
        channel: None,
        invalid: true,
    };
    if let Some(purpose) = short_string(request) {
        return WhyRequest {
            purpose,
            signals: Vec::new(),
            channel: None,
            invalid: false,
        };
    }
    if !request.is_object() || request.is_function() {
        return invalid(String::new());
    }
    let get = |key: &str| Reflect::get(request, &JsValue::from_str(key)).ok();
    let Some(purpose) = get("purpose").and_then(|p| short_string(&p)) else {
        return invalid(String::new());
    };
    let signals = match get("signals") {
        Some(v) if v.is_undefined() || v.is_null() => Vec::new(),
        Some(v) if Array::is_array(&v) => {
            let len = Reflect::get(&v, &"length".into())
                .ok()
                .and_then(|l| l.as_f64());
            let Some(len) = len.filter(|l| (0.0..=MAX_REQUEST_SIGNALS as f64).contains(l)) else {
                return invalid(purpose);
            };
            let mut signals = Vec::with_capacity(len as usize);
            for i in 0..len as u32 {
                match Reflect::get_u32(&v, i).ok().and_then(|s| short_string(&s)) {
                    Some(s) => signals.push(s),
                    None => return invalid(purpose),
                }
            }
            signals
        }
        _ => return invalid(purpose),
    };
    let channel = match get("channel") {
        Some(v) if v.is_undefined() || v.is_null() => None,
        Some(v) => match short_string(&v) {
            Some(c) => Some(c),
            None => return invalid(purpose),
        },
        None => return invalid(purpose),
    };
    WhyRequest {
        purpose,
        signals,
        channel,
        invalid: false,
    }
}

/// `value` as a plain JS value (objects, not `Map`s; `None` as `null`), or
/// `null` if it cannot be made.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}
