//! Subscribe messages (订阅消息): template values cut to WeChat's limits, and sending them.
//! WeChat refuses a whole message when one value is too long or of the wrong kind, so every
//! value goes through one of these functions first.

use chrono::DateTime;
use chrono_tz::Tz;

use super::client::Wechat;
use super::error::WechatError;

/// `errcode` 43101: the user has no subscription left for this template (or refused it).
pub const NOT_SUBSCRIBED: i64 = 43101;

/// One line of at most `max` characters, ending in "…" when cut.
fn cut(s: &str, max: usize) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let line: String = line.chars().filter(|c| !c.is_control()).collect();
    if line.chars().count() <= max {
        return line;
    }
    let mut out: String = line.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// A `thing` value: at most 20 characters.
pub fn thing(s: &str) -> String {
    let v = cut(s, 20);
    if v.is_empty() { "-".into() } else { v }
}

/// A `phrase` value: at most 5 Chinese characters, nothing else.
pub fn phrase(s: &str) -> String {
    s.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .take(5)
        .collect()
}

/// A `name` value: at most 10 characters, or 20 if all are Latin letters.
pub fn name(s: &str) -> String {
    let max = if s.is_ascii() { 20 } else { 10 };
    let v = cut(s, max);
    if v.is_empty() { "-".into() } else { v }
}

/// A `character_string` value: at most 32 letters, digits and ASCII symbols.
pub fn character_string(s: &str) -> String {
    s.chars().filter(char::is_ascii_graphic).take(32).collect()
}

/// A `time` value, as WeChat shows it: `2026年11月30日 09:00`.
pub fn time(t: DateTime<Tz>) -> String {
    t.format("%Y年%-m月%-d日 %H:%M").to_string()
}

impl Wechat {
    /// Sends a subscribe message to `openid`. The data is `{key: {"value": …}}` as built by the
    /// functions above.
    pub async fn send_subscribe(
        &self,
        openid: &str,
        template_id: &str,
        page: &str,
        data: &serde_json::Value,
    ) -> Result<(), WechatError> {
        let body = serde_json::json!({
            "touser": openid,
            "template_id": template_id,
            "page": page,
            "data": data,
            "miniprogram_state": self.settings().miniprogram_state,
            "lang": "zh_CN",
        });
        let _: serde_json::Value = self
            .with_token(|token| {
                self.http()
                    .post(self.url("/cgi-bin/message/subscribe/send"))
                    .query(&[("access_token", token)])
                    .json(&body)
                    .send()
            })
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn things_are_one_line_of_twenty_characters() {
        assert_eq!(thing("楼道灯坏了"), "楼道灯坏了");
        let long = "3单元楼道灯坏了一周，晚上看不见台阶，老人差点摔倒";
        let t = thing(long);
        assert_eq!(t.chars().count(), 20);
        assert!(t.ends_with('…') && t.starts_with("3单元楼道灯坏了一周"));
        assert_eq!(thing("第一行\n第二行\t  第三行"), "第一行 第二行 第三行");
        assert_eq!(thing("   "), "-", "WeChat refuses an empty value");
    }

    #[test]
    fn phrases_names_strings_and_times() {
        assert_eq!(phrase("已接单"), "已接单");
        assert_eq!(phrase("请尽快处理此诉求"), "请尽快处理");
        assert_eq!(phrase("OK已办结!"), "已办结");
        assert_eq!(name("王网格员"), "王网格员");
        assert_eq!(name("欧阳一二三四五六七八九").chars().count(), 10);
        assert_eq!(name("Alexander Hamilton-Smith").chars().count(), 20);
        assert_eq!(character_string("No. 2026-1130 编号"), "No.2026-1130");
        let t = chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(2026, 11, 30, 9, 5, 0)
            .unwrap();
        assert_eq!(time(t), "2026年11月30日 09:05");
    }
}
