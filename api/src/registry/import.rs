//! Importing an office's household register: read the file, check every row (the domain's
//! parser), then write everything in one transaction, or nothing and a report of every bad row.
//!
//! A household already in the registry is refused (`already_registered`): re-importing the
//! same file stores nothing twice, and changes to a registered household go through its own
//! endpoints, where each change is seen. A household node that exists without a profile (a
//! building's demo or hand-made households) is reused, not duplicated.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use linli_domain::OrgNodeId;
use linli_domain::access::{Actor, RoleKind};
use linli_domain::org::NodeKind;
use linli_domain::registry::import::{self, Column, ImportContext, ImportProblem, RowError};
use linli_persistence::org::{self, NewNode, OrgNode};
use linli_persistence::registry::care::{self, NewCareTag};
use linli_persistence::registry::households::{self, NewProfile, NewResident};
use linli_persistence::tx::transaction;
use linli_persistence::{DbConnection, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use super::seal;
use super::table::{self, Format};
use crate::crypto::DataCipher;
use crate::error::{ApiError, Msg};
use crate::i18n::Lang;
use crate::state::AppState;

/// The largest file accepted: a register of 20,000 residents fits in well under this.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// Households given a profile.
    pub households: usize,
    /// Of those, household nodes created (the rest existed without a profile).
    pub households_created: usize,
    /// Residents recorded.
    pub residents: usize,
    /// Care tags recorded.
    pub care_tags: usize,
}

/// A bad row, for the 422 report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowError {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The column's wire name (`phone`), when about one cell.
    pub column: Option<String>,
    /// Stable code.
    pub code: String,
    /// What is wrong, in the caller's language.
    pub message: String,
}

fn message(problem: ImportProblem, column: Option<Column>, lang: Lang) -> String {
    let col = column.map(Column::as_str).unwrap_or("");
    let (zh, en) = match problem {
        ImportProblem::Empty => (
            "文件没有数据行".to_owned(),
            "The file has no data rows".to_owned(),
        ),
        ImportProblem::TooManyRows => (
            format!("一次最多导入 {} 行", import::MAX_ROWS),
            format!("At most {} rows per file", import::MAX_ROWS),
        ),
        ImportProblem::MissingColumn => {
            (format!("缺少列：{col}"), format!("Missing column: {col}"))
        }
        ImportProblem::Required => (format!("{col} 不能为空"), format!("{col} is required")),
        ImportProblem::Invalid => (format!("{col} 格式不正确"), format!("{col} is not valid")),
        ImportProblem::UnknownBuilding => (
            "社区内没有该楼栋编号".into(),
            "No building with this code".into(),
        ),
        ImportProblem::OutsideScope => (
            "该楼栋不在导入的节点之下".into(),
            "The building is outside the node imported into".into(),
        ),
        ImportProblem::AlreadyRegistered => (
            "该户已在台账中（不重复导入，请在住户页面修改）".into(),
            "The household is already registered (edit it instead)".into(),
        ),
        ImportProblem::Inconsistent => (
            "同一户的人数不一致".into(),
            "The household's rows disagree on its size".into(),
        ),
        ImportProblem::TooManyResidents => (
            "登记人数超过该户人数".into(),
            "More residents than the household's size".into(),
        ),
        ImportProblem::ConsentRequired => (
            "有关爱标签时须填写同意方式".into(),
            "Care tags need how consent was given".into(),
        ),
    };
    match lang {
        Lang::En => en,
        _ => zh,
    }
}

fn report(errors: &[RowError], lang: Lang) -> ApiError {
    let rows: Vec<ImportRowError> = errors
        .iter()
        .map(|e| ImportRowError {
            row: e.row,
            column: e.column.map(|c| c.as_str().to_owned()),
            code: e.problem.code().to_owned(),
            message: message(e.problem, e.column, lang),
        })
        .collect();
    ApiError::unprocessable(
        "import.invalid",
        Msg::new(
            format!("导入文件有 {} 处错误，未导入任何数据", rows.len()),
            format!("The file has {} problems; nothing was imported", rows.len()),
        ),
    )
    .with_details(serde_json::json!({ "rows": rows }))
}

fn unreadable(e: &table::TableError) -> ApiError {
    ApiError::unprocessable(
        "import.unreadable",
        Msg::new("无法读取文件（CSV 请保存为 UTF-8 编码）", e.to_string()),
    )
}

/// Imports a register into the buildings under `node` (a community, grid, compound or
/// building), as community staff over it.
pub async fn run(
    state: &AppState,
    actor: Actor,
    node: OrgNodeId,
    format: Format,
    bytes: Vec<u8>,
    lang: Lang,
) -> Result<ImportReport, ApiError> {
    let now = state.clock.now();
    let this_year = now.with_timezone(&state.tz).year();
    let cipher = state.cipher.clone();
    // Read before the writer is taken: a broken file costs the others nothing.
    let sheet = tokio::task::spawn_blocking(move || table::read(format, &bytes))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| unreadable(&e))?;
    let started = std::time::Instant::now();
    let report = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let root = match org::get_node(conn, node) {
                    Ok(n) => n,
                    Err(StoreError::NotFound) => return Err(node_not_found()),
                    Err(e) => return Err(e.into()),
                };
                if !actor.has_role_over(RoleKind::CommunityStaff, &root.path) {
                    return Err(if actor.administers(&root.path) {
                        super::service::not_allowed()
                    } else {
                        node_not_found()
                    });
                }
                if !matches!(
                    root.kind,
                    NodeKind::Community | NodeKind::Grid | NodeKind::Compound | NodeKind::Building
                ) {
                    return Err(ApiError::unprocessable(
                        "import.wrong_node",
                        Msg::new(
                            "只能导入到社区、网格、小区或楼栋",
                            "Import into a community, grid, compound or building",
                        ),
                    ));
                }
                let (ctx, buildings, existing) = context(conn, &root, this_year)?;
                let parsed = import::parse(&sheet, &ctx).map_err(|e| report(&e, lang))?;
                write(conn, &cipher, &actor, &parsed, &buildings, &existing, now)
            })
        })
        .await?;
    tracing::info!(
        node = node.0,
        households = report.households,
        residents = report.residents,
        ms = started.elapsed().as_millis() as u64,
        "household register imported"
    );
    Ok(report)
}

fn node_not_found() -> ApiError {
    ApiError::not_found("org.node_not_found", Msg::new("节点不存在", "No such node"))
}

type Buildings = HashMap<String, OrgNode>;
type Existing = HashMap<(OrgNodeId, String), OrgNode>;

/// What the parser needs, from one look at the community's buildings and households.
fn context(
    conn: &mut DbConnection,
    root: &OrgNode,
    this_year: i32,
) -> Result<(ImportContext, Buildings, Existing), ApiError> {
    let community = match root.community_id {
        Some(c) => org::get_node(conn, c)?,
        None => root.clone(),
    };
    let mut buildings = Buildings::new();
    let mut other = HashSet::new();
    for b in org::subtree_of_kind(conn, &community.path, NodeKind::Building)? {
        let Some(code) = b.code.clone() else { continue };
        if root.path.contains(&b.path) {
            buildings.insert(code.to_ascii_uppercase(), b);
        } else {
            other.insert(code.to_ascii_uppercase());
        }
    }
    let code_of: HashMap<OrgNodeId, String> =
        buildings.iter().map(|(c, b)| (b.id, c.clone())).collect();
    let mut existing = Existing::new();
    for h in org::subtree_of_kind(conn, &root.path, NodeKind::Household)? {
        if let Some(p) = h.parent_id {
            existing.insert((p, h.name.clone()), h);
        }
    }
    let registered_ids: HashSet<OrgNodeId> = households::registered_under(conn, &root.path)?
        .into_iter()
        .collect();
    let registered = existing
        .iter()
        .filter(|(_, h)| registered_ids.contains(&h.id))
        .filter_map(|((b, name), _)| code_of.get(b).map(|c| (c.clone(), name.clone())))
        .collect();
    let only_building = (root.kind == NodeKind::Building)
        .then(|| root.code.clone().map(|c| c.to_ascii_uppercase()))
        .flatten();
    Ok((
        ImportContext {
            this_year,
            buildings: buildings.keys().cloned().collect(),
            other_buildings: other,
            only_building,
            registered,
        },
        buildings,
        existing,
    ))
}

/// Writes the checked register, row by row (no batch insert on both backends), in the
/// caller's transaction.
fn write(
    conn: &mut DbConnection,
    cipher: &DataCipher,
    actor: &Actor,
    parsed: &[import::ImportHousehold],
    buildings: &Buildings,
    existing: &Existing,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport, ApiError> {
    let mut out = ImportReport {
        households: 0,
        households_created: 0,
        residents: 0,
        care_tags: 0,
    };
    for h in parsed {
        let building = &buildings[&h.building];
        let name = h.node_name();
        let node = match existing.get(&(building.id, name.clone())) {
            Some(n) => n.clone(),
            None => {
                out.households_created += 1;
                org::create_node(
                    conn,
                    &NewNode {
                        parent: Some(building.id),
                        kind: NodeKind::Household,
                        name,
                        code: None,
                        latitude: None,
                        longitude: None,
                        property_company_id: None,
                    },
                    now,
                )?
            }
        };
        households::put_profile(
            conn,
            &node,
            &NewProfile {
                unit: h.unit.as_str().to_owned(),
                room: h.room.as_str().to_owned(),
                size: h.size.get(),
                notes: None,
            },
            now,
        )?;
        out.households += 1;
        for r in &h.residents {
            let rec = households::add_resident(
                conn,
                &node,
                &NewResident {
                    name: seal::name(cipher, &r.name)?,
                    relation: r.relation,
                    birth_year: r.birth_year.map(|y| y.get()),
                    phone: r
                        .phone
                        .as_ref()
                        .map(|p| seal::phone(cipher, p))
                        .transpose()?,
                    user_id: None,
                },
                now,
            )?;
            out.residents += 1;
            for tag in &r.care_tags {
                care::add(
                    conn,
                    &node,
                    &NewCareTag {
                        tag: *tag,
                        resident_id: Some(rec.id),
                        consent_method: r.consent.expect("the parser requires consent with tags"),
                        consent_by_resident_id: Some(rec.id),
                        consent_at: now,
                        recorded_by: actor.user_id,
                    },
                    now,
                )?;
                out.care_tags += 1;
            }
            for (tag, method, row) in &h.care_tags {
                if *row == r.row {
                    care::add(
                        conn,
                        &node,
                        &NewCareTag {
                            tag: *tag,
                            resident_id: None,
                            consent_method: *method,
                            consent_by_resident_id: Some(rec.id),
                            consent_at: now,
                            recorded_by: actor.user_id,
                        },
                        now,
                    )?;
                    out.care_tags += 1;
                }
            }
        }
    }
    Ok(out)
}
