//! The import of a community office's household register (CSV or XLSX, one row per resident):
//! every row is checked before anything is stored, and every problem is reported with its row
//! and column, so the office fixes the file once.

use std::collections::{HashMap, HashSet};

use super::care::{CareTag, ConsentMethod};
use super::person::{BirthYear, HouseholdSize, ResidentName, Room, Unit, household_name};
use super::relation::Relation;
use crate::text::PhoneNumber;

/// The most resident rows one file may hold.
pub const MAX_ROWS: usize = 20_000;

/// A column of the register, by its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 楼栋: the building's code (DX-01-1).
    Building,
    /// 单元
    Unit,
    /// 房号
    Room,
    /// 人数: people in the household.
    Size,
    /// 姓名
    Name,
    /// 关系: to the head of the household.
    Relation,
    /// 出生年份
    BirthYear,
    /// 电话
    Phone,
    /// 关爱标签
    CareTags,
    /// 同意方式: how consent to the care tags was given.
    Consent,
}

impl Column {
    const ALL: [Column; 10] = [
        Column::Building,
        Column::Unit,
        Column::Room,
        Column::Size,
        Column::Name,
        Column::Relation,
        Column::BirthYear,
        Column::Phone,
        Column::CareTags,
        Column::Consent,
    ];

    /// The wire name (and the English header).
    pub fn as_str(self) -> &'static str {
        match self {
            Column::Building => "building",
            Column::Unit => "unit",
            Column::Room => "room",
            Column::Size => "size",
            Column::Name => "name",
            Column::Relation => "relation",
            Column::BirthYear => "birth_year",
            Column::Phone => "phone",
            Column::CareTags => "care_tags",
            Column::Consent => "consent",
        }
    }

    /// The headers an office's sheet may use for it.
    fn headers(self) -> &'static [&'static str] {
        match self {
            Column::Building => &["楼栋", "楼栋编号", "building", "building_code"],
            Column::Unit => &["单元", "unit"],
            Column::Room => &["房号", "门牌号", "room"],
            Column::Size => &["人数", "户人数", "size"],
            Column::Name => &["姓名", "name"],
            Column::Relation => &["关系", "与户主关系", "relation"],
            Column::BirthYear => &["出生年份", "birth_year"],
            Column::Phone => &["电话", "联系电话", "phone"],
            Column::CareTags => &["关爱标签", "care_tags"],
            Column::Consent => &["同意方式", "consent"],
        }
    }

    fn find(header: &str) -> Option<Column> {
        let h = header.trim().trim_start_matches('\u{feff}').trim();
        Self::ALL
            .into_iter()
            .find(|c| c.headers().iter().any(|x| x.eq_ignore_ascii_case(h)))
    }
}

/// What is wrong with a cell or a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportProblem {
    /// The file has no data rows.
    Empty,
    /// More than [`MAX_ROWS`] rows.
    TooManyRows,
    /// A required column is not in the header.
    MissingColumn,
    /// A required cell is empty.
    Required,
    /// A cell that is not what its column holds.
    Invalid,
    /// No building with this code in the community.
    UnknownBuilding,
    /// A building outside the node the file is imported into.
    OutsideScope,
    /// The household is in the registry already (re-importing does not duplicate it).
    AlreadyRegistered,
    /// The household's rows disagree (e.g. on the number of people).
    Inconsistent,
    /// More residents listed than people in the household.
    TooManyResidents,
    /// Care tags without how consent was given.
    ConsentRequired,
}

impl ImportProblem {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            ImportProblem::Empty => "empty",
            ImportProblem::TooManyRows => "too_many_rows",
            ImportProblem::MissingColumn => "missing_column",
            ImportProblem::Required => "required",
            ImportProblem::Invalid => "invalid",
            ImportProblem::UnknownBuilding => "unknown_building",
            ImportProblem::OutsideScope => "outside_scope",
            ImportProblem::AlreadyRegistered => "already_registered",
            ImportProblem::Inconsistent => "inconsistent",
            ImportProblem::TooManyResidents => "too_many_residents",
            ImportProblem::ConsentRequired => "consent_required",
        }
    }
}

/// One problem: the row as the office's spreadsheet numbers it (the header is row 1), the
/// column when it is about one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowError {
    /// 1-based row number.
    pub row: usize,
    /// The column, when it is about one cell.
    pub column: Option<Column>,
    /// What is wrong.
    pub problem: ImportProblem,
}

/// What the parser needs to know of the world.
#[derive(Debug, Clone, Default)]
pub struct ImportContext {
    /// This year (birth years may not be later).
    pub this_year: i32,
    /// The codes of the buildings the file may name (those under the node imported into).
    pub buildings: HashSet<String>,
    /// Codes of the community's buildings outside that node (named: `outside_scope`).
    pub other_buildings: HashSet<String>,
    /// When importing into one building: its code; the building column may then be left out.
    pub only_building: Option<String>,
    /// Households already in the registry, as (building code, household name).
    pub registered: HashSet<(String, String)>,
}

/// A resident's row, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportResident {
    /// Its row.
    pub row: usize,
    /// Name.
    pub name: ResidentName,
    /// Relation to the head.
    pub relation: Relation,
    /// Birth year.
    pub birth_year: Option<BirthYear>,
    /// Phone.
    pub phone: Option<PhoneNumber>,
    /// The resident's own care tags.
    pub care_tags: Vec<CareTag>,
    /// How consent to the tags was given (present whenever tags are).
    pub consent: Option<ConsentMethod>,
}

/// A household, checked, with its residents in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportHousehold {
    /// The building's code.
    pub building: String,
    /// Unit.
    pub unit: Unit,
    /// Room.
    pub room: Room,
    /// People living there.
    pub size: HouseholdSize,
    /// Its residents.
    pub residents: Vec<ImportResident>,
    /// Household-wide tags (困难家庭), each with the consent given on the row that named it.
    pub care_tags: Vec<(CareTag, ConsentMethod, usize)>,
}

impl ImportHousehold {
    /// The household node's name (`1单元101`).
    pub fn node_name(&self) -> String {
        household_name(&self.unit, &self.room)
    }
}

/// Parses a sheet (the first row its header) into households, or every problem in it.
pub fn parse(
    table: &[Vec<String>],
    ctx: &ImportContext,
) -> Result<Vec<ImportHousehold>, Vec<RowError>> {
    let mut errors = Vec::new();
    let Some((header, rows)) = table.split_first() else {
        return Err(vec![RowError {
            row: 1,
            column: None,
            problem: ImportProblem::Empty,
        }]);
    };
    let mut at: HashMap<Column, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(c) = Column::find(h) {
            at.entry(c).or_insert(i);
        }
    }
    let mut required = vec![
        Column::Unit,
        Column::Room,
        Column::Size,
        Column::Name,
        Column::Relation,
    ];
    if ctx.only_building.is_none() {
        required.insert(0, Column::Building);
    }
    for c in required {
        if !at.contains_key(&c) {
            errors.push(RowError {
                row: 1,
                column: Some(c),
                problem: ImportProblem::MissingColumn,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let data: Vec<(usize, &Vec<String>)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 2, r))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if data.is_empty() {
        return Err(vec![RowError {
            row: 2,
            column: None,
            problem: ImportProblem::Empty,
        }]);
    }
    if data.len() > MAX_ROWS {
        return Err(vec![RowError {
            row: data[MAX_ROWS].0,
            column: None,
            problem: ImportProblem::TooManyRows,
        }]);
    }

    let mut households: Vec<ImportHousehold> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (row, cells) in data {
        let cell = |c: Column| -> &str {
            at.get(&c)
                .and_then(|i| cells.get(*i))
                .map_or("", |s| s.trim())
        };
        let mut bad = |column: Column, problem: ImportProblem| {
            errors.push(RowError {
                row,
                column: Some(column),
                problem,
            });
        };
        let building = match (cell(Column::Building), &ctx.only_building) {
            ("", Some(only)) => Some(only.clone()),
            ("", None) => {
                bad(Column::Building, ImportProblem::Required);
                None
            }
            (code, _) => {
                let code = code.to_ascii_uppercase();
                if ctx.buildings.contains(&code) {
                    Some(code)
                } else if ctx.other_buildings.contains(&code) {
                    bad(Column::Building, ImportProblem::OutsideScope);
                    None
                } else {
                    bad(Column::Building, ImportProblem::UnknownBuilding);
                    None
                }
            }
        };
        let mut required = |c: Column| {
            let v = cell(c);
            if v.is_empty() {
                bad(c, ImportProblem::Required);
                None
            } else {
                Some(v)
            }
        };
        let unit = required(Column::Unit);
        let room = required(Column::Room);
        let size = required(Column::Size);
        let name = required(Column::Name);
        let relation = required(Column::Relation);
        let mut check = |c: Column, ok: bool| {
            if !ok {
                errors.push(RowError {
                    row,
                    column: Some(c),
                    problem: ImportProblem::Invalid,
                });
            }
        };
        let unit = unit.and_then(|v| {
            let p = Unit::parse(v).ok();
            check(Column::Unit, p.is_some());
            p
        });
        let room = room.and_then(|v| {
            let p = Room::parse(v).ok();
            check(Column::Room, p.is_some());
            p
        });
        let size = size.and_then(|v| {
            let p = HouseholdSize::parse(v).ok();
            check(Column::Size, p.is_some());
            p
        });
        let name = name.and_then(|v| {
            let p = ResidentName::parse(v).ok();
            check(Column::Name, p.is_some());
            p
        });
        let relation = relation.and_then(|v| {
            let p = Relation::parse(v).ok();
            check(Column::Relation, p.is_some());
            p
        });
        let birth_year = match cell(Column::BirthYear) {
            "" => Ok(None),
            v => BirthYear::parse(v, ctx.this_year).map(Some).map_err(|_| ()),
        };
        check(Column::BirthYear, birth_year.is_ok());
        let phone = match cell(Column::Phone) {
            "" => Ok(None),
            v => PhoneNumber::parse(v).map(Some).map_err(|_| ()),
        };
        check(Column::Phone, phone.is_ok());
        let tags = CareTag::parse_list(cell(Column::CareTags));
        check(Column::CareTags, tags.is_ok());
        let consent = match cell(Column::Consent) {
            "" => Ok(None),
            v => ConsentMethod::parse(v).map(Some).map_err(|_| ()),
        };
        check(Column::Consent, consent.is_ok());
        let tags = tags.unwrap_or_default();
        if !tags.is_empty() && matches!(consent, Ok(None)) {
            errors.push(RowError {
                row,
                column: Some(Column::Consent),
                problem: ImportProblem::ConsentRequired,
            });
        }
        let (
            Some(building),
            Some(unit),
            Some(room),
            Some(size),
            Some(name),
            Some(relation),
            Ok(birth_year),
            Ok(phone),
            Ok(consent),
        ) = (
            building, unit, room, size, name, relation, birth_year, phone, consent,
        )
        else {
            continue;
        };
        let key = (building.clone(), household_name(&unit, &room));
        let i = match index.get(&key) {
            Some(i) => *i,
            None => {
                if ctx.registered.contains(&key) {
                    errors.push(RowError {
                        row,
                        column: Some(Column::Room),
                        problem: ImportProblem::AlreadyRegistered,
                    });
                    continue;
                }
                households.push(ImportHousehold {
                    building,
                    unit,
                    room,
                    size,
                    residents: Vec::new(),
                    care_tags: Vec::new(),
                });
                index.insert(key, households.len() - 1);
                households.len() - 1
            }
        };
        let h = &mut households[i];
        if h.size != size {
            errors.push(RowError {
                row,
                column: Some(Column::Size),
                problem: ImportProblem::Inconsistent,
            });
            continue;
        }
        if h.residents.len() as i32 >= h.size.get() {
            errors.push(RowError {
                row,
                column: Some(Column::Size),
                problem: ImportProblem::TooManyResidents,
            });
            continue;
        }
        let (wide, own): (Vec<CareTag>, Vec<CareTag>) =
            tags.into_iter().partition(|t| t.is_household_wide());
        for t in wide {
            if !h.care_tags.iter().any(|(x, _, _)| *x == t) {
                h.care_tags.push((t, consent.expect("checked above"), row));
            }
        }
        h.residents.push(ImportResident {
            row,
            name,
            relation,
            birth_year,
            phone,
            consent: if own.is_empty() { None } else { consent },
            care_tags: own,
        });
    }
    if errors.is_empty() {
        Ok(households)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&str]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.split(',').map(str::to_owned).collect())
            .collect()
    }

    fn ctx() -> ImportContext {
        ImportContext {
            this_year: 2026,
            buildings: ["DX-01-1", "DX-01-2"].map(str::to_owned).into(),
            other_buildings: ["DX-02-1"].map(str::to_owned).into(),
            only_building: None,
            registered: [("DX-01-2".to_owned(), "1单元101".to_owned())].into(),
        }
    }

    const HEADER: &str = "楼栋,单元,房号,人数,姓名,关系,出生年份,电话,关爱标签,同意方式";

    #[test]
    fn rows_group_into_households_with_their_tags() {
        let t = sheet(&[
            HEADER,
            "DX-01-1,1,101,2,王秀英,户主,1948,13812345678,独居老人;困难家庭,书面",
            "dx-01-1,1单元,101室,2,李建国,配偶,1950,,,",
            ",,,,,,,,,",
            "DX-01-1,2,202,1,赵敏,户主,,029-12345678,,",
        ]);
        let hs = parse(&t, &ctx()).unwrap();
        assert_eq!(hs.len(), 2);
        assert_eq!(hs[0].node_name(), "1单元101");
        assert_eq!(hs[0].residents.len(), 2);
        assert_eq!(
            hs[0].residents[0].care_tags,
            vec![CareTag::ElderlyLivingAlone]
        );
        assert_eq!(hs[0].residents[0].consent, Some(ConsentMethod::Written));
        assert_eq!(
            hs[0].care_tags,
            vec![(CareTag::HardshipFamily, ConsentMethod::Written, 2)]
        );
        assert_eq!(hs[0].residents[1].row, 3);
        assert_eq!(hs[1].residents[0].row, 5);
        assert_eq!(
            hs[1].residents[0].phone.as_ref().unwrap().as_str(),
            "029-12345678"
        );
    }

    #[test]
    fn english_headers_and_a_building_of_its_own() {
        let t = sheet(&["unit,room,size,name,relation", "1,101,1,Li Ming,head"]);
        let mut c = ctx();
        c.only_building = Some("DX-01-1".into());
        let hs = parse(&t, &c).unwrap();
        assert_eq!(hs[0].building, "DX-01-1");
        assert_eq!(
            parse(&t, &ctx()).unwrap_err(),
            vec![RowError {
                row: 1,
                column: Some(Column::Building),
                problem: ImportProblem::MissingColumn
            }]
        );
    }

    #[test]
    fn every_bad_cell_is_reported_with_row_and_column() {
        let t = sheet(&[
            HEADER,
            "DX-01-1,1,101,2,王秀英,户主,1948,13812345678,,",
            "DX-09-9,1,101,2,张三,邻居,2030,12345,富豪,",
            "DX-01-1,1,101,3,李四,子女,,,,",
            "DX-01-1,1,101,2,周五,子女,,,,",
            "DX-01-1,1,101,2,吴六,子女,,,,",
            "DX-02-1,1,101,1,郑七,户主,,,,",
            "DX-01-2,1,101,1,冯八,户主,,,独居老人,",
            "DX-01-2,1,101,1,陈九,户主,,,,",
            "DX-01-1,,102,1,,户主,,,,",
        ]);
        let errs = parse(&t, &ctx()).unwrap_err();
        let got: Vec<(usize, Option<&str>, &str)> = errs
            .iter()
            .map(|e| (e.row, e.column.map(Column::as_str), e.problem.code()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("building"), "unknown_building"),
                (3, Some("relation"), "invalid"),
                (3, Some("birth_year"), "invalid"),
                (3, Some("phone"), "invalid"),
                (3, Some("care_tags"), "invalid"),
                (4, Some("size"), "inconsistent"),
                (6, Some("size"), "too_many_residents"),
                (7, Some("building"), "outside_scope"),
                (8, Some("consent"), "consent_required"),
                (8, Some("room"), "already_registered"),
                (9, Some("room"), "already_registered"),
                (10, Some("unit"), "required"),
                (10, Some("name"), "required"),
            ]
        );
    }

    #[test]
    fn empty_and_oversized_files() {
        assert_eq!(
            parse(&[], &ctx()).unwrap_err()[0].problem,
            ImportProblem::Empty
        );
        assert_eq!(
            parse(&sheet(&[HEADER]), &ctx()).unwrap_err()[0].problem,
            ImportProblem::Empty
        );
        let mut t = sheet(&[HEADER]);
        for i in 0..=MAX_ROWS {
            t.push(
                format!("DX-01-1,1,{},1,某某,户主,,,,", i % 9000 + 1)
                    .split(',')
                    .map(str::to_owned)
                    .collect(),
            );
        }
        let e = parse(&t, &ctx()).unwrap_err();
        assert_eq!(e[0].problem, ImportProblem::TooManyRows);
        assert_eq!(e[0].row, MAX_ROWS + 2);
    }
}
