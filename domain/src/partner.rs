//! Partner platforms (合作平台) such as the street's "云家园": registered by a district admin
//! with a scope (a street or a community), they reach the requests in that scope with an API
//! key. The key's first part is public and names it in logs; the rest is a secret kept only
//! as a hash.

use chrono::{DateTime, TimeDelta, Utc};

use crate::access::{Actor, RoleKind};
use crate::org::{NodeKind, NodePath};

/// What every partner key starts with.
pub const KEY_PREFIX: &str = "lk_";

/// A partner key as a client presents it: `lk_<id>_<secret>`, the id 12 letters and digits,
/// the secret 43 URL-safe base64 characters (256 bits).
#[derive(Clone, PartialEq, Eq)]
pub struct PartnerKey {
    id: String,
    secret: String,
}

/// Why a string is not a partner key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a partner API key (lk_<id>_<secret>)")]
pub struct NotAKey;

fn url_safe(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl PartnerKey {
    /// Length of the public id.
    pub const ID_LEN: usize = 12;
    /// Length of the secret.
    pub const SECRET_LEN: usize = 43;

    /// Reads a presented key.
    pub fn parse(s: &str) -> Result<Self, NotAKey> {
        let rest = s.trim().strip_prefix(KEY_PREFIX).ok_or(NotAKey)?;
        let (id, secret) = rest.split_at_checked(Self::ID_LEN).ok_or(NotAKey)?;
        let secret = secret.strip_prefix('_').ok_or(NotAKey)?;
        let id_ok = id.bytes().all(|b| b.is_ascii_alphanumeric());
        if secret.len() != Self::SECRET_LEN || !id_ok || !url_safe(secret) {
            return Err(NotAKey);
        }
        Ok(PartnerKey {
            id: id.to_owned(),
            secret: secret.to_owned(),
        })
    }

    /// A key from its parts (freshly generated ones).
    pub fn from_parts(id: &str, secret: &str) -> Result<Self, NotAKey> {
        Self::parse(&format!("{KEY_PREFIX}{id}_{secret}"))
    }

    /// The public id: safe to log, and what the key is looked up by.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The secret, to hash.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The whole key, to show once.
    pub fn reveal(&self) -> String {
        format!("{KEY_PREFIX}{}_{}", self.id, self.secret)
    }
}

impl std::fmt::Debug for PartnerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{KEY_PREFIX}{}_…", self.id)
    }
}

/// True when `actor` may register and manage partners scoped to the node at `scope` of kind
/// `kind`: a district admin over it, and the scope a street or a community.
pub fn may_manage(actor: &Actor, scope: &NodePath, kind: NodeKind) -> bool {
    matches!(kind, NodeKind::Street | NodeKind::Community)
        && actor.has_role_over(RoleKind::DistrictAdmin, scope)
}

/// A partner's own id for a request it pushes in (its ticket number): 1 to 128 visible ASCII
/// characters. The same id again means the same request, never a second one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalId(String);

/// Why a string is not an external id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExternalIdError {
    /// Empty.
    #[error("external_id is required")]
    Empty,
    /// Longer than the maximum.
    #[error("external_id is at most {max} characters")]
    TooLong {
        /// The maximum.
        max: usize,
    },
    /// Not a visible ASCII character (spaces and control characters included).
    #[error("external_id may hold only visible ASCII characters")]
    Character,
}

impl ExternalId {
    /// The longest id.
    pub const MAX_LEN: usize = 128;

    /// Reads an id exactly as given: partners compare ids byte for byte, so nothing is trimmed.
    pub fn parse(s: &str) -> Result<Self, ExternalIdError> {
        if s.is_empty() {
            return Err(ExternalIdError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ExternalIdError::Character);
        }
        if s.len() > Self::MAX_LEN {
            return Err(ExternalIdError::TooLong { max: Self::MAX_LEN });
        }
        Ok(ExternalId(s.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// True when a partner scoped to `scope` may read the request on the building at `building`:
/// a partner sees the requests of its subtree, whoever submitted them, and nothing else.
pub fn may_read(scope: &NodePath, building: &NodePath) -> bool {
    scope.contains(building)
}

/// How far ahead of our clock a partner's own `submitted_at` may be: the clocks of two systems
/// disagree a little, as the signature's tolerance allows.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// True when a partner's statement of when its resident reported is believable: not in the
/// future beyond [`CLOCK_SKEW`]. Kept for reference only: deadlines run from when the request
/// reached the community, which is when the service promise starts.
pub fn plausible_report_time(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at <= now + CLOCK_SKEW
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{RoleGrant, RoleScope};
    use crate::{OrgNodeId, UserId};

    const SECRET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN_-q";

    #[test]
    fn keys_parse_and_never_print_their_secret() {
        let k = PartnerKey::parse(&format!("lk_AbCdEf123456_{SECRET}")).unwrap();
        assert_eq!(k.id(), "AbCdEf123456");
        assert_eq!(k.secret(), SECRET);
        assert_eq!(PartnerKey::parse(&k.reveal()), Ok(k.clone()));
        assert!(!format!("{k:?}").contains(SECRET));
        for bad in [
            "",
            "AbCdEf123456_x",
            &format!("lk_AbCdEf12345_{SECRET}"),
            &format!("lk_AbCdEf123456-{SECRET}"),
            &format!("lk_AbCdEf123456_{SECRET}x"),
            &format!("lk_AbCdEf12345!_{SECRET}"),
            "lk_短",
        ] {
            assert_eq!(PartnerKey::parse(bad), Err(NotAKey), "{bad}");
        }
    }

    #[test]
    fn district_admins_manage_partners_of_streets_and_communities_below_them() {
        let district = NodePath::root(OrgNodeId(1));
        let street = district.child(OrgNodeId(2));
        let community = street.child(OrgNodeId(3));
        let admin = Actor {
            user_id: UserId(1),
            roles: vec![RoleGrant {
                kind: RoleKind::DistrictAdmin,
                scope: RoleScope::Node(district.clone()),
            }],
        };
        assert!(may_manage(&admin, &street, NodeKind::Street));
        assert!(may_manage(&admin, &community, NodeKind::Community));
        assert!(!may_manage(
            &admin,
            &community.child(OrgNodeId(4)),
            NodeKind::Grid
        ));
        let other = NodePath::root(OrgNodeId(9)).child(OrgNodeId(10));
        assert!(!may_manage(&admin, &other, NodeKind::Street));
        let street_staff = Actor {
            user_id: UserId(2),
            roles: vec![RoleGrant {
                kind: RoleKind::StreetStaff,
                scope: RoleScope::Node(street.clone()),
            }],
        };
        assert!(!may_manage(&street_staff, &street, NodeKind::Street));
    }

    #[test]
    fn external_ids_are_visible_ascii_taken_as_given() {
        assert_eq!(
            ExternalId::parse("YJY-2026-0001").unwrap().as_str(),
            "YJY-2026-0001"
        );
        assert!(ExternalId::parse(&"x".repeat(128)).is_ok());
        assert_eq!(
            ExternalId::parse(&"x".repeat(129)),
            Err(ExternalIdError::TooLong { max: 128 })
        );
        assert_eq!(ExternalId::parse(""), Err(ExternalIdError::Empty));
        for bad in [" a", "a b", "a\n", "工单1", "a\u{7f}"] {
            assert_eq!(
                ExternalId::parse(bad),
                Err(ExternalIdError::Character),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn partners_read_their_subtree_only() {
        let community = NodePath::root(OrgNodeId(1)).child(OrgNodeId(2));
        let building = community.child(OrgNodeId(3)).child(OrgNodeId(4));
        assert!(may_read(&community, &building));
        assert!(!may_read(&building, &community));
        let sibling = NodePath::root(OrgNodeId(1)).child(OrgNodeId(22));
        assert!(!may_read(&community, &sibling.child(OrgNodeId(3))));
    }

    #[test]
    fn a_report_time_may_not_lie_in_the_future() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T09:00:00+08:00")
            .unwrap()
            .to_utc();
        assert!(plausible_report_time(now - TimeDelta::days(3), now));
        assert!(plausible_report_time(now + CLOCK_SKEW, now));
        assert!(!plausible_report_time(
            now + CLOCK_SKEW + TimeDelta::seconds(1),
            now
        ));
    }
}
