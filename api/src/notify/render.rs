//! What each message says, laid out for its template. The keys (`thing1`, `time3`…) are those
//! of the templates this layout was made for; the README lists them so that an operator picks
//! templates with the same keywords from WeChat's library.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use linli_domain::notify::NoticeKind;
use serde_json::{Value, json};

use crate::wechat::subscribe::{name, phrase, thing, time};

/// The facts a message draws on.
pub struct Facts<'a> {
    /// The request's description.
    pub description: &'a str,
    /// Its building's name.
    pub building: &'a str,
    /// The handler's name, if a person or company has it.
    pub handler: Option<&'a str>,
    /// What the actor said (an outcome, a reason).
    pub note: Option<&'a str>,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The resolution deadline.
    pub due: DateTime<Utc>,
    /// Local time zone.
    pub tz: Tz,
}

fn v(s: impl Into<String>) -> Value {
    json!({ "value": s.into() })
}

/// The template data for a notice.
pub fn data(kind: NoticeKind, f: &Facts<'_>) -> Value {
    let at = time(f.at.with_timezone(&f.tz));
    let due = time(f.due.with_timezone(&f.tz));
    match kind {
        NoticeKind::Taken => json!({
            "thing1": v(thing(f.description)),
            "name2": v(name(f.handler.unwrap_or("工作人员"))),
            "time3": v(at),
            "phrase4": v(phrase("已接单")),
        }),
        NoticeKind::Resolved => json!({
            "thing1": v(thing(f.description)),
            "thing2": v(thing(f.note.unwrap_or("已办结"))),
            "time3": v(at),
            "thing4": v(thing("请对办理结果进行评价")),
        }),
        NoticeKind::Reopened => json!({
            "thing1": v(thing(f.description)),
            "thing2": v(thing(f.note.unwrap_or("重新办理"))),
            "time3": v(at),
            "phrase4": v(phrase("重新办理")),
        }),
        NoticeKind::Assigned => json!({
            "thing1": v(thing(f.description)),
            "thing2": v(thing(f.building)),
            "time3": v(due),
            "phrase4": v(phrase("待接单")),
        }),
        NoticeKind::DueSoon => json!({
            "thing1": v(thing(f.description)),
            "time2": v(due),
            "thing3": v(thing("即将超期，请尽快办理")),
        }),
    }
}
