use diesel::prelude::*;
use linli_domain::access::RoleKind;
use linli_domain::org::{NodeKind, NodePath};
use linli_domain::request::{Assignee, Candidate, CandidateKind};
use linli_domain::{OrgNodeId, UserId};

use super::query::open_load;
use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::org::lineage;
use crate::schema::{property_companies, user_roles, users};

/// Everyone who could take a request for a building, with their names and current load:
/// the company managing its compound, volunteers of its community, its butlers, its grid's
/// workers and its community's staff.
pub fn dispatch_candidates(
    conn: &mut DbConnection,
    building_path: &NodePath,
) -> Result<Vec<(Candidate, String)>, StoreError> {
    let nodes = lineage(conn, building_path)?;
    let id_of = |kind: NodeKind| nodes.iter().find(|n| n.kind == kind).map(|n| n.id);
    let mut found: Vec<(Assignee, CandidateKind, String)> = Vec::new();
    if let Some(company) = nodes
        .iter()
        .find(|n| n.kind == NodeKind::Compound)
        .and_then(|c| c.property_company_id)
    {
        let name: String = property_companies::table
            .find(company.0)
            .select(property_companies::name)
            .get_result(conn)?;
        found.push((
            Assignee::Company(company),
            CandidateKind::PropertyCompany,
            name,
        ));
    }
    let people = [
        (
            RoleKind::Volunteer,
            NodeKind::Community,
            CandidateKind::Volunteer,
        ),
        (RoleKind::Butler, NodeKind::Building, CandidateKind::Butler),
        (
            RoleKind::GridWorker,
            NodeKind::Grid,
            CandidateKind::GridWorker,
        ),
        (
            RoleKind::CommunityStaff,
            NodeKind::Community,
            CandidateKind::CommunityStaff,
        ),
    ];
    for (role, node_kind, kind) in people {
        let Some(node) = id_of(node_kind) else {
            continue;
        };
        for (id, name) in role_holders(conn, role, node)? {
            found.push((Assignee::User(id), kind, name));
        }
    }
    let user_ids: Vec<UserId> = found
        .iter()
        .filter_map(|(a, _, _)| match a {
            Assignee::User(u) => Some(*u),
            Assignee::Company(_) => None,
        })
        .collect();
    let companies: Vec<_> = found
        .iter()
        .filter_map(|(a, _, _)| match a {
            Assignee::Company(c) => Some(*c),
            Assignee::User(_) => None,
        })
        .collect();
    let load = open_load(conn, &user_ids, &companies)?;
    Ok(found
        .into_iter()
        .map(|(assignee, kind, name)| {
            let open_load = load.get(&assignee).copied().unwrap_or(0);
            (
                Candidate {
                    assignee,
                    kind,
                    open_load,
                },
                name,
            )
        })
        .collect())
}

fn role_holders(
    conn: &mut DbConnection,
    role: RoleKind,
    node: OrgNodeId,
) -> Result<Vec<(UserId, String)>, StoreError> {
    let rows: Vec<(i64, String)> = users::table
        .inner_join(user_roles::table)
        .filter(user_roles::role.eq(role.as_str()))
        .filter(user_roles::node_id.eq(node.0))
        .filter(users::active.eq(true))
        .order(users::id.asc())
        .select((users::id, users::display_name))
        .distinct()
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n)| (UserId(id), n)).collect())
}
