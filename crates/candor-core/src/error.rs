//! The error every reader of outside input returns: the config, the
//! language files, the receipts. A leaf module.

/// A rejection of outside input: `path: message`, e.g.
/// `purposes[2].signals[1]: unknown signal "shoe-size"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Field path, e.g. `purposes[2].signals[1]` (empty for the whole document).
    pub path: String,
    /// What is wrong, naming the offending value.
    pub message: String,
}

impl ConfigError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            path: path.into(),
            message: message.into(),
        }
    }

    /// `path: message` (or the message alone), as [`Display`](std::fmt::Display)
    /// writes it, without `core::fmt` (for the wasm build).
    pub fn to_text(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            [self.path.as_str(), ": ", &self.message].concat()
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl std::error::Error for ConfigError {}
