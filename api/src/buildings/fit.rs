//! Fitting one line of text into a width on the card: a line too long is set smaller, and past
//! a smallest size cut short with "…".
//!
//! The server has no fonts, so widths are estimated from the characters: Chinese and other
//! full-width characters take one em (exact in CJK fonts), the rest less. Where the estimate
//! comes near the limit, the line also carries `textLength`, which makes the viewer's font
//! fill exactly the estimated width: whatever the font, nothing runs over.

use std::fmt::Write as _;

use super::markup::{escape, num};

/// Past this share of the width a line is pinned to its estimated width (see the module).
const PIN_ABOVE: f64 = 0.7;

/// The ellipsis that ends a cut line.
const ELLIPSIS: char = '…';

/// A line of text as it will be drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The text, cut if it had to be (unescaped).
    pub text: String,
    /// Font size, in the document's units.
    pub size: f64,
    /// Estimated width at that size.
    pub width: f64,
    /// Drawn with `textLength` = `width`.
    pub pinned: bool,
}

/// How a line hangs on its `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `x` is where the line starts.
    Start,
    /// `x` is the line's middle.
    Middle,
    /// `x` is where the line ends.
    End,
}

/// `text` in at most `max_width`: at `size` if it fits, else smaller down to `min_size`, else
/// cut at `min_size` with an ellipsis.
pub fn fit(text: &str, max_width: f64, size: f64, min_size: f64) -> Line {
    let text = text.trim();
    let natural = ems(text);
    let line = |text: String, size: f64, width: f64| Line {
        pinned: width > PIN_ABOVE * max_width,
        text,
        size,
        width,
    };
    if natural * size <= max_width {
        return line(text.to_owned(), size, natural * size);
    }
    let shrunk = max_width / natural;
    if shrunk >= min_size {
        return line(text.to_owned(), shrunk, max_width);
    }
    let budget = max_width / min_size - advance(ELLIPSIS);
    let mut cut = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        if used + advance(c) > budget {
            break;
        }
        used += advance(c);
        cut.push(c);
    }
    let mut cut = cut.trim_end().to_owned();
    cut.push(ELLIPSIS);
    let width = ems(&cut) * min_size;
    line(cut, min_size, width)
}

impl Line {
    /// The line as an SVG `text` element at (`x`, `y`, the baseline), with extra presentation
    /// attributes (`fill="#fff"`, …).
    pub fn svg(&self, x: f64, y: f64, anchor: Anchor, attributes: &str) -> String {
        let mut el = format!(
            r#"<text x="{}" y="{}" font-size="{}""#,
            num(x),
            num(y),
            num(self.size)
        );
        match anchor {
            Anchor::Start => {}
            Anchor::Middle => el.push_str(r#" text-anchor="middle""#),
            Anchor::End => el.push_str(r#" text-anchor="end""#),
        }
        if self.pinned {
            let _ = write!(
                el,
                r#" textLength="{}" lengthAdjust="spacingAndGlyphs""#,
                num(self.width)
            );
        }
        if !attributes.is_empty() {
            el.push(' ');
            el.push_str(attributes);
        }
        let _ = write!(el, ">{}</text>", escape(&self.text));
        el
    }
}

/// The estimated width of a text, in em.
fn ems(text: &str) -> f64 {
    text.chars().map(advance).sum()
}

/// The estimated advance of a character, in em: generous, so that an estimate rarely falls
/// short of a real font.
fn advance(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'A'..='Z' => 0.72,
        '!'..='~' => 0.6,
        _ if full_width(c) => 1.0,
        // Accented Latin, Greek, symbols, emoji: assume the widest.
        _ => 1.0,
    }
}

/// East Asian wide and full-width characters (Unicode's EastAsianWidth W and F, roughly).
fn full_width(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A000}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_fits_keeps_its_size() {
        let l = fit(" 天兴都市花园 · 1号楼 ", 100.0, 8.0, 5.0);
        assert_eq!(l.text, "天兴都市花园 · 1号楼");
        assert_eq!(l.size, 8.0);
        // 8 full-width characters, a middle dot, two spaces, a digit.
        assert!(
            (l.width - 8.0 * (8.0 + 1.0 + 0.6 + 0.6)).abs() < 1e-9,
            "{l:?}"
        );
        // Over 70% of the width: pinned to it.
        assert!(l.pinned, "{l:?}");
        let short = fit("1号楼", 120.0, 8.0, 5.0);
        assert!(!short.pinned);
        assert!(
            !short
                .svg(10.0, 20.0, Anchor::Start, "")
                .contains("textLength")
        );
    }

    #[test]
    fn a_longer_line_is_set_smaller_to_fill_the_width() {
        let l = fit(&"楼".repeat(20), 100.0, 8.0, 4.0);
        assert_eq!(l.text.chars().count(), 20);
        assert_eq!(l.size, 5.0);
        assert_eq!(l.width, 100.0);
        assert!(l.pinned);
    }

    #[test]
    fn past_the_smallest_size_a_line_is_cut() {
        let l = fit(&"楼".repeat(40), 100.0, 8.0, 4.0);
        assert_eq!(l.size, 4.0);
        assert_eq!(l.text, format!("{}…", "楼".repeat(24)));
        assert!(l.width <= 100.0, "{l:?}");
        let mixed = fit(
            &format!("&<{}{}", "A".repeat(30), "b".repeat(30)),
            60.0,
            6.0,
            4.0,
        );
        assert!(
            mixed.text.ends_with('…') && mixed.width <= 60.0,
            "{mixed:?}"
        );
        let svg = mixed.svg(74.0, 30.0, Anchor::Middle, r##"fill="#fff""##);
        assert!(svg.contains("&amp;&lt;"), "{svg}");
        assert!(
            svg.starts_with(
                r#"<text x="74" y="30" font-size="4" text-anchor="middle" textLength=""#
            ),
            "{svg}"
        );
        assert!(
            svg.contains(r##"lengthAdjust="spacingAndGlyphs" fill="#fff">"##),
            "{svg}"
        );
    }
}
