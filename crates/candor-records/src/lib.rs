//! `candor-records`: keeps Candor's proof-of-consent receipts on the shop's
//! side.
//!
//! The widget sends a receipt (`Receipt::to_json`) to the config's
//! `receiptEndpoint` after every recorded choice. This service receives
//! them at `POST /receipts` from the shop's own origins only, bounded in
//! size and rate-limited per client, reads them with candor-core's strict
//! [`Receipt::from_json`](candor_core::Receipt::from_json), checks their
//! texts hash against the revision of the shop's config they name
//! ([`check`]), and stores them append-only ([`db`]) in SQLite or
//! PostgreSQL. Behind a bearer token it answers `GET
//! /receipts?consentId=…`, exports a time range as NDJSON or CSV, and shows
//! a dashboard; a background task purges receipts past the retention
//! period. The HTTP surface is in [`server`]; `docs/records.md` has the
//! figures.
//!
//! ```no_run
//! # async fn run() -> Result<(), candor_records::Error> {
//! let settings = candor_records::Settings::load(std::path::Path::new("records.toml"))?;
//! let service = candor_records::start(settings).await?;
//! println!("listening on http://{}", service.addr());
//! service.run_until(async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

pub mod check;
pub mod db;
pub mod fetch;
pub mod server;
pub mod settings;
pub mod simulate;
pub mod time;

pub use server::{start, Service};
pub use settings::Settings;

/// Lowercase hex SHA-256 of `bytes` (receipts' and config documents' keys).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An error for the person running the service: one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Error {
        Error(message.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Error {
        Error(format!("database: {e}"))
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Error {
        Error(format!("database migration: {e}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error(e.to_string())
    }
}
