//! The registry's parse errors as field errors, with stable codes and Chinese messages.

use linli_domain::registry::person::{
    BirthYearError, HouseholdSizeError, PlaceError, ResidentNameError,
};

use crate::validation::Problem;

impl Problem for ResidentNameError {
    fn code(&self) -> &'static str {
        match self {
            ResidentNameError::Empty => "required",
            ResidentNameError::TooLong => "too_long",
            ResidentNameError::Control => "invalid_character",
        }
    }
    fn zh(&self) -> String {
        match self {
            ResidentNameError::Empty => "姓名不能为空".into(),
            ResidentNameError::TooLong => "姓名不能超过 50 个字".into(),
            ResidentNameError::Control => "姓名包含不允许的控制字符".into(),
        }
    }
}

impl Problem for BirthYearError {
    fn code(&self) -> &'static str {
        "out_of_range"
    }
    fn zh(&self) -> String {
        "出生年份应在 1900 年到今年之间".into()
    }
}

impl Problem for HouseholdSizeError {
    fn code(&self) -> &'static str {
        "out_of_range"
    }
    fn zh(&self) -> String {
        "人数应为 1 到 20".into()
    }
}

impl Problem for PlaceError {
    fn code(&self) -> &'static str {
        "invalid_format"
    }
    fn zh(&self) -> String {
        "单元、房号应为 1–10 位字母、数字或连字符".into()
    }
}
