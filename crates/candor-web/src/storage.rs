//! Web storage, failing closed.
//!
//! Persistent choices and the frequency ledger live in `localStorage`,
//! session grants and the session id in `sessionStorage`. Storage can be
//! blocked (it throws in some private modes and sandboxed iframes), full
//! (`setItem` throws), or hold garbage; none of that may break the page,
//! and none of it may bring an old grant back:
//!
//! - a value that cannot be written is **removed** instead (removing never
//!   needs quota), so the worst case after a failed write is "no choice"
//!   and the banner again, never the record before the change;
//! - this page keeps the value in memory, which shadows the storage for its
//!   reads, and warns once on the console;
//! - every write tries the storage again, so the next change after a
//!   recovery persists the whole record.
//!
//! The calls go through `js/dom.js`'s captured `Storage` methods rather
//! than gloo-storage: gloo's calls throw into the wasm when the browser
//! does (`expect_throw`), and its error conversion panics on a thrown value
//! that is not an `Error`; see `docs/size.md` for that choice.

use std::cell::{Cell, RefCell};

use crate::js;

/// `localStorage` key of the persistent choices.
pub(crate) const CHOICES: &str = "candor";
/// `localStorage` key of the frequency ledger.
pub(crate) const LEDGER: &str = "candor.ledger";
/// `sessionStorage` key of the browser-session id.
pub(crate) const SESSION: &str = "candor.session";
/// `sessionStorage` key of the session grants.
pub(crate) const GRANTS: &str = "candor.grants";

/// Which of the two web storages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Area {
    /// `localStorage`.
    Local,
    /// `sessionStorage`.
    Session,
}

impl Area {
    fn name(self) -> &'static str {
        match self {
            Area::Local => "local",
            Area::Session => "session",
        }
    }
}

/// How a write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    /// Stored.
    Stored,
    /// Could not be stored; the key was removed instead (or could not even
    /// be removed): the value lives in this page's memory only.
    InMemory,
}

/// A value this page could not store, by (area, key); `None`: removed.
type Remembered = ((Area, &'static str), Option<String>);

/// The two storages and what this page keeps in memory for them.
#[derive(Debug, Default)]
pub(crate) struct Storage {
    /// (area, key) → value this page could not store (`None`: removed).
    memory: RefCell<Vec<Remembered>>,
    warned: Cell<bool>,
}

impl Storage {
    /// Read a value: this page's memory for it if a write failed, else the
    /// storage's value. A read that throws counts as absent (fail closed).
    pub(crate) fn get(&self, area: Area, key: &'static str) -> Option<String> {
        if let Some(value) = self.remembered(area, key) {
            return value;
        }
        match js::storage_get(area.name(), key) {
            Ok(value) => value,
            Err(_) => {
                self.warn();
                None
            }
        }
    }

    fn remembered(&self, area: Area, key: &'static str) -> Option<Option<String>> {
        let memory = self.memory.try_borrow().ok()?;
        memory
            .iter()
            .find(|(k, _)| *k == (area, key))
            .map(|(_, v)| v.clone())
    }

    fn remember(&self, area: Area, key: &'static str, value: Option<Option<&str>>) {
        if let Ok(mut memory) = self.memory.try_borrow_mut() {
            memory.retain(|(k, _)| *k != (area, key));
            if let Some(value) = value {
                memory.push(((area, key), value.map(str::to_owned)));
            }
        }
    }

    /// Write (`Some`) or remove (`None`) a value. If the storage refuses a
    /// write, the key is removed so that no older value survives, and the
    /// value is kept in memory for this page.
    pub(crate) fn set(&self, area: Area, key: &'static str, value: Option<&str>) -> Written {
        let stored = match value {
            Some(v) => js::storage_set(area.name(), key, v).is_ok(),
            None => js::storage_remove(area.name(), key).is_ok(),
        };
        if stored {
            self.remember(area, key, None);
            return Written::Stored;
        }
        // Never leave the old value behind: a withdrawal that cannot be
        // written must not let the grant it withdrew come back.
        let _ = js::storage_remove(area.name(), key);
        self.remember(area, key, Some(value));
        self.warn();
        Written::InMemory
    }

    /// Forget what this page keeps in memory for `key` and read the
    /// storage again (another tab wrote it).
    pub(crate) fn refresh(&self, area: Area, key: &'static str) -> Option<String> {
        self.remember(area, key, None);
        self.get(area, key)
    }

    /// Warn once per page that choices are kept in memory only.
    pub(crate) fn warn(&self) {
        if !self.warned.replace(true) {
            js::warn_once(
                "Candor: browser storage is unavailable, full or unreadable; \
                 privacy choices are kept for this page only, and nothing \
                 stored before is trusted over them.",
            );
        }
    }
}
