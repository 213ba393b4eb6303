//! The stylesheet: `style.css` (minified at compile time by [`css`]) after
//! a `:host` block with the theme's colours, radius and font, for the
//! colour scheme shown. Every custom property there is `!important`: for
//! important declarations the shadow tree wins over the page, so page CSS
//! such as `#candor { --bg: transparent }` cannot reach inside. Sites theme
//! through the config's validated `theme` instead.

use candor_core::theme::{Palette, Theme};

use super::css;

/// The stylesheet for `theme` in the dark (`true`) or light scheme; the
/// safe look ignores the site's theme.
pub(crate) fn sheet(theme: &Theme, dark: bool, safe: bool) -> String {
    let default = Theme::default();
    let theme = if safe { &default } else { theme };
    let p: &Palette = if dark { &theme.dark } else { &theme.light };
    let mut out = String::with_capacity(css::CSS.len() + 512);
    out.push_str(":host{");
    for (name, value) in [
        ("--bg", p.background.hex()),
        ("--fg", p.text.hex()),
        ("--muted", p.muted.hex()),
        ("--line", p.line.hex()),
        ("--btn", p.accent.hex()),
        ("--btn-fg", p.on_accent.hex()),
        ("--focus", p.accent.hex()),
        (
            "--radius",
            [&candor_core::text::u64_text(u64::from(theme.radius)), "px"].concat(),
        ),
        (
            "color-scheme",
            (if dark { "dark" } else { "light" }).to_owned(),
        ),
    ] {
        out.push_str(name);
        out.push(':');
        out.push_str(&value);
        out.push_str("!important;");
    }
    if let Some(font) = &theme.font_family {
        out.push_str("--font:");
        out.push_str(font);
        out.push_str("!important;");
    }
    out.push('}');
    out.push_str(css::CSS);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn every_custom_property_is_important() {
        let s = sheet(&Theme::default(), false, false);
        let host = s.split('}').next().unwrap_or_default();
        for decl in host
            .trim_start_matches(":host{")
            .split(';')
            .filter(|d| !d.is_empty())
        {
            assert!(decl.ends_with("!important"), "{decl}");
        }
        assert!(s.contains("--bg:#ffffff!important"));
        assert!(sheet(&Theme::default(), true, false).contains("--bg:#1d2129!important"));
    }
}
