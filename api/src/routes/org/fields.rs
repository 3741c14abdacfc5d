//! Field errors for the administration bodies (org, users, categories): gathered so that a
//! client learns every mistake of a body at once, each named by its field, with a stable code
//! and a message in both languages.

use linli_domain::access::admin::{CoordinateError, DeadlineError, Label, LabelError};
use linli_domain::category::HandlerKind;
use linli_domain::org::{BuildingCode, BuildingCodeError};
use linli_domain::text::{Password, PhoneNumber, Username};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, FieldError, Msg};
use crate::validation::field_error;

/// The field errors of one body.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    /// No errors yet.
    pub fn new() -> Self {
        Fields::default()
    }

    /// Records an error.
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// The value, or `None` after recording that the field is missing.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(required(field));
        }
        value
    }

    /// The parsed value, or `None` after recording why it was refused.
    pub fn check<T>(&mut self, parsed: Result<T, FieldError>) -> Option<T> {
        parsed.map_err(|e| self.push(e)).ok()
    }

    /// `Ok` when no error was recorded, else a 422 listing them all.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// A missing field.
pub fn required(field: &str) -> FieldError {
    FieldError::new(
        field,
        "required",
        Msg::new("缺少必填字段", "This field is required"),
    )
}

/// A field this kind of thing does not have.
pub fn not_allowed(field: &str, message: Msg) -> FieldError {
    FieldError::new(field, "not_allowed", message)
}

/// An id that names nothing the caller may use.
pub fn unknown(field: &str, message: Msg) -> FieldError {
    FieldError::new(field, "not_found", message)
}

/// A value outside the allowed set.
pub fn invalid_value(field: &str, allowed: &[&str]) -> FieldError {
    let list = allowed.join(", ");
    FieldError::new(
        field,
        "invalid_value",
        Msg::new(
            format!("取值应为以下之一：{list}"),
            format!("Must be one of: {list}"),
        ),
    )
}

/// A name (of a node, company, account or category).
pub fn label(field: &str, s: &str) -> Result<Label, FieldError> {
    Label::parse(s).map_err(|e| match e {
        LabelError::Empty => FieldError::new(
            field,
            "empty",
            Msg::new("名称不能为空", "Must not be empty"),
        ),
        LabelError::TooLong { max } => FieldError::new(
            field,
            "too_long",
            Msg::new(
                format!("最多 {max} 个字符"),
                format!("At most {max} characters"),
            ),
        ),
        LabelError::ControlCharacter => FieldError::new(
            field,
            "invalid_characters",
            Msg::new(
                "只能是一行文字，不能含控制字符",
                "Must be one line without control characters",
            ),
        ),
    })
}

/// A login name.
pub fn username(field: &str, s: &str) -> Result<Username, FieldError> {
    Username::parse(s).map_err(|e| field_error(field, &e))
}

/// A new password.
pub fn password(field: &str, s: &str) -> Result<Password, FieldError> {
    Password::parse(s).map_err(|e| field_error(field, &e))
}

/// A phone number.
pub fn phone(field: &str, s: &str) -> Result<PhoneNumber, FieldError> {
    PhoneNumber::parse(s).map_err(|e| field_error(field, &e))
}

/// A building's public code.
pub fn building_code(field: &str, s: &str) -> Result<BuildingCode, FieldError> {
    BuildingCode::parse(s).map_err(|e| match e {
        BuildingCodeError::Length => FieldError::new(
            field,
            "invalid_length",
            Msg::new(
                "楼栋编码应为 1 到 16 个字符",
                "Must have 1 to 16 characters",
            ),
        ),
        BuildingCodeError::Character => FieldError::new(
            field,
            "invalid_characters",
            Msg::new(
                "楼栋编码只能包含字母、数字和连字符",
                "Only letters, digits and '-'",
            ),
        ),
    })
}

/// A latitude or longitude out of range.
pub fn coordinate(field: &str, e: CoordinateError) -> FieldError {
    let CoordinateError { min, max } = e;
    FieldError::new(
        field,
        "out_of_range",
        Msg::new(
            format!("应在 {min} 到 {max} 之间"),
            format!("Must lie between {min} and {max}"),
        ),
    )
}

/// A deadline setting out of range.
pub fn deadline(field: &str, e: DeadlineError) -> FieldError {
    let DeadlineError { min, max } = e;
    FieldError::new(
        field,
        "out_of_range",
        Msg::new(
            format!("应在 {min} 到 {max} 之间"),
            format!("Must lie between {min} and {max}"),
        ),
    )
}

// The enumerations below are schemas only: bodies carry plain strings, parsed with the
// domain's own `parse`, so that a bad value is listed with the body's other field errors rather
// than stopping deserialisation. A test keeps them in step with the domain.

/// A level of the organisation tree, from the top down.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum OrgNodeKind {
    /// 区
    District,
    /// 街道
    Street,
    /// 社区
    Community,
    /// 网格
    Grid,
    /// 小区
    Compound,
    /// 楼栋
    Building,
    /// 居民家庭
    Household,
}

/// A role, bound to an org node (or, for property staff, a property company).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RoleName {
    /// 居民 (household)
    Resident,
    /// 楼栋兴管家 (building)
    Butler,
    /// 网格员 (grid)
    GridWorker,
    /// 物业工作人员 (property company)
    PropertyStaff,
    /// 志愿者 (community)
    Volunteer,
    /// 社区工作人员 (community)
    CommunityStaff,
    /// 街道工作人员 (street)
    StreetStaff,
    /// 区管理员 (district)
    DistrictAdmin,
}

/// Who a category's requests go to by default.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DefaultHandler {
    /// The property company managing the building's compound.
    PropertyCompany,
    /// A volunteer of the community, else one of the building's butlers.
    Volunteer,
    /// The grid's worker.
    GridWorker,
    /// Community staff.
    CommunityStaff,
}

/// Every default handler.
pub const HANDLERS: [HandlerKind; 4] = [
    HandlerKind::PropertyCompany,
    HandlerKind::Volunteer,
    HandlerKind::GridWorker,
    HandlerKind::CommunityStaff,
];

#[cfg(test)]
mod tests {
    use linli_domain::access::RoleKind;
    use linli_domain::org::NodeKind;

    use super::*;

    fn names<T: Serialize>(values: &[T]) -> Vec<String> {
        values
            .iter()
            .map(|v| {
                serde_json::to_value(v)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn schema_enumerations_match_the_domain() {
        use OrgNodeKind as K;
        let kinds = [
            K::District,
            K::Street,
            K::Community,
            K::Grid,
            K::Compound,
            K::Building,
            K::Household,
        ];
        assert_eq!(names(&kinds), NodeKind::ALL.map(NodeKind::as_str));
        use RoleName as R;
        let roles = [
            R::Resident,
            R::Butler,
            R::GridWorker,
            R::PropertyStaff,
            R::Volunteer,
            R::CommunityStaff,
            R::StreetStaff,
            R::DistrictAdmin,
        ];
        assert_eq!(names(&roles), RoleKind::ALL.map(RoleKind::as_str));
        use DefaultHandler as H;
        let handlers = [
            H::PropertyCompany,
            H::Volunteer,
            H::GridWorker,
            H::CommunityStaff,
        ];
        assert_eq!(names(&handlers), HANDLERS.map(HandlerKind::as_str));
        for h in HANDLERS {
            assert_eq!(HandlerKind::parse(h.as_str()), Some(h));
        }
    }
}
