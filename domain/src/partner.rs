//! Partner platforms (合作平台) such as the street's "云家园": registered by a district admin
//! with a scope (a street or a community), they reach the requests in that scope with an API
//! key. The key's first part is public and names it in logs; the rest is a secret kept only
//! as a hash.

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
}
