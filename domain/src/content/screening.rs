//! The verdict on one text: WeChat's answer (if it was asked and answered) and the local word
//! list together decide whether the text is stored as is, stored and flagged for staff review,
//! or refused.

use serde_json::json;

use crate::access::{Actor, RoleKind};
use crate::request::{Event, EventKind};

/// Where a text or photo is published, as WeChat's content checks name it (`scene`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scene {
    /// 1: a profile (资料).
    Profile,
    /// 2: a comment on something already published (评论).
    Comment,
    /// 3: a post that starts a thread others answer (论坛).
    Forum,
    /// 4: a personal log (社交日志).
    SocialLog,
}

impl Scene {
    /// A request's description and location, and its photos: a post that starts a thread which
    /// handlers and staff answer on its timeline, seen by more than its author. The closest of
    /// WeChat's scenes is the forum post (the strictest after a profile).
    pub const REQUEST: Scene = Scene::Forum;
    /// A resident's note on an action of their request (the rating's comment, a reopen's
    /// reason): a reply within the request's thread, so a comment.
    pub const NOTE: Scene = Scene::Comment;

    /// The number WeChat expects.
    pub fn code(self) -> u8 {
        match self {
            Scene::Profile => 1,
            Scene::Comment => 2,
            Scene::Forum => 3,
            Scene::SocialLog => 4,
        }
    }
}

/// WeChat's suggestion (`result.suggest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggest {
    /// Nothing found.
    Pass,
    /// Possibly a problem: a person should look.
    Review,
    /// A problem: must not be published.
    Risky,
}

impl Suggest {
    /// Parses WeChat's spelling; anything else is `None` (and is never taken for a pass).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pass" => Some(Suggest::Pass),
            "review" => Some(Suggest::Review),
            "risky" => Some(Suggest::Risky),
            _ => None,
        }
    }

    /// WeChat's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Suggest::Pass => "pass",
            Suggest::Review => "review",
            Suggest::Risky => "risky",
        }
    }
}

/// Whether WeChat checks what `actor` writes: a resident's text, by their openid. Staff (anyone
/// holding a role other than resident, even beside it) write as staff, and their text passes
/// only the local word list.
pub fn checked_by_wechat(actor: &Actor) -> bool {
    !actor.roles.is_empty() && actor.roles.iter().all(|r| r.kind == RoleKind::Resident)
}

/// What WeChat said about a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remote {
    /// WeChat was not asked: it is not configured, or the text is staff's (WeChat checks a
    /// user's text, by their openid).
    NotAsked,
    /// WeChat was asked but gave no usable verdict: no answer in time, unreachable, busy
    /// (errcode -1), another error, or an answer without a known `result.suggest`. `errcode`
    /// 0 alone is not a verdict.
    Unanswered,
    /// WeChat's verdict.
    Answered {
        /// `result.suggest`.
        suggest: Suggest,
        /// `result.label` (100 normal, 10001 ads, 20001 politics, 20002 porn, 20003 abuse,
        /// 20006 illegal, 20008 fraud, 20012 vulgar, 20013 copyright, 21000 other).
        label: Option<i64>,
    },
}

/// Why a text or photo was flagged for staff review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagReason {
    /// WeChat suggested a review (for a photo, or a text) or found a photo risky.
    Wechat {
        /// What WeChat found.
        suggest: Suggest,
        /// WeChat's label.
        label: Option<i64>,
    },
    /// WeChat should have checked it but gave no verdict; a person looks instead.
    Unchecked,
    /// The local word list matched.
    WordList,
}

impl FlagReason {
    /// The facts stored with the flag, for staff.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            FlagReason::Wechat { suggest, label } => {
                json!({ "source": "wechat", "suggest": suggest.as_str(), "label": label })
            }
            FlagReason::Unchecked => json!({ "source": "unchecked" }),
            FlagReason::WordList => json!({ "source": "word_list" }),
        }
    }
}

/// What to do with a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screening {
    /// Store it; nothing to review.
    Store,
    /// Store it and flag it for staff review.
    Flag(FlagReason),
    /// Refuse it: nothing is stored.
    Reject {
        /// WeChat's label, for the client.
        label: Option<i64>,
    },
}

/// Decides what to do with a text from WeChat's verdict and whether the local word list matched.
///
/// Only WeChat's `risky` refuses a text: the word list is too blunt to refuse anything, so a
/// match only flags. A text WeChat should have checked but did not is flagged rather than lost
/// or refused, so that WeChat being slow or down never costs a resident their report.
pub fn screen(remote: Remote, word_list_hit: bool) -> Screening {
    match remote {
        Remote::Answered {
            suggest: Suggest::Risky,
            label,
        } => Screening::Reject { label },
        Remote::Answered {
            suggest: Suggest::Review,
            label,
        } => Screening::Flag(FlagReason::Wechat {
            suggest: Suggest::Review,
            label,
        }),
        Remote::Unanswered => Screening::Flag(FlagReason::Unchecked),
        Remote::Answered {
            suggest: Suggest::Pass,
            ..
        }
        | Remote::NotAsked
            if word_list_hit =>
        {
            Screening::Flag(FlagReason::WordList)
        }
        Remote::Answered {
            suggest: Suggest::Pass,
            ..
        }
        | Remote::NotAsked => Screening::Store,
    }
}

/// What was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The request's own text (description and location).
    Text,
    /// A note on an action (a comment, a reason).
    Note,
    /// A photo, by its position in the request's list.
    Photo(usize),
}

/// The timeline event that says something was flagged for review: `request.content_flagged`,
/// with what and why.
pub fn flagged_event(subject: Subject, reason: FlagReason) -> Event {
    let mut data = reason.to_json();
    match subject {
        Subject::Text => data["subject"] = json!("text"),
        Subject::Note => data["subject"] = json!("note"),
        Subject::Photo(position) => {
            data["subject"] = json!("photo");
            data["photo"] = json!(position);
        }
    }
    Event {
        kind: EventKind::ContentFlagged,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(suggest: Suggest) -> Remote {
        Remote::Answered {
            suggest,
            label: Some(20003),
        }
    }

    #[test]
    fn wechat_risky_refuses_whatever_the_word_list_says() {
        for hit in [false, true] {
            assert_eq!(
                screen(answered(Suggest::Risky), hit),
                Screening::Reject { label: Some(20003) }
            );
        }
    }

    #[test]
    fn wechat_review_flags_with_its_label() {
        assert_eq!(
            screen(answered(Suggest::Review), false),
            Screening::Flag(FlagReason::Wechat {
                suggest: Suggest::Review,
                label: Some(20003)
            })
        );
    }

    #[test]
    fn no_verdict_from_wechat_flags_and_never_refuses() {
        assert_eq!(
            screen(Remote::Unanswered, false),
            Screening::Flag(FlagReason::Unchecked)
        );
        assert_eq!(
            screen(Remote::Unanswered, true),
            Screening::Flag(FlagReason::Unchecked)
        );
    }

    #[test]
    fn the_word_list_only_flags() {
        assert_eq!(
            screen(answered(Suggest::Pass), true),
            Screening::Flag(FlagReason::WordList)
        );
        assert_eq!(
            screen(Remote::NotAsked, true),
            Screening::Flag(FlagReason::WordList)
        );
    }

    #[test]
    fn pass_or_not_asked_without_a_hit_stores() {
        assert_eq!(screen(answered(Suggest::Pass), false), Screening::Store);
        assert_eq!(screen(Remote::NotAsked, false), Screening::Store);
    }

    #[test]
    fn only_wechats_three_words_are_verdicts() {
        assert_eq!(Suggest::parse("pass"), Some(Suggest::Pass));
        assert_eq!(Suggest::parse("review"), Some(Suggest::Review));
        assert_eq!(Suggest::parse("risky"), Some(Suggest::Risky));
        assert_eq!(Suggest::parse("PASS"), None);
        assert_eq!(Suggest::parse(""), None);
        assert_eq!(
            [
                Scene::Profile,
                Scene::Comment,
                Scene::Forum,
                Scene::SocialLog
            ]
            .map(Scene::code),
            [1, 2, 3, 4]
        );
    }

    #[test]
    fn wechat_checks_residents_not_staff() {
        use crate::request::fixtures::*;
        assert!(checked_by_wechat(&resident()));
        for staff in [
            community(),
            grid_worker(),
            butler(),
            property(),
            volunteer(),
        ] {
            assert!(!checked_by_wechat(&staff), "{staff:?}");
        }
        let mut both = resident();
        both.roles.extend(community().roles);
        assert!(!checked_by_wechat(&both));
    }

    #[test]
    fn the_flag_event_says_what_and_why() {
        let e = flagged_event(
            Subject::Photo(2),
            FlagReason::Wechat {
                suggest: Suggest::Risky,
                label: Some(20002),
            },
        );
        assert_eq!(e.kind, EventKind::ContentFlagged);
        assert_eq!(
            e.data,
            json!({"source": "wechat", "suggest": "risky", "label": 20002, "subject": "photo", "photo": 2})
        );
        let e = flagged_event(Subject::Note, FlagReason::WordList);
        assert_eq!(e.data, json!({"source": "word_list", "subject": "note"}));
    }
}
