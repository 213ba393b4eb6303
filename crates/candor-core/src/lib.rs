//! Candor's policy engine: from a site's policy and a shopper's recorded
//! choices, decide whether one personalization may happen, and say why.
//!
//! This crate is pure Rust: it knows nothing of the browser, never reads a
//! clock (time comes in through [`Context::now`]) and never panics on
//! outside input. `candor-web` is a thin wasm adapter over [`Engine`].
//!
//! # Example
//!
//! ```
//! use candor_core::{Config, Context, Engine, Method, Request};
//!
//! let config = Config::from_json(r#"{
//!   "revision": 1,
//!   "signals": [
//!     { "id": "cart", "kind": "interest", "label": "Items in your cart" },
//!     { "id": "browsing", "kind": "interest", "label": "Products you viewed here" }
//!   ],
//!   "channels": [{ "id": "email", "label": "by email", "cap": { "max": 2, "perDays": 7 } }],
//!   "purposes": [
//!     { "id": "essential", "required": true, "title": "Essential", "description": "Cart." },
//!     { "id": "session-offers", "duration": "session", "signals": ["cart", "browsing"],
//!       "title": "Offers during this visit", "description": "…" },
//!     { "id": "email-deals", "signals": ["browsing"], "channels": ["email"],
//!       "title": "Deals by email", "description": "…" }
//!   ]
//! }"#)?;
//! let mut engine = Engine::new(config, "consent-id-1".to_string());
//! let ctx = Context { now: 1_795_910_400_000, session: "s1", gpc: false };
//!
//! let offers = Request { purpose: "session-offers", signals: &["cart"], channel: None };
//! assert_eq!(engine.decide(&offers, &ctx).reason.as_str(), "no-choice");
//!
//! engine.set("session-offers", true, Method::Preferences, &ctx).unwrap();
//! let decision = engine.decide(&offers, &ctx);
//! assert!(decision.allowed);
//! assert_eq!(
//!     engine.report(&offers, &decision, "en").explanation,
//!     "Allowed: you turned on \"Offers during this visit\" on 2026-11-29. It uses: Items in your cart."
//! );
//!
//! // Frequency caps: two emails a week.
//! engine.set("email-deals", true, Method::Api, &ctx).unwrap();
//! let email = Request { purpose: "email-deals", signals: &[], channel: Some("email") };
//! assert!(engine.record(&email, &ctx).allowed);
//! assert!(engine.record(&email, &ctx).allowed);
//! let third = engine.record(&email, &ctx);
//! assert_eq!(third.reason.as_str(), "frequency-cap");
//! assert_eq!(third.retry_after, Some(ctx.now + 7 * 86_400_000));
//!
//! // Persistence is strings in, strings out.
//! let (local, session) = engine.encode_choices();
//! let mut later = Engine::new(engine.config().clone(), "fresh-id".to_string());
//! assert!(later.load_choices(local.as_deref(), session.as_deref()));
//! assert_eq!(later.choices().consent_id, "consent-id-1");
//! # Ok::<(), candor_core::ConfigError>(())
//! ```
//!
//! # Topics
//!
//! - **Config** ([`config`]): the site policy, parsed with the crate's own
//!   strict JSON reader and validated; every error names the field path
//!   and the value. Its look ([`theme`]) is checked for WCAG AA contrast.
//! - **Decisions** ([`decide`](mod@decide)): the rule table, first match
//!   wins, with [`Reason`]s and `retryAfter`.
//! - **Choices** ([`choices`]): the shopper's record; session grants are
//!   kept apart from persistent ones.
//! - **Frequency caps** ([`ledger`]): per-channel sliding windows, bounded.
//! - **Explanations** ([`explain`]) and **UI texts** ([`i18n`]): English,
//!   French, German and Spanish tables; site translations override them.
//! - **Stored forms** ([`stored`]): versioned compact JSON, decoded strictly
//!   (anything odd means "no choices").
//! - **Receipts** ([`receipt`]): proof of consent with a SHA-256 of the texts
//!   shown, written and read back strictly.
//! - **Snapshots** ([`snapshot`]): every purpose's `allows()` answer ahead
//!   of time, and until when it holds.
//! - **Limits** ([`limits`]) and **text helpers** ([`text`]): the leaves
//!   every other module uses.
//!
//! # State
//!
//! [`Engine`] owns the config, the loaded language tables, the choices and
//! the ledger. Nothing here persists anything: the caller loads and saves
//! the stored forms ([`Engine::load_choices`], [`Engine::encode_choices`],
//! …).
//!
//! # Output
//!
//! Decisions ([`Report`]), [`Preferences`], [`Receipt`]s and [`Snapshot`]s
//! implement `serde::Serialize` (camelCase, `null` for "never"): the widget
//! hands them to JavaScript with `serde-wasm-bindgen`; natively, `to_json`
//! gives their JSON text (serde_json). What comes in (configs, stored
//! records, receipts) is read by the crate's own strict reader instead: it
//! names the field of every error and fails closed (see `docs/size.md` for
//! the measured cost of serde on that side).
//!
//! # Crate features
//!
//! - `bundled-languages` (default): the French, German and Spanish text
//!   tables are compiled in. Without it only English is, and the others are
//!   loaded at run time ([`i18n::Tables::load`]): the browser widget is
//!   built that way and fetches the one table a page needs.
//!
//! The crate builds for `wasm32-unknown-unknown` as is.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod choices;
pub mod config;
pub mod consent_mode;
pub mod decide;
mod engine;
mod error;
pub mod explain;
pub mod i18n;
mod json;
pub mod ledger;
pub mod limits;
mod map;
pub mod receipt;
mod receipt_reader;
mod sha256;
pub mod snapshot;
pub mod stored;
pub mod text;
pub mod theme;

pub use choices::{Choice, Choices, Method};
pub use config::{
    Cap, Channel, Config, DemographicTargeting, Duration, FloatingButton, Purpose, Signal,
    SignalKind, Text,
};
pub use decide::{decide, Context, Decision, Reason, Request};
pub use engine::{Engine, Preferences, PurposeState, Report};
pub use error::ConfigError;
pub use ledger::Ledger;
pub use receipt::Receipt;
pub use snapshot::Snapshot;

/// The map type of the crate: a vector of pairs sorted by key, iterated in
/// key order like a `BTreeMap` (see the private `map` module for why it is
/// not one, nor ICU4X's `litemap`).
pub type Map<K, V> = map::SortedMap<K, V>;
