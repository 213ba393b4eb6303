//! Candor's browser widget: a thin wasm-bindgen adapter over
//! [`candor_core`].
//!
//! All policy lives in `candor-core`; this crate converts, renders, stores
//! and dispatches:
//!
//! - `api` — the JS surface: the one exported type, [`Widget`], reads site
//!   requests defensively and returns decisions, preferences and receipts as
//!   JSON text;
//! - `dialog` — the DOM: an open shadow root on `<div id="candor">` with the
//!   banner, the preferences panel and the "Privacy choices" button
//!   (CONTRACT §4), styled by an adopted stylesheet;
//! - `store` — `localStorage` / `sessionStorage` through gloo-storage, with an
//!   in-memory fallback when storage is blocked, full or corrupted.
//! - `bridge` — the page integrations: Google Consent Mode v2, gated scripts
//!   and embeds, purposes' cookies, reload on withdrawal, receipts out;
//! - `why` — the "Why this?" panel of `candor.why(request)`.
//!
//! The public object sites use (`window.candor`, or what the npm package's
//! `start()` resolves to) is built by the hand-written `js/facade.js`, which
//! answers "not allowed" until the widget is attached and never throws.
//!
//! # Example (JS)
//!
//! ```js
//! import init, { Widget } from "./candor_web.js";
//! await init();
//! const widget = new Widget(configJsonText); // throws the validation message
//! widget.mount();
//! JSON.parse(widget.decide({ purpose: "session-offers", signals: ["cart"] }));
//! ```
#![deny(missing_docs)]

mod api;
mod bridge;
mod css;
mod dialog;
mod store;
mod why;

pub use api::Widget;

/// The global allocator on wasm: a first-fit free list that coalesces freed
/// neighbours (so a long-lived page does not grow on churn), a few KB
/// smaller than the default dlmalloc. The lock is an uncontended spin lock
/// (wasm here is single-threaded).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
