//! The guard: a click records a consent choice only when the shopper could
//! see what they clicked. Page CSS cannot restyle the widget's colours (they
//! are `!important` custom properties of its shadow root), but `::part()`
//! rules, filters on ancestors, overlays and untrusted events are checked
//! here, at the moment of the click, on what the browser computed:
//!
//! - the event is trusted (not `el.click()` or `dispatchEvent` from a
//!   script);
//! - the control is the topmost element at the click point (at its centre
//!   for a keyboard activation);
//! - it is visible, in the viewport, at least 24 × 24 px, with a font of at
//!   least 9 px, nearly opaque (every ancestor's opacity multiplied), with
//!   no filter, blend mode, mask or clip on the way up;
//! - its text has a WCAG AA contrast (4.5:1) with its actual background
//!   (every ancestor's background laid over the next).
//!
//! Anything else is ignored, with one console warning, and the widget
//! falls back to its own look.

use candor_core::theme::{contrast, Rgb, AA_TEXT};

/// What `js/dom.js`'s `inspect` measured, in its order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Seen {
    pub(crate) trusted: bool,
    pub(crate) topmost: bool,
    /// Text colour and its alpha.
    pub(crate) text: (f64, f64, f64, f64),
    /// The background behind the text, opaque.
    pub(crate) background: (f64, f64, f64),
    pub(crate) opacity: f64,
    pub(crate) font_px: f64,
    pub(crate) visible: bool,
    pub(crate) width: f64,
    pub(crate) height: f64,
    /// Filters, blend modes, masks and clips on the way up.
    pub(crate) effects: f64,
}

impl Seen {
    /// Read `inspect`'s numbers; `None` when they are not 15 numbers.
    pub(crate) fn from_numbers(n: &[f64]) -> Option<Seen> {
        let [trusted, topmost, r, g, b, a, br, bg, bb, opacity, font, visible, w, h, effects] =
            <[f64; 15]>::try_from(n).ok()?;
        Some(Seen {
            trusted: trusted == 1.0,
            topmost: topmost == 1.0,
            text: (r, g, b, a),
            background: (br, bg, bb),
            opacity,
            font_px: font,
            visible: visible == 1.0,
            width: w,
            height: h,
            effects,
        })
    }
}

/// Smallest opacity accepted (every ancestor's multiplied).
const MIN_OPACITY: f64 = 0.9;
/// Smallest font accepted, px.
const MIN_FONT_PX: f64 = 9.0;
/// Smallest control accepted, px.
const MIN_SIZE_PX: f64 = 24.0;

/// `v >= min`; false for NaN, so that a value that is not a number fails.
fn at_least(v: f64, min: f64) -> bool {
    v >= min
}

fn byte(v: f64) -> u8 {
    // `as` saturates (and maps NaN to 0).
    (v + 0.5) as u8
}

/// Why a click must not count, or `Ok` when it may.
pub(crate) fn verdict(s: &Seen) -> Result<(), &'static str> {
    if !s.trusted {
        return Err("the click did not come from the shopper");
    }
    if !s.topmost {
        return Err("something covered the button");
    }
    if !(s.visible && at_least(s.width, MIN_SIZE_PX) && at_least(s.height, MIN_SIZE_PX)) {
        return Err("the button was hidden, too small or out of view");
    }
    if !at_least(s.opacity, MIN_OPACITY) || s.effects != 0.0 {
        return Err("the button was faded, filtered or clipped");
    }
    if !at_least(s.font_px, MIN_FONT_PX) {
        return Err("the button's text was too small");
    }
    let (r, g, b, a) = s.text;
    let background = Rgb(
        byte(s.background.0),
        byte(s.background.1),
        byte(s.background.2),
    );
    // The text as seen: its colour laid over the background by its alpha.
    let text = Rgb(byte(r), byte(g), byte(b)).over(background, a);
    if !at_least(contrast(text, background), AA_TEXT) {
        return Err("the button's text did not stand out from its background");
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn good() -> Seen {
        Seen {
            trusted: true,
            topmost: true,
            text: (255.0, 255.0, 255.0, 1.0),
            background: (29.0, 78.0, 216.0),
            opacity: 1.0,
            font_px: 16.0,
            visible: true,
            width: 128.0,
            height: 44.0,
            effects: 0.0,
        }
    }

    #[test]
    fn the_default_look_passes() {
        assert_eq!(verdict(&good()), Ok(()));
        let numbers = [
            1.0, 1.0, 255.0, 255.0, 255.0, 1.0, 29.0, 78.0, 216.0, 1.0, 16.0, 1.0, 128.0, 44.0, 0.0,
        ];
        assert_eq!(Seen::from_numbers(&numbers), Some(good()));
        assert_eq!(Seen::from_numbers(&numbers[..3]), None);
    }

    #[test]
    fn each_way_of_hiding_is_refused() {
        type Spoil = fn(&mut Seen);
        let cases: [(&str, Spoil); 10] = [
            ("untrusted", |s| s.trusted = false),
            ("covered", |s| s.topmost = false),
            ("hidden", |s| s.visible = false),
            ("tiny", |s| s.width = 3.0),
            ("faded", |s| s.opacity = 0.2),
            ("filtered", |s| s.effects = 1.0),
            ("small text", |s| s.font_px = 0.0),
            ("transparent text", |s| s.text.3 = 0.0),
            ("same colour", |s| s.text = (29.0, 78.0, 216.0, 1.0)),
            ("not a number", |s| s.opacity = f64::NAN),
        ];
        for (name, spoil) in cases {
            let mut s = good();
            spoil(&mut s);
            assert!(verdict(&s).is_err(), "{name}");
        }
    }

    proptest! {
        /// Against a naive reference: a click counts exactly when every
        /// condition holds, whatever the numbers.
        #[test]
        fn agrees_with_the_rules(
            trusted in any::<bool>(), topmost in any::<bool>(), visible in any::<bool>(),
            text in (0u8.., 0u8.., 0u8.., 0.0..=1.0f64),
            bg in (0u8.., 0u8.., 0u8..),
            opacity in 0.0..=1.0f64, font in 0.0..40.0f64, w in 0.0..300.0f64, h in 0.0..100.0f64,
            effects in 0u8..3,
        ) {
            let s = Seen {
                trusted, topmost, visible,
                text: (f64::from(text.0), f64::from(text.1), f64::from(text.2), text.3),
                background: (f64::from(bg.0), f64::from(bg.1), f64::from(bg.2)),
                opacity, font_px: font, width: w, height: h, effects: f64::from(effects),
            };
            let background = Rgb(bg.0, bg.1, bg.2);
            let shown = Rgb(text.0, text.1, text.2).over(background, text.3);
            let legible = contrast(shown, background) >= 4.5;
            let want = trusted && topmost && visible && w >= 24.0 && h >= 24.0
                && opacity >= 0.9 && effects == 0 && font >= 9.0 && legible;
            prop_assert_eq!(verdict(&s).is_ok(), want);
        }
    }
}
