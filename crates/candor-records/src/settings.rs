//! The service's own configuration: a TOML file (see `records.example.toml`
//! beside the crate's manifest), with `DATABASE_URL` from the environment
//! taking precedence over `database_url`.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;

/// Everything the service needs to run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on; loopback by default.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// `sqlite://path/to/file.db` (the default, created if missing) or
    /// `postgres://user@host:port/db`. `DATABASE_URL` overrides it.
    #[serde(default = "default_database_url")]
    pub database_url: String,
    /// Origins (`scheme://host[:port]`) whose pages may post receipts,
    /// compared exactly with the request's `Origin` header.
    pub allowed_origins: Vec<String>,
    /// Bearer token for reading, exporting and the dashboard (at least 16
    /// characters).
    pub token: String,
    /// Key of the keyed hash (HMAC-SHA-256) of the client's IP address kept
    /// with each receipt. Without it no trace of the address is kept.
    #[serde(default)]
    pub ip_hash_key: Option<String>,
    /// Receipts received longer ago than this many days are purged.
    #[serde(default = "default_retention_days")]
    pub retention_days: u32,
    /// How often the purge runs, in seconds.
    #[serde(default = "default_purge_interval")]
    pub purge_interval_seconds: u64,
    /// Largest request body accepted at `POST /receipts`, in bytes.
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// Receipts per client and minute, sustained.
    #[serde(default = "default_rate_per_minute")]
    pub rate_per_minute: u32,
    /// Receipts a client may send at once before the sustained rate applies.
    #[serde(default = "default_rate_burst")]
    pub rate_burst: u32,
    /// Peers whose `X-Forwarded-For` is believed (the shop's reverse proxy):
    /// for them the client is the right-most address in that header that is
    /// not itself a trusted proxy.
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
    /// The shop's Candor config files, read at start-up; every revision
    /// seen is stored in the database and kept.
    #[serde(default)]
    pub site_configs: Vec<PathBuf>,
    /// The shop's config URL (`http://` only), fetched at start-up, every
    /// `config_refresh_seconds`, and when a receipt names a revision not
    /// seen yet (at most once a minute).
    #[serde(default)]
    pub config_url: Option<String>,
    /// How often `config_url` is fetched, in seconds.
    #[serde(default = "default_config_refresh")]
    pub config_refresh_seconds: u64,
    /// Chart.js's `chart.umd.min.js`, served to the dashboard. By default
    /// the copy npm installs next to this crate's `package.json`.
    #[serde(default = "default_chart_js")]
    pub chart_js: PathBuf,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8090))
}
fn default_database_url() -> String {
    "sqlite://candor-records.db".into()
}
fn default_retention_days() -> u32 {
    // Three years: long enough to answer a complaint about a past choice.
    1095
}
fn default_purge_interval() -> u64 {
    3600
}
fn default_max_body_bytes() -> usize {
    64 * 1024
}
fn default_rate_per_minute() -> u32 {
    60
}
fn default_rate_burst() -> u32 {
    30
}
fn default_config_refresh() -> u64 {
    600
}
fn default_chart_js() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/chart.js/dist/chart.umd.min.js")
}

impl Settings {
    /// Reads a settings file; relative paths in it are taken from the
    /// file's folder, and `DATABASE_URL` overrides `database_url`.
    pub fn load(path: &Path) -> Result<Settings, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(format!("reading {}: {e}", path.display())))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut settings = Settings::from_toml(&text, dir)
            .map_err(|e| Error::new(format!("{}: {e}", path.display())))?;
        if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            settings.database_url = url;
        }
        Ok(settings)
    }

    /// Parses settings from TOML text; relative paths are taken from `dir`.
    pub fn from_toml(text: &str, dir: &Path) -> Result<Settings, Error> {
        let mut s: Settings = toml::from_str(text).map_err(|e| Error::new(e.to_string()))?;
        for file in &mut s.site_configs {
            if file.is_relative() {
                *file = dir.join(&*file);
            }
        }
        if s.chart_js.is_relative() {
            s.chart_js = dir.join(&s.chart_js);
        }
        if let Some(rest) = s.database_url.strip_prefix("sqlite://") {
            let file = Path::new(rest.split('?').next().unwrap_or(rest));
            if !rest.is_empty() && file.is_relative() && !rest.starts_with(':') {
                s.database_url = format!("sqlite://{}", dir.join(rest).display());
            }
        }
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), Error> {
        if self.token.chars().count() < 16 {
            return Err(Error::new("token: use at least 16 characters"));
        }
        if self.allowed_origins.is_empty() {
            return Err(Error::new(
                "allowed_origins: name at least one origin, e.g. \"https://shop.example\"",
            ));
        }
        for origin in &self.allowed_origins {
            let ok = (origin.starts_with("http://") || origin.starts_with("https://"))
                && !origin.ends_with('/')
                && origin.matches('/').count() == 2;
            if !ok {
                return Err(Error::new(format!(
                    "allowed_origins: {origin:?} is not an origin (scheme://host[:port], no path)"
                )));
            }
        }
        if self.ip_hash_key.as_ref().is_some_and(|k| k.len() < 16) {
            return Err(Error::new("ip_hash_key: use at least 16 characters"));
        }
        if self.retention_days == 0 {
            return Err(Error::new("retention_days: must be at least 1"));
        }
        if self.rate_per_minute == 0 || self.rate_burst == 0 {
            return Err(Error::new(
                "rate_per_minute and rate_burst: must be at least 1",
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(Error::new("max_body_bytes: must be at least 1024"));
        }
        if self.site_configs.is_empty() && self.config_url.is_none() {
            return Err(Error::new(
                "give the shop's Candor config: site_configs (files) and/or config_url",
            ));
        }
        if let Some(url) = &self.config_url {
            if !url.starts_with("http://") {
                return Err(Error::new(format!(
                    "config_url: {url:?}: only http:// URLs are fetched (give an https config as a file in site_configs)"
                )));
            }
        }
        if self.purge_interval_seconds == 0 || self.config_refresh_seconds == 0 {
            return Err(Error::new(
                "purge_interval_seconds and config_refresh_seconds: must be at least 1",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        allowed_origins = ["http://127.0.0.1:8080"]
        token = "0123456789abcdef"
        site_configs = ["candor.json"]
    "#;

    #[test]
    fn defaults_and_relative_paths() {
        let s = Settings::from_toml(MINIMAL, Path::new("/srv/shop")).unwrap();
        assert_eq!(s.listen, default_listen());
        assert_eq!(s.database_url, "sqlite:///srv/shop/candor-records.db");
        assert_eq!(s.site_configs, [PathBuf::from("/srv/shop/candor.json")]);
        assert_eq!(s.retention_days, 1095);
        assert!(s.ip_hash_key.is_none());
    }

    #[test]
    fn the_example_file_reads() {
        let text = include_str!("../records.example.toml");
        let s = Settings::from_toml(text, Path::new("/srv/shop")).unwrap();
        assert_eq!(s.allowed_origins.len(), 2);
        assert_eq!(s.site_configs, [PathBuf::from("/srv/shop/candor.json")]);
    }

    #[test]
    fn mistakes_are_named() {
        let cases = [
            (MINIMAL.replace("0123456789abcdef", "short"), "token"),
            (
                MINIMAL.replace("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
                "allowed_origins",
            ),
            (format!("{MINIMAL}\nretention_days = 0"), "retention_days"),
            (format!("{MINIMAL}\ncolour = 1"), "unknown field `colour`"),
            (
                format!("{MINIMAL}\nconfig_url = \"https://shop.example/candor.json\""),
                "config_url",
            ),
        ];
        for (text, want) in cases {
            let e = Settings::from_toml(&text, Path::new("/")).unwrap_err();
            assert!(e.to_string().contains(want), "{e} / {want}");
        }
    }
}
