//! The cookies a purpose lists (names, or prefixes ending in `*`) are
//! deleted whenever it is not allowed: on `path=/` for the current host and
//! each parent domain.

use std::rc::Rc;

use super::Committed;
use crate::control::Inner;
use crate::js::{self, JsResult};

/// `pattern` is a name, or a prefix ending in `*`.
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// Delete the cookies of every purpose that is not allowed.
pub(crate) fn clear(_: &Rc<Inner>, c: &Committed) -> JsResult<()> {
    if c.cookies.is_empty() {
        return Ok(());
    }
    for name in js::strings(&js::cookie_names()?) {
        if c.cookies.iter().any(|p| matches(p, &name)) {
            js::expire_cookie(&name)?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    #[test]
    fn cookie_patterns() {
        assert!(super::matches("_ga", "_ga"));
        assert!(!super::matches("_ga", "_gat"));
        assert!(super::matches("_ga*", "_ga_XYZ"));
        assert!(super::matches("*", "anything"));
    }
}
