//! Writing SVG by hand: text and attribute values escaped, numbers short.

use std::borrow::Cow;

/// Text made safe for XML character data and attribute values (quoted either way). Characters
/// XML 1.0 cannot hold at all (most control characters, U+FFFE, U+FFFF) are dropped.
pub fn escape(s: &str) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || !allowed(c);
    if !s.chars().any(special) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// XML 1.0's `Char` production.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// A number for an attribute: at most three decimals (a micrometre, in millimetres), no
/// trailing zeros (`12.5`, `3`).
pub fn num(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert!(matches!(escape("大兴东路社区"), Cow::Borrowed(_)));
        assert_eq!(
            escape(r#"A&B <楼> "1" '2'"#),
            "A&amp;B &lt;楼&gt; &quot;1&quot; &apos;2&apos;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\u{FFFE}d\te"), "abcd\te");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(1.0 / 3.0), "0.333");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(148.0), "148");
    }
}
