//! Loading a meeting for a caller: 404 when it does not exist or they may not see it, 403 when
//! they see it but do not manage it. (See `linli_domain::meeting::may_see` for who sees what.)

use linli_domain::access::Actor;
use linli_domain::meeting::{MeetingId, community_path, may_manage, may_see};
use linli_persistence::meetings::{self, MeetingRecord};
use linli_persistence::{DbConnection, StoreError};

use super::errors::{forbidden, not_found};
use crate::error::ApiError;

/// The meeting and whether the caller manages it.
pub fn load_visible(
    conn: &mut DbConnection,
    id: MeetingId,
    actor: &Actor,
) -> Result<(MeetingRecord, bool), ApiError> {
    let m = match meetings::get(conn, id) {
        Ok(m) => m,
        Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let manages = may_manage(actor, &m.node_path);
    let involved = !manages && meetings::involves(conn, id, actor.user_id)?;
    let about = community_path(&m.node_path, m.community_id);
    if !may_see(actor, &m.node_path, &about, manages || involved) {
        return Err(not_found());
    }
    Ok((m, manages))
}

/// The meeting, for a caller who manages it.
pub fn load_managed(
    conn: &mut DbConnection,
    id: MeetingId,
    actor: &Actor,
) -> Result<MeetingRecord, ApiError> {
    let (m, manages) = load_visible(conn, id, actor)?;
    if !manages {
        return Err(forbidden());
    }
    Ok(m)
}
