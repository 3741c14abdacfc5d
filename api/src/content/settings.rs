//! Content check settings: an extra word list, and how long a text waits for WeChat's verdict.

use std::path::PathBuf;
use std::time::Duration;

use linli_domain::content::WordList;

use crate::config::ConfigError;

/// How long a text waits for WeChat's verdict unless told otherwise: a resident's submit must
/// not hang on WeChat, so this is well under the client's own timeout.
pub const DEFAULT_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// What the content checks are configured with.
#[derive(Debug, Clone)]
pub struct ContentSettings {
    /// `LINLI_CONTENT_WORDS_FILE`: terms to add to the built-in ones, one a line.
    pub words_file: Option<PathBuf>,
    /// `LINLI_CONTENT_CHECK_TIMEOUT_MS`: how long a text waits for WeChat's verdict.
    pub check_timeout: Duration,
}

impl ContentSettings {
    /// Reads `LINLI_CONTENT_WORDS_FILE` and `LINLI_CONTENT_CHECK_TIMEOUT_MS` (100 to 10,000).
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let value = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let check_timeout = match value("LINLI_CONTENT_CHECK_TIMEOUT_MS") {
            None => DEFAULT_CHECK_TIMEOUT,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|ms| (100..=10_000).contains(ms))
                .map(Duration::from_millis)
                .ok_or_else(|| ConfigError::Invalid {
                    name: "LINLI_CONTENT_CHECK_TIMEOUT_MS",
                    reason: format!("expected milliseconds from 100 to 10000, got `{v}`"),
                })?,
        };
        Ok(ContentSettings {
            words_file: value("LINLI_CONTENT_WORDS_FILE").map(PathBuf::from),
            check_timeout,
        })
    }

    /// The word list: the built-in terms and the file's.
    pub fn word_list(&self) -> Result<WordList, ConfigError> {
        let Some(path) = &self.words_file else {
            return Ok(WordList::built_in());
        };
        let contents = std::fs::read_to_string(path).map_err(|e| ConfigError::Invalid {
            name: "LINLI_CONTENT_WORDS_FILE",
            reason: format!("cannot read {}: {e}", path.display()),
        })?;
        Ok(WordList::new(WordList::parse_file(&contents)))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<ContentSettings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ContentSettings::from_lookup(&|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_and_a_word_file() {
        let s = read(&[]).unwrap();
        assert_eq!(s.check_timeout, DEFAULT_CHECK_TIMEOUT);
        assert_eq!(s.word_list().unwrap().len(), WordList::built_in().len());

        let path = std::env::temp_dir().join(format!("linli-words-{}", uuid::Uuid::new_v4()));
        std::fs::write(&path, "# ours\n高利贷\n\n赌博网站\n").unwrap();
        let s = read(&[
            ("LINLI_CONTENT_WORDS_FILE", path.to_str().unwrap()),
            ("LINLI_CONTENT_CHECK_TIMEOUT_MS", "500"),
        ])
        .unwrap();
        assert_eq!(s.check_timeout, Duration::from_millis(500));
        let words = s.word_list().unwrap();
        assert!(words.matches("借高 利 贷"));
        assert_eq!(words.len(), WordList::built_in().len() + 2);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn bad_settings_name_themselves() {
        for (name, value) in [
            ("LINLI_CONTENT_CHECK_TIMEOUT_MS", "50"),
            ("LINLI_CONTENT_CHECK_TIMEOUT_MS", "soon"),
        ] {
            let e = read(&[(name, value)]).unwrap_err().to_string();
            assert!(e.starts_with(name), "{e}");
        }
        let s = read(&[("LINLI_CONTENT_WORDS_FILE", "/nonexistent/linli-words.txt")]).unwrap();
        let e = s.word_list().unwrap_err().to_string();
        assert!(e.starts_with("LINLI_CONTENT_WORDS_FILE"), "{e}");
    }
}
