//! Candor's browser widget: a wasm-bindgen adapter over [`candor_core`].
//!
//! All policy lives in `candor-core`; this crate keeps the state, renders,
//! stores and notifies, in four parts that the folders show:
//!
//! - [`state`] — the **store**: the engine, the shopper's context, what is
//!   open on screen, and the view models built from them. Pure: it never
//!   calls JavaScript.
//! - [`control`] — the **controller**: one [`Action`](control::Action) per
//!   button or API call; `dispatch` changes the store, persists, then
//!   notifies. Also the page's events (clicks, keys, other tabs).
//! - [`views`] — plain functions from a view model to a tree, rendered in
//!   an open shadow root on `<div id="candor">`; the guard that a consent
//!   click was seen; the stylesheet.
//! - [`effects`] — what follows a committed change, each on its own: the
//!   `allows()` memo, the screen, change events, gated scripts, Consent
//!   Mode, cookies, receipts, reload on withdrawal.
//!
//! Around them: [`widget`] (the one exported type, [`Widget`]),
//! [`boundary`] (reading what sites pass, making what they get),
//! [`storage`] (web storage, failing closed) and [`js`] (every call into
//! the browser, through built-ins captured at load, none of which can
//! throw into the wasm).
//!
//! The public object sites use (`window.candor`, or what the npm package's
//! `start()` resolves to) is built by the hand-written `js/facade.js`,
//! which answers "not allowed" until the widget is attached and never
//! throws.
//!
//! # Example (JS)
//!
//! ```js
//! import init, { Widget } from "./candor_web.js";
//! await init();
//! const widget = new Widget(configJsonText); // throws the validation message
//! widget.mount();                            // the banner
//! widget.attach({ commit, emit, gtag, ledger });
//! widget.decide({ purpose: "session-offers", signals: ["cart"] });
//! ```
#![deny(missing_docs)]

mod boundary;
mod control;
mod effects;
mod js;
mod state;
mod storage;
mod views;
mod widget;

pub use widget::Widget;

/// Talc, maintained for WebAssembly: 5.4 KB smaller in the shipped wasm
/// than Rust's default dlmalloc (docs/size.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
