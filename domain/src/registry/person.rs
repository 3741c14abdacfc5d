//! The registry's values: a resident's name and birth year, a household's unit, room and size.
//! Each is valid once held.

/// A resident's name, 1–50 characters, trimmed.
///
/// Personal data: `Debug` prints it masked, so it cannot leak into logs by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentName(String);

/// Why a string is not a resident's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResidentNameError {
    /// Nothing but white space.
    #[error("a name cannot be empty")]
    Empty,
    /// More than 50 characters.
    #[error("a name has at most 50 characters")]
    TooLong,
    /// A control character.
    #[error("a name cannot hold control characters")]
    Control,
}

impl ResidentName {
    /// The longest name accepted, in characters.
    pub const MAX: usize = 50;

    /// Parses a name as typed.
    pub fn parse(s: &str) -> Result<Self, ResidentNameError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ResidentNameError::Empty);
        }
        if s.chars().count() > Self::MAX {
            return Err(ResidentNameError::TooLong);
        }
        if s.chars().any(char::is_control) {
            return Err(ResidentNameError::Control);
        }
        Ok(ResidentName(s.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form a search compares: without inner white space, Latin letters lower-cased, so
    /// "Li Ming" and "li ming" find each other.
    pub fn normalised(&self) -> String {
        self.0
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    }

    /// The name as shown to those who need to know someone lives there but not who:
    /// a two-character name keeps its first (张*), a longer one its first and last (张*三,
    /// 欧**锋); a one-character name shows as `*`.
    pub fn masked(&self) -> String {
        mask_name(&self.0)
    }
}

/// Masks any name (see [`ResidentName::masked`]).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 | 1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

impl std::fmt::Debug for ResidentName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ResidentName").field(&self.masked()).finish()
    }
}

/// A birth year between 1900 and the current year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BirthYear(i32);

/// Why a value is not a birth year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a birth year is a year from 1900 to this year")]
pub struct BirthYearError;

impl BirthYear {
    /// A year from 1900 to `this_year`.
    pub fn new(year: i32, this_year: i32) -> Result<Self, BirthYearError> {
        (1900..=this_year)
            .contains(&year)
            .then_some(BirthYear(year))
            .ok_or(BirthYearError)
    }

    /// Parses a cell: `1948`, or `1948年`.
    pub fn parse(s: &str, this_year: i32) -> Result<Self, BirthYearError> {
        let s = s.trim();
        let s = s.strip_suffix('年').unwrap_or(s);
        let year: i32 = s.parse().map_err(|_| BirthYearError)?;
        Self::new(year, this_year)
    }

    /// The year.
    pub fn get(self) -> i32 {
        self.0
    }
}

/// How many people live in a household: 1 to 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HouseholdSize(i32);

/// Why a value is not a household size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a household has 1 to 20 people")]
pub struct HouseholdSizeError;

impl HouseholdSize {
    /// 1 to 20.
    pub fn new(n: i32) -> Result<Self, HouseholdSizeError> {
        (1..=20)
            .contains(&n)
            .then_some(HouseholdSize(n))
            .ok_or(HouseholdSizeError)
    }

    /// Parses a cell: `3` or `3人`.
    pub fn parse(s: &str) -> Result<Self, HouseholdSizeError> {
        let s = s.trim();
        let s = s.strip_suffix('人').unwrap_or(s);
        Self::new(s.trim().parse().map_err(|_| HouseholdSizeError)?)
    }

    /// The number.
    pub fn get(self) -> i32 {
        self.0
    }
}

/// A unit (单元) of a building: 1–10 letters or digits, `单元` stripped (`2单元` → `2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unit(String);

/// A room (房号): 1–10 letters, digits or dashes, `室` stripped (`101室` → `101`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Room(String);

/// Why a cell is not a unit or room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a unit or room is 1 to 10 letters, digits or dashes")]
pub struct PlaceError;

fn place(s: &str, suffix: char) -> Result<String, PlaceError> {
    let s = s.trim();
    let s = s.strip_suffix(suffix).unwrap_or(s).trim();
    let ok = (1..=10).contains(&s.chars().count())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then(|| s.to_ascii_uppercase()).ok_or(PlaceError)
}

impl Unit {
    /// Parses a cell.
    pub fn parse(s: &str) -> Result<Self, PlaceError> {
        let s = s.trim();
        place(s.strip_suffix("单元").unwrap_or(s), ' ').map(Unit)
    }

    /// The unit.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Room {
    /// Parses a cell.
    pub fn parse(s: &str) -> Result<Self, PlaceError> {
        place(s, '室').map(Room)
    }

    /// The room.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The household node's name for a unit and room, as the org tree names households
/// (`1单元101`): how an imported row finds the node that is already there.
pub fn household_name(unit: &Unit, room: &Room) -> String {
    format!("{}单元{}", unit.as_str(), room.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_mask_as_offices_print_them() {
        let m = |s| ResidentName::parse(s).unwrap().masked();
        assert_eq!(m("张三"), "张*");
        assert_eq!(m("张小三"), "张*三");
        assert_eq!(m("欧阳小锋"), "欧**锋");
        assert_eq!(m("李"), "*");
        let shown = format!("{:?}", ResidentName::parse("王秀英").unwrap());
        assert!(!shown.contains("王秀英"), "{shown}");
    }

    #[test]
    fn names_are_trimmed_bounded_and_normalised_for_search() {
        assert_eq!(ResidentName::parse("  "), Err(ResidentNameError::Empty));
        assert_eq!(
            ResidentName::parse(&"名".repeat(51)),
            Err(ResidentNameError::TooLong)
        );
        assert_eq!(
            ResidentName::parse("a\u{7}b"),
            Err(ResidentNameError::Control)
        );
        assert_eq!(
            ResidentName::parse(" Li Ming ").unwrap().normalised(),
            ResidentName::parse("li  ming").unwrap().normalised()
        );
    }

    #[test]
    fn years_sizes_units_and_rooms() {
        assert_eq!(BirthYear::parse("1948年", 2026).unwrap().get(), 1948);
        assert!(BirthYear::parse("2027", 2026).is_err());
        assert!(BirthYear::parse("1899", 2026).is_err());
        assert!(BirthYear::parse("四八", 2026).is_err());
        assert_eq!(HouseholdSize::parse("3人").unwrap().get(), 3);
        assert!(HouseholdSize::parse("0").is_err());
        assert!(HouseholdSize::parse("21").is_err());
        let (u, r) = (Unit::parse("2单元").unwrap(), Room::parse("101室").unwrap());
        assert_eq!(household_name(&u, &r), "2单元101");
        assert_eq!(Room::parse("b-12").unwrap().as_str(), "B-12");
        assert!(Room::parse("").is_err());
        assert!(Unit::parse("一单元").is_err());
    }
}
