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
//! - **Config** ([`config`]): the site policy of CONTRACT §1, parsed with
//!   the crate's own strict [`json`] reader and validated; every error
//!   names the field path and the value.
//! - **Decisions** ([`decide`](mod@decide)): the rule table of CONTRACT §2,
//!   first match wins, with [`Reason`]s and `retryAfter`.
//! - **Choices** ([`choices`]): the shopper's record; session grants are
//!   kept apart from persistent ones.
//! - **Frequency caps** ([`ledger`]): per-channel sliding windows, bounded.
//! - **Explanations** ([`explain`]) and **UI texts** ([`i18n`]): English,
//!   French, German and Spanish tables; site translations override them.
//! - **Stored forms** ([`stored`]): versioned compact JSON, decoded strictly
//!   (anything odd means "no choices").
//! - **Receipts** ([`receipt`]): proof of consent with a SHA-256 of the texts
//!   shown.
//! - **Snapshots** ([`snapshot`]): every purpose's `allows()` answer ahead
//!   of time, and until when it holds.
//! - **Maps** ([`map`]): [`SortedMap`], a small sorted-vector map iterated
//!   in key order like `BTreeMap`, at a fraction of its wasm size.
//!
//! # State
//!
//! [`Engine`] owns the config, the choices and the ledger. Nothing here
//! persists anything: the caller loads and saves the stored forms
//! ([`Engine::load_choices`], [`Engine::encode_choices`], …).
//!
//! # Crate features
//!
//! None. The crate builds for `wasm32-unknown-unknown` as is.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod choices;
pub mod config;
pub mod consent_mode;
pub mod decide;
mod engine;
pub mod explain;
pub mod i18n;
pub mod json;
pub mod ledger;
pub mod map;
pub mod receipt;
mod receipt_reader;
pub mod snapshot;
pub mod stored;

pub use choices::{Choice, Choices, Method};
pub use config::{
    Cap, Channel, Config, ConfigError, DemographicTargeting, Duration, Purpose, Signal, SignalKind,
    Text,
};
pub use decide::{decide, Context, Decision, Reason, Request};
pub use engine::{Engine, Preferences, Report};
pub use ledger::Ledger;
pub use map::SortedMap;
pub use receipt::Receipt;
pub use snapshot::Snapshot;
