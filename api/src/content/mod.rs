//! Content security: residents' text through WeChat's `msgSecCheck` and the local word list,
//! their photos through WeChat's asynchronous image check, and staff review of what was
//! flagged. The rules are the domain's (`linli_domain::content`); this module asks WeChat,
//! stores the outcome and renders what each viewer may see.

pub mod photos;
pub mod review;
pub mod screen;
pub mod settings;

use std::time::Duration;

use linli_domain::content::WordList;

pub use settings::ContentSettings;

use crate::config::ConfigError;

/// What is shown instead of text content staff have hidden (to everyone but them and its
/// author).
pub const HIDDEN_TEXT: &str = "该内容已被社区工作人员隐藏";

/// What the checks need at run time.
#[derive(Debug, Clone)]
pub struct ContentChecks {
    /// The local word list (built-in terms and the configured file's).
    pub words: WordList,
    /// How long a text waits for WeChat's verdict.
    pub check_timeout: Duration,
}

impl ContentChecks {
    /// Reads the word file, if one is configured.
    pub fn load(settings: &ContentSettings) -> Result<Self, ConfigError> {
        Ok(ContentChecks {
            words: settings.word_list()?,
            check_timeout: settings.check_timeout,
        })
    }
}
