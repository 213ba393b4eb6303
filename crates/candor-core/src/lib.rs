//! Candor's policy engine. (crate docs: to be written by the core author)
//!
//! PUBLIC API SKELETON — the signatures below are the contract between the
//! core and `candor-web`. Implementations may change freely; changing a
//! signature means updating `crates/candor-web` in the same commit.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod choices;
pub mod config;
pub mod decide;
mod engine;
pub mod explain;
pub mod i18n;
pub mod ledger;
pub mod receipt;
pub mod stored;

pub use choices::{Choice, Choices, Method};
pub use config::{
    Cap, Channel, Config, ConfigError, DemographicTargeting, Duration, Purpose, Signal, SignalKind,
    Text,
};
pub use decide::{decide, Context, Decision, Reason, Request};
pub use engine::{Engine, Preferences, Report};
pub use ledger::Ledger;
pub use receipt::Receipt;
