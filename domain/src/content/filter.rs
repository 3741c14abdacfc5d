//! The local word list: a second layer behind WeChat's check, and the only one when WeChat is
//! off. Texts and terms are compared after [`normalise`], so that the usual tricks (capitals,
//! full-width letters, spaces or punctuation between the characters) do not slip past it.
//! A match flags the text for review; it never refuses it, since a word list is blunt.

use aho_corasick::AhoCorasick;

/// A few clearly abusive or illegal terms, always on. Deployments add their own with a file.
pub const BUILT_IN: [&str; 8] = [
    "傻逼",
    "操你妈",
    "狗娘养的",
    "fuck",
    "代开发票",
    "办假证",
    "出售枪支",
    "裸聊",
];

/// Folds a text to the form the word list compares: full-width letters, digits and signs
/// become their ASCII forms, letters become lower case, and everything that is neither a letter
/// nor a digit (white space, punctuation, symbols, emoji, zero-width characters) is dropped.
/// Chinese characters are letters and stay.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(half_width)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The ASCII form of a full-width character (U+FF01–U+FF5E, and the ideographic space).
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The terms to look for, normalised, with a matcher that finds any of them in one pass over
/// the text however long the list.
#[derive(Debug, Clone)]
pub struct WordList {
    terms: Vec<String>,
    matcher: AhoCorasick,
}

impl WordList {
    /// The built-in terms and `extra`. Terms are normalised; empty and repeated ones dropped.
    pub fn new<I, S>(extra: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut terms: Vec<String> = BUILT_IN
            .iter()
            .map(|t| normalise(t))
            .chain(extra.into_iter().map(|t| normalise(t.as_ref())))
            .filter(|t| !t.is_empty())
            .collect();
        terms.sort();
        terms.dedup();
        let matcher = AhoCorasick::new(&terms).expect("a list of plain strings always builds");
        WordList { terms, matcher }
    }

    /// The built-in terms alone.
    pub fn built_in() -> Self {
        Self::new(std::iter::empty::<&str>())
    }

    /// The terms of a word file: one a line; blank lines and lines starting with `#` skipped.
    pub fn parse_file(contents: &str) -> Vec<&str> {
        contents
            .trim_start_matches('\u{FEFF}')
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    }

    /// The first term found in `text`, normalised, if any.
    pub fn find(&self, text: &str) -> Option<&str> {
        let folded = normalise(text);
        self.matcher
            .find(&folded)
            .map(|m| self.terms[m.pattern().as_usize()].as_str())
    }

    /// True when some term is in `text`.
    pub fn matches(&self, text: &str) -> bool {
        self.find(text).is_some()
    }

    /// How many distinct terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when there are no terms (never, with the built-in ones).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

impl Default for WordList {
    fn default() -> Self {
        Self::built_in()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_case_width_spacing_and_punctuation() {
        assert_eq!(normalise("ＦＵＣＫ"), "fuck");
        assert_eq!(normalise("F.u-C k!"), "fuck");
        assert_eq!(normalise("傻 ，逼"), "傻逼");
        assert_eq!(normalise("傻\u{200B}逼"), "傻逼", "zero-width space");
        assert_eq!(normalise("傻\u{3000}逼"), "傻逼", "ideographic space");
        assert_eq!(normalise("楼道灯坏了，３楼"), "楼道灯坏了3楼");
        assert_eq!(normalise("★代*开*发*票★"), "代开发票");
    }

    #[test]
    fn finds_the_built_in_terms_through_the_tricks() {
        let list = WordList::built_in();
        for text in [
            "你这个傻逼",
            "你这个傻 逼",
            "你这个傻。逼！",
            "你这个傻\u{200B}逼",
            "FUCK this",
            "ｆｕｃｋ",
            "f u c k",
            "专业代·开·发·票",
            "办 假 证 请联系",
        ] {
            assert!(list.matches(text), "{text}");
        }
        assert_eq!(list.find("F-U-C-K"), Some("fuck"));
    }

    #[test]
    fn ordinary_reports_do_not_match() {
        let list = WordList::built_in();
        for text in [
            "3单元楼道灯坏了一周，晚上看不见台阶",
            "楼上漏水，请物业尽快处理",
            "停车道闸太吵",
            "",
        ] {
            assert!(!list.matches(text), "{text}");
        }
    }

    #[test]
    fn extra_terms_are_normalised_like_texts() {
        let list = WordList::new(["  Spam　Word ", "", "傻逼", "广告！"]);
        assert!(list.matches("this is spamword"));
        assert!(list.matches("S P A M W O R D"));
        assert!(list.matches("小广告"));
        assert_eq!(
            list.len(),
            BUILT_IN.len() + 2,
            "blank and repeated terms dropped"
        );
    }

    #[test]
    fn a_word_file_is_one_term_a_line_with_comments() {
        let file = "\u{FEFF}# local terms\n\n  赌博网站 \n#not-a-term\n高利贷\r\n";
        assert_eq!(WordList::parse_file(file), ["赌博网站", "高利贷"]);
        let list = WordList::new(WordList::parse_file(file));
        assert!(list.matches("推荐一个赌 博 网 站"));
        assert!(!list.matches("not-a-term"));
    }
}
