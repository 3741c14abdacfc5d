//! What every figures endpoint (`/stats/...`) checks the same way: the period asked for, and
//! the node the figures are for, refused alike when it is outside the caller's sight or does
//! not exist, so ids cannot be probed.

use linli_domain::OrgNodeId;
use linli_domain::request::Visibility;
use linli_domain::time::Period;
use linli_persistence::{DbConnection, StoreError, org};

use crate::error::{ApiError, Msg};
use crate::validation::Fields;

/// The period of local days `from`..=`to` (either open); 422 naming `from` when a date is not
/// `YYYY-MM-DD` or the period runs backwards.
pub fn period(from: Option<&str>, to: Option<&str>) -> Result<Period, ApiError> {
    Period::parse(from, to).map_err(|e| {
        let mut f = Fields::new();
        f.push(
            "from",
            "invalid_period",
            "日期应为 YYYY-MM-DD，且开始不晚于结束",
            e.to_string(),
        );
        f.finish().expect_err("one error")
    })
}

/// 403 `stats.forbidden`.
pub fn forbidden() -> ApiError {
    ApiError::forbidden(
        "stats.forbidden",
        Msg::new(
            "您无权查看该范围的统计",
            "You may not see figures for this node",
        ),
    )
}

/// A node by id for figures; an unknown id is [`forbidden`], like one out of sight.
pub fn node(conn: &mut DbConnection, id: i64) -> Result<org::OrgNode, ApiError> {
    match org::get_node(conn, OrgNodeId(id)) {
        Ok(n) => Ok(n),
        Err(StoreError::NotFound) => Err(forbidden()),
        Err(e) => Err(e.into()),
    }
}

/// The node figures are asked for: the one named, or the widest the caller sees; refused when
/// it lies outside what they see.
pub fn visible_node(
    conn: &mut DbConnection,
    visibility: &Visibility,
    asked: Option<i64>,
) -> Result<org::OrgNode, ApiError> {
    let node = match asked {
        Some(id) => node(conn, id)?,
        None => {
            let top = visibility
                .subtrees
                .iter()
                .min_by_key(|p| p.ids().len())
                .ok_or_else(forbidden)?;
            org::get_node(conn, top.node_id())?
        }
    };
    if !visibility.subtrees.iter().any(|s| s.contains(&node.path)) {
        return Err(forbidden());
    }
    Ok(node)
}

/// The node figures for staff are asked for: the one named, or the widest the caller
/// administers; refused unless they administer it.
pub fn administered_node(
    conn: &mut DbConnection,
    actor: &linli_domain::access::Actor,
    asked: Option<i64>,
) -> Result<org::OrgNode, ApiError> {
    let node = match asked {
        Some(id) => node(conn, id)?,
        None => {
            let top = actor
                .administered()
                .min_by_key(|p| p.ids().len())
                .ok_or_else(forbidden)?;
            org::get_node(conn, top.node_id())?
        }
    };
    if !actor.administers(&node.path) {
        return Err(forbidden());
    }
    Ok(node)
}
