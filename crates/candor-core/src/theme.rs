//! The widget's look, as a site may set it: colours that always keep the
//! shopper's texts readable, a corner radius, a font, and which colour
//! scheme to follow.
//!
//! ```json
//! "theme": {
//!   "colorScheme": "page",
//!   "accent": "#1f7a4d", "text": "#1c1f24", "background": "#ffffff",
//!   "dark": { "accent": "#7fd1a4", "text": "#eef0f3", "background": "#1d2129" },
//!   "radius": 8, "fontFamily": "inherit"
//! }
//! ```
//!
//! - `colorScheme`: `"page"` (default) follows the page's own
//!   `color-scheme` (a light-only page gets the light look, whatever the
//!   OS prefers; a page that supports both follows the OS), `"light"` or
//!   `"dark"` fix it.
//! - `accent` (buttons, links, focus ring, checkboxes), `text`,
//!   `background`: `#rgb` or `#rrggbb`, for the light scheme; `dark` holds
//!   the same three for the dark scheme. Each defaults to Candor's own look,
//!   except the dark accent when only the light one is given: then it is
//!   the site's accent itself, lightened in steps of 10% towards white
//!   until it passes the checks below on the dark background (so a green
//!   shop stays green in the dark), and Candor's own only if none does.
//! - The button label colour is derived (white or near-black, whichever
//!   reads better on the accent), and so are the muted text and the lines.
//! - A palette is refused, with the field named, when any text would fall
//!   below WCAG AA contrast: text on background below 4.5:1, the button
//!   label on the accent below 4.5:1, the muted text below 4.5:1, or the
//!   accent (links, focus ring, checkboxes) on the background below 3:1.
//! - `radius`: corner radius in CSS pixels, 0 to 24 (default 12).
//! - `fontFamily`: a CSS font-family list (letters, digits, spaces, commas,
//!   quotes, hyphens; at most 200 characters), or `"inherit"` for the
//!   page's font. Default: the system font.

use crate::error::ConfigError;
use crate::text::quote;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Which colour scheme the widget shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorScheme {
    /// The page's own `color-scheme`, then the OS preference where the page
    /// supports both.
    #[default]
    Page,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// One scheme's colours, checked and completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Buttons, links, focus ring, checkboxes.
    pub accent: Rgb,
    /// Text.
    pub text: Rgb,
    /// Background.
    pub background: Rgb,
    /// Button labels on the accent (derived).
    pub on_accent: Rgb,
    /// Secondary text (derived, still at AA contrast).
    pub muted: Rgb,
    /// Borders and separators (derived).
    pub line: Rgb,
}

/// The widget's look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Which scheme to show.
    pub color_scheme: ColorScheme,
    /// The light scheme's colours.
    pub light: Palette,
    /// The dark scheme's colours.
    pub dark: Palette,
    /// Corner radius, CSS pixels.
    pub radius: u32,
    /// A CSS font-family list; `None`: the system font.
    pub font_family: Option<String>,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            color_scheme: ColorScheme::Page,
            light: DEFAULT_LIGHT,
            dark: DEFAULT_DARK,
            radius: DEFAULT_RADIUS,
            font_family: None,
        }
    }
}

/// Largest `radius`.
pub const MAX_RADIUS: u32 = 24;
const DEFAULT_RADIUS: u32 = 12;
const WHITE: Rgb = Rgb(255, 255, 255);
const INK: Rgb = Rgb(0x0b, 0x12, 0x20);

/// Candor's own light look.
pub const DEFAULT_LIGHT: Palette = Palette {
    accent: Rgb(0x1d, 0x4e, 0xd8),
    text: Rgb(0x1c, 0x1f, 0x24),
    background: WHITE,
    on_accent: WHITE,
    muted: Rgb(0x4a, 0x51, 0x5c),
    line: Rgb(0xd5, 0xd9, 0xe0),
};

/// Candor's own dark look.
pub const DEFAULT_DARK: Palette = Palette {
    accent: Rgb(0x93, 0xb4, 0xfd),
    text: Rgb(0xee, 0xf0, 0xf3),
    background: Rgb(0x1d, 0x21, 0x29),
    on_accent: INK,
    muted: Rgb(0xb9, 0xc0, 0xcb),
    line: Rgb(0x3a, 0x41, 0x4d),
};

/// WCAG AA contrast for text.
pub const AA_TEXT: f64 = 4.5;
/// WCAG AA contrast for user-interface components (focus ring, checkbox).
pub const AA_UI: f64 = 3.0;

/// sRGB channel value → linear light, for every 8-bit value (WCAG 2's
/// relative luminance). A table rather than `powf`, which would link a
/// `pow` implementation into the wasm. Seven decimals, as computed in f64.
#[allow(clippy::excessive_precision)]
const LINEAR: [f32; 256] = [
    0.0000000, 0.0003035, 0.0006071, 0.0009106, 0.0012141, 0.0015176, 0.0018212, 0.0021247,
    0.0024282, 0.0027317, 0.0030353, 0.0033465, 0.0036765, 0.0040247, 0.0043914, 0.0047770,
    0.0051815, 0.0056054, 0.0060488, 0.0065121, 0.0069954, 0.0074990, 0.0080232, 0.0085681,
    0.0091341, 0.0097212, 0.0103298, 0.0109601, 0.0116122, 0.0122865, 0.0129830, 0.0137021,
    0.0144438, 0.0152085, 0.0159963, 0.0168074, 0.0176420, 0.0185002, 0.0193824, 0.0202886,
    0.0212190, 0.0221739, 0.0231534, 0.0241576, 0.0251869, 0.0262412, 0.0273209, 0.0284260,
    0.0295568, 0.0307134, 0.0318960, 0.0331048, 0.0343398, 0.0356013, 0.0368895, 0.0382044,
    0.0395462, 0.0409152, 0.0423114, 0.0437350, 0.0451862, 0.0466651, 0.0481718, 0.0497066,
    0.0512695, 0.0528606, 0.0544803, 0.0561285, 0.0578054, 0.0595112, 0.0612461, 0.0630100,
    0.0648033, 0.0666259, 0.0684782, 0.0703601, 0.0722719, 0.0742136, 0.0761854, 0.0781874,
    0.0802198, 0.0822827, 0.0843762, 0.0865005, 0.0886556, 0.0908417, 0.0930590, 0.0953075,
    0.0975873, 0.0998987, 0.1022417, 0.1046165, 0.1070231, 0.1094617, 0.1119324, 0.1144354,
    0.1169707, 0.1195384, 0.1221388, 0.1247718, 0.1274377, 0.1301365, 0.1328683, 0.1356333,
    0.1384316, 0.1412633, 0.1441285, 0.1470273, 0.1499598, 0.1529262, 0.1559265, 0.1589608,
    0.1620294, 0.1651322, 0.1682694, 0.1714411, 0.1746474, 0.1778884, 0.1811642, 0.1844750,
    0.1878208, 0.1912017, 0.1946178, 0.1980693, 0.2015563, 0.2050787, 0.2086369, 0.2122308,
    0.2158605, 0.2195262, 0.2232280, 0.2269659, 0.2307400, 0.2345506, 0.2383976, 0.2422811,
    0.2462013, 0.2501583, 0.2541521, 0.2581829, 0.2622507, 0.2663556, 0.2704978, 0.2746773,
    0.2788943, 0.2831487, 0.2874408, 0.2917706, 0.2961383, 0.3005438, 0.3049873, 0.3094689,
    0.3139887, 0.3185468, 0.3231432, 0.3277781, 0.3324515, 0.3371636, 0.3419144, 0.3467041,
    0.3515326, 0.3564001, 0.3613068, 0.3662526, 0.3712377, 0.3762621, 0.3813260, 0.3864294,
    0.3915725, 0.3967552, 0.4019778, 0.4072402, 0.4125426, 0.4178851, 0.4232677, 0.4286905,
    0.4341536, 0.4396572, 0.4452012, 0.4507858, 0.4564110, 0.4620770, 0.4677838, 0.4735315,
    0.4793202, 0.4851499, 0.4910208, 0.4969330, 0.5028865, 0.5088813, 0.5149177, 0.5209956,
    0.5271151, 0.5332764, 0.5394795, 0.5457245, 0.5520114, 0.5583404, 0.5647115, 0.5711248,
    0.5775804, 0.5840784, 0.5906188, 0.5972018, 0.6038273, 0.6104956, 0.6172066, 0.6239604,
    0.6307571, 0.6375969, 0.6444797, 0.6514056, 0.6583748, 0.6653873, 0.6724432, 0.6795425,
    0.6866853, 0.6938718, 0.7011019, 0.7083758, 0.7156935, 0.7230551, 0.7304607, 0.7379104,
    0.7454042, 0.7529422, 0.7605245, 0.7681511, 0.7758222, 0.7835378, 0.7912979, 0.7991027,
    0.8069523, 0.8148466, 0.8227858, 0.8307699, 0.8387990, 0.8468732, 0.8549926, 0.8631572,
    0.8713671, 0.8796224, 0.8879231, 0.8962694, 0.9046612, 0.9130987, 0.9215819, 0.9301109,
    0.9386857, 0.9473065, 0.9559734, 0.9646862, 0.9734453, 0.9822506, 0.9911021, 1.0000000,
];

impl Rgb {
    /// Parse `#rgb` or `#rrggbb` (either case).
    ///
    /// ```
    /// use candor_core::theme::Rgb;
    /// assert_eq!(Rgb::parse("#1F7a4d"), Some(Rgb(0x1f, 0x7a, 0x4d)));
    /// assert_eq!(Rgb::parse("#fff"), Some(Rgb(255, 255, 255)));
    /// assert_eq!(Rgb::parse("red"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.strip_prefix('#')?;
        let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
        let b = hex.as_bytes();
        match b {
            [r, g, bl] => Some(Rgb(digit(*r)? * 17, digit(*g)? * 17, digit(*bl)? * 17)),
            [r1, r2, g1, g2, b1, b2] => Some(Rgb(
                digit(*r1)? * 16 + digit(*r2)?,
                digit(*g1)? * 16 + digit(*g2)?,
                digit(*b1)? * 16 + digit(*b2)?,
            )),
            _ => None,
        }
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(7);
        out.push('#');
        for c in [self.0, self.1, self.2] {
            for d in [c >> 4, c & 15] {
                out.push(char::from(HEX.get(usize::from(d)).copied().unwrap_or(b'0')));
            }
        }
        out
    }

    /// WCAG 2 relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let l = |c: u8| f64::from(LINEAR.get(usize::from(c)).copied().unwrap_or(0.0));
        0.2126 * l(self.0) + 0.7152 * l(self.1) + 0.0722 * l(self.2)
    }

    /// `self` laid over `under` with opacity `alpha` (0 to 1).
    pub fn over(self, under: Rgb, alpha: f64) -> Rgb {
        let a = alpha.clamp(0.0, 1.0);
        let mix = |top: u8, bottom: u8| {
            let v = f64::from(top) * a + f64::from(bottom) * (1.0 - a);
            // In range by construction; `as` saturates anyway.
            (v + 0.5) as u8
        };
        Rgb(
            mix(self.0, under.0),
            mix(self.1, under.1),
            mix(self.2, under.2),
        )
    }
}

/// WCAG 2 contrast ratio of two colours, 1 to 21.
///
/// ```
/// use candor_core::theme::{contrast, Rgb};
/// assert!((contrast(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 0.01);
/// assert!((contrast(Rgb(0x77, 0x77, 0x77), Rgb(255, 255, 255)) - 4.48).abs() < 0.01);
/// ```
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// A ratio with one decimal, rounded down (so that "4.4" never reads as
/// passing): `4.4:1`.
fn ratio_text(r: f64) -> String {
    let tenths = (r * 10.0) as u64;
    [
        &crate::text::u64_text(tenths / 10),
        ".",
        &crate::text::u64_text(tenths % 10),
        ":1",
    ]
    .concat()
}

/// The palette from the three colours a site gives (each falling back to
/// `default`'s), with the derived ones, checked for AA contrast. `path` is
/// where the colours sit in the config (`theme` or `theme.dark`).
pub(crate) fn palette(
    path: &str,
    accent: Option<&str>,
    text: Option<&str>,
    background: Option<&str>,
    default: Palette,
) -> Result<Palette, ConfigError> {
    let field = |name: &str| [path, ".", name].concat();
    let colour = |name: &str, v: Option<&str>, d: Rgb| -> Result<Rgb, ConfigError> {
        match v {
            None => Ok(d),
            Some(s) => Rgb::parse(s).ok_or_else(|| {
                ConfigError::new(
                    field(name),
                    [&quote(s), " is not a colour: give #rgb or #rrggbb"].concat(),
                )
            }),
        }
    };
    if accent.is_none() && text.is_none() && background.is_none() {
        return Ok(default);
    }
    let accent = colour("accent", accent, default.accent)?;
    let text = colour("text", text, default.text)?;
    let background = colour("background", background, default.background)?;
    let low = |name: &str, what: &str, r: f64, need: f64| -> Result<(), ConfigError> {
        if r < need {
            return Err(ConfigError::new(
                field(name),
                [
                    what,
                    " has a contrast of ",
                    &ratio_text(r),
                    ", at least ",
                    &ratio_text(need),
                    " is needed (WCAG AA)",
                ]
                .concat(),
            ));
        }
        Ok(())
    };
    low(
        "text",
        "the text on the background",
        contrast(text, background),
        AA_TEXT,
    )?;
    let on_accent = label_on(accent);
    low(
        "accent",
        "the button label on the accent colour",
        contrast(on_accent, accent),
        AA_TEXT,
    )?;
    low(
        "accent",
        "the accent colour on the background",
        contrast(accent, background),
        AA_UI,
    )?;
    // Muted text: as far towards the background as AA allows, at most 30%.
    let mut muted = text;
    for step in (1..=6).rev() {
        let candidate = text.over(background, 1.0 - f64::from(step) * 0.05);
        if contrast(candidate, background) >= AA_TEXT {
            muted = candidate;
            break;
        }
    }
    let line = text.over(background, 0.2);
    Ok(Palette {
        accent,
        text,
        background,
        on_accent,
        muted,
        line,
    })
}

/// The site's light `accent` as a dark scheme's accent on `background`:
/// the colour itself or the first of its mixes towards white, in steps of
/// 10%, whose button label and whose contrast on `background` pass AA.
/// `None` when no mix does (a light "dark" background).
pub(crate) fn dark_accent(accent: Rgb, background: Rgb) -> Option<Rgb> {
    for step in 0..=10u8 {
        let c = WHITE.over(accent, f64::from(step) * 0.1);
        if contrast(label_on(c), c) >= AA_TEXT && contrast(c, background) >= AA_UI {
            return Some(c);
        }
    }
    None
}

/// The button label colour on `accent`: white or near-black, whichever
/// reads better.
pub(crate) fn label_on(accent: Rgb) -> Rgb {
    if contrast(WHITE, accent) >= contrast(INK, accent) {
        WHITE
    } else {
        INK
    }
}

/// A font-family list that cannot leave its CSS declaration.
pub(crate) fn font_family(path: &str, s: &str) -> Result<Option<String>, ConfigError> {
    let ok = !s.trim().is_empty()
        && !crate::text::longer_than(s, 200)
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, ' ' | ',' | '-' | '_' | '"' | '\'')
                || (!c.is_ascii() && !c.is_control())
        });
    if !ok {
        return Err(ConfigError::new(
            path,
            [
                &quote(crate::text::truncate(s, 60)),
                " is not a font-family list (letters, digits, spaces, commas, quotes and hyphens, at most 200 characters)",
            ]
            .concat(),
        ));
    }
    Ok(Some(s.trim().to_owned()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn the_default_palettes_pass_their_own_checks() {
        for (d, name) in [(DEFAULT_LIGHT, "light"), (DEFAULT_DARK, "dark")] {
            let p = palette(
                name,
                Some(&d.accent.hex()),
                Some(&d.text.hex()),
                Some(&d.background.hex()),
                d,
            )
            .unwrap();
            assert_eq!(p.on_accent, d.on_accent, "{name}");
            assert!(contrast(d.muted, d.background) >= AA_TEXT, "{name}");
        }
    }

    #[test]
    fn the_table_is_wcag_luminance() {
        // Spot values of the sRGB transfer function.
        assert!((Rgb(128, 128, 128).luminance() - 0.2158605).abs() < 1e-6);
        assert!((Rgb(255, 0, 0).luminance() - 0.2126).abs() < 1e-6);
        assert_eq!(Rgb(0, 0, 0).luminance(), 0.0);
    }

    #[test]
    fn low_contrast_is_refused_with_the_field_named() {
        let light = |a: &str, t: &str, b: &str| {
            palette("theme", Some(a), Some(t), Some(b), DEFAULT_LIGHT).map_err(|e| e.to_text())
        };
        assert!(light("#1f7a4d", "#1c1f24", "#ffffff").is_ok());
        let e = light("#1f7a4d", "#999999", "#ffffff").unwrap_err();
        assert!(
            e.starts_with("theme.text: the text on the background has a contrast of 2.8:1"),
            "{e}"
        );
        let e = light("#9ad0a5", "#1c1f24", "#ffffff").unwrap_err();
        assert!(e.starts_with("theme.accent:"), "{e}");
        let e = light("green", "#000", "#fff").unwrap_err();
        assert_eq!(
            e,
            "theme.accent: \"green\" is not a colour: give #rgb or #rrggbb"
        );
    }

    #[test]
    fn a_light_accent_carries_into_the_dark_scheme() {
        let bg = DEFAULT_DARK.background;
        // Dark enough green: kept as it is.
        let green = Rgb::parse("#1f7a4d").unwrap();
        assert_eq!(dark_accent(green, bg), Some(green));
        // Too dark on a dark background: lightened, still a blue.
        let navy = Rgb::parse("#1d3a8a").unwrap();
        let lit = dark_accent(navy, bg).unwrap();
        assert_ne!(lit, navy);
        assert!(lit.2 > lit.0 && contrast(lit, bg) >= AA_UI);
        // A mid-grey "dark" background: no mix of a grey accent passes.
        let grey = Rgb::parse("#5a5a5a").unwrap();
        assert_eq!(dark_accent(grey, Rgb::parse("#aaaaaa").unwrap()), None);
    }

    #[test]
    fn fonts_cannot_escape_their_declaration() {
        assert!(font_family("f", "Inter, \"Helvetica Neue\", sans-serif").is_ok());
        for bad in ["a;b", "a}b", "url(x)", "a\\b", "", "a/*b", "a{"] {
            assert!(font_family("f", bad).is_err(), "{bad}");
        }
    }
}
