//! Cursor paging, the one way: `?limit=` (1–100, default 20) and an opaque `cursor` that is the
//! last id seen, base64url-encoded behind a prefix naming the list (so a cursor of one list is
//! refused by another).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;
use crate::validation::Fields;

/// The cursor after `id` in list `prefix`.
pub fn cursor(prefix: &str, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{prefix}:{id}"))
}

/// The id a cursor of list `prefix` carries, if it is one.
pub fn decode(prefix: &str, cursor: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.strip_prefix(prefix)?.strip_prefix(':')?.parse().ok()
}

/// A cursor and a page size, checked together (both errors listed).
pub fn page(
    prefix: &str,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<(Option<i64>, i64), ApiError> {
    let mut f = Fields::new();
    let checked = page_into(&mut f, prefix, cursor, limit);
    f.finish()?;
    Ok(checked)
}

/// [`page`], with its errors added to `f` beside the caller's other fields.
pub fn page_into(
    f: &mut Fields,
    prefix: &str,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> (Option<i64>, i64) {
    let limit = limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        f.push(
            "limit",
            "out_of_range",
            "limit 应为 1 到 100",
            "limit must be 1 to 100",
        );
    }
    let at = match cursor {
        None | Some("") => None,
        Some(c) => {
            let id = decode(prefix, c);
            if id.is_none() {
                f.push("cursor", "invalid", "cursor 无效", "invalid cursor");
            }
            id
        }
    };
    (at, limit)
}

/// The next page's cursor: after the last of `ids` when one more row than `limit` was read.
pub fn next(prefix: &str, read: usize, limit: i64, last: Option<i64>) -> Option<String> {
    (read as i64 > limit)
        .then(|| last.map(|id| cursor(prefix, id)))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_their_list() {
        assert_eq!(decode("v", &cursor("v", 42)), Some(42));
        assert_eq!(decode("r", &cursor("v", 42)), None);
        assert_eq!(decode("v", "garbage!"), None);
        assert!(page("v", Some("garbage!"), Some(0)).is_err());
        assert_eq!(page("v", None, None).unwrap(), (None, 20));
        assert_eq!(
            page("v", Some(&cursor("v", 7)), Some(5)).unwrap(),
            (Some(7), 5)
        );
        assert_eq!(next("v", 6, 5, Some(9)), Some(cursor("v", 9)));
        assert_eq!(next("v", 5, 5, Some(9)), None);
    }
}
