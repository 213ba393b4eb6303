//! Web storage with an in-memory fallback.
//!
//! Persistent choices and the frequency ledger live in `localStorage`, session
//! grants and the session id in `sessionStorage`, both reached through
//! gloo-storage's raw handles (after a web-sys probe: `raw()` throws when
//! storage is blocked). Storage can be blocked (it throws in some
//! private modes and sandboxed iframes), full (`setItem` throws) or hold
//! garbage; none of that may break the page. Whatever cannot be read or
//! written is kept in memory for this page, and the console is warned once.
//!
//! Storage can also recover (quota freed, a setting changed, a flaky
//! extension gone): every write tries the storage again (a storage that was
//! missing is probed again), and a write that succeeds drops the in-memory
//! copy, so the next change after a recovery persists the whole record.

use std::cell::{Cell, RefCell};

use candor_core::SortedMap;

/// `localStorage` key of the persistent choices.
pub(crate) const CHOICES: &str = "candor";
/// `localStorage` key of the frequency ledger.
pub(crate) const LEDGER: &str = "candor.ledger";
/// `sessionStorage` key of the browser-session id.
pub(crate) const SESSION: &str = "candor.session";
/// `sessionStorage` key of the session grants.
pub(crate) const GRANTS: &str = "candor.grants";

/// Which of the two web storages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Area {
    /// `localStorage`.
    Local,
    /// `sessionStorage`.
    Session,
}

/// Both storages, each possibly unavailable, plus the values kept in memory
/// when a storage could not take them.
#[derive(Debug)]
pub(crate) struct Store {
    local: RefCell<Option<web_sys::Storage>>,
    session: RefCell<Option<web_sys::Storage>>,
    /// Values that could not be written (or whose storage is missing):
    /// `None` means "removed". They shadow the storage for this page.
    memory: RefCell<SortedMap<(Area, &'static str), Option<String>>>,
    warned: Cell<bool>,
}

impl Store {
    /// Open both storages. A blocked storage is probed without throwing and
    /// replaced by memory (with one console warning).
    pub(crate) fn open() -> Store {
        let store = Store {
            local: RefCell::new(probe(Area::Local)),
            session: RefCell::new(probe(Area::Session)),
            memory: RefCell::new(SortedMap::new()),
            warned: Cell::new(false),
        };
        if store.storage(Area::Local).is_none() || store.storage(Area::Session).is_none() {
            store.warn();
        }
        store
    }

    /// The storage, probed again if it was missing (it may have recovered).
    fn storage(&self, area: Area) -> Option<web_sys::Storage> {
        let slot = match area {
            Area::Local => &self.local,
            Area::Session => &self.session,
        };
        if let Some(storage) = slot.try_borrow().ok()?.as_ref() {
            return Some(storage.clone());
        }
        let storage = probe(area)?;
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(storage.clone());
        }
        Some(storage)
    }

    /// Read a value: what memory holds for it if a write failed, else the
    /// storage's value. A read that throws counts as absent (fail closed).
    pub(crate) fn get(&self, area: Area, key: &'static str) -> Option<String> {
        if let Ok(memory) = self.memory.try_borrow() {
            if let Some(value) = memory.get(&(area, key)) {
                return value.clone();
            }
        }
        match self.storage(area).map(|s| s.get_item(key)) {
            Some(Ok(value)) => value,
            Some(Err(_)) => {
                self.warn();
                None
            }
            None => None,
        }
    }

    /// Write (`Some`) or remove (`None`) a value. If the storage refuses, the
    /// value is kept in memory for this page and the console is warned once.
    pub(crate) fn set(&self, area: Area, key: &'static str, value: Option<&str>) {
        let written = match (self.storage(area), value) {
            (Some(s), Some(v)) => s.set_item(key, v).is_ok(),
            (Some(s), None) => s.remove_item(key).is_ok(),
            (None, _) => false,
        };
        if let Ok(mut memory) = self.memory.try_borrow_mut() {
            if written {
                memory.remove(&(area, key));
            } else {
                memory.insert((area, key), value.map(str::to_owned));
            }
        }
        if !written {
            self.warn();
        }
    }

    /// Warn once per page that choices are kept in memory only.
    pub(crate) fn warn(&self) {
        if !self.warned.replace(true) {
            web_sys::console::warn_1(
                &"Candor: browser storage is unavailable, full or unreadable; \
                  privacy choices are kept for this page only."
                    .into(),
            );
        }
    }
}

/// `window.localStorage` / `window.sessionStorage`, or `None` where reading
/// it throws (blocked storage) or it is missing.
///
/// gloo-storage's `raw()` throws when storage is blocked, so the storage is
/// probed through web-sys first and gloo's handle is taken only once the
/// probe says it is there.
fn probe(area: Area) -> Option<web_sys::Storage> {
    use gloo_storage::Storage as _;
    let window = web_sys::window()?;
    match area {
        Area::Local => {
            window.local_storage().ok().flatten()?;
            Some(gloo_storage::LocalStorage::raw())
        }
        Area::Session => {
            window.session_storage().ok().flatten()?;
            Some(gloo_storage::SessionStorage::raw())
        }
    }
}
