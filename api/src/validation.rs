//! Turning the domain's parse errors into field errors with stable codes and Chinese messages,
//! and collecting every bad field of a body before answering 422.

use linli_domain::text::{
    DescriptionError, LocationTextError, NoteError, PasswordError, PhoneNumberError, PhotoUrlError,
    PhotoUrlsError, UsernameError,
};

use crate::error::{ApiError, FieldError, Msg};

/// A domain parse error that can be shown as a field error.
pub trait Problem: std::error::Error {
    /// Stable code, e.g. `too_long`.
    fn code(&self) -> &'static str;
    /// The message in Chinese (English is the error's `Display`).
    fn zh(&self) -> String;
}

macro_rules! text_problem {
    ($t:ty, $what:literal) => {
        impl Problem for $t {
            fn code(&self) -> &'static str {
                match self {
                    Self::Empty => "required",
                    Self::TooLong { .. } => "too_long",
                    Self::ControlCharacter => "invalid_character",
                }
            }
            fn zh(&self) -> String {
                match self {
                    Self::Empty => format!("{}不能为空", $what),
                    Self::TooLong { max } => format!("{}不能超过 {} 个字", $what, max),
                    Self::ControlCharacter => format!("{}包含不允许的控制字符", $what),
                }
            }
        }
    };
}

text_problem!(DescriptionError, "问题描述");
text_problem!(NoteError, "说明");
text_problem!(LocationTextError, "位置说明");

impl Problem for PhoneNumberError {
    fn code(&self) -> &'static str {
        match self {
            PhoneNumberError::Empty => "required",
            _ => "invalid_format",
        }
    }
    fn zh(&self) -> String {
        match self {
            PhoneNumberError::Empty => "电话号码不能为空".into(),
            PhoneNumberError::Character => "电话号码只能包含数字、空格、连字符和开头的 +".into(),
            PhoneNumberError::Format => "请填写有效的手机号或固定电话".into(),
        }
    }
}

impl Problem for PhotoUrlError {
    fn code(&self) -> &'static str {
        "invalid_url"
    }
    fn zh(&self) -> String {
        "照片地址无效（需为 http(s) 地址，不超过 500 个字符）".into()
    }
}

impl Problem for PhotoUrlsError {
    fn code(&self) -> &'static str {
        match self {
            PhotoUrlsError::TooMany { .. } => "too_many",
            PhotoUrlsError::Invalid { .. } => "invalid_url",
        }
    }
    fn zh(&self) -> String {
        match self {
            PhotoUrlsError::TooMany { max } => format!("照片最多 {max} 张"),
            PhotoUrlsError::Invalid { index, .. } => format!("第 {} 张照片的地址无效", index + 1),
        }
    }
}

impl Problem for UsernameError {
    fn code(&self) -> &'static str {
        match self {
            UsernameError::TooShort { .. } => "too_short",
            UsernameError::TooLong { .. } => "too_long",
            UsernameError::Character => "invalid_character",
        }
    }
    fn zh(&self) -> String {
        match self {
            UsernameError::TooShort { min } => format!("用户名至少 {min} 个字符"),
            UsernameError::TooLong { max } => format!("用户名不能超过 {max} 个字符"),
            UsernameError::Character => "用户名只能包含字母、数字、下划线、点和连字符".into(),
        }
    }
}

impl Problem for PasswordError {
    fn code(&self) -> &'static str {
        match self {
            PasswordError::TooShort { .. } => "too_short",
            PasswordError::TooLong { .. } => "too_long",
        }
    }
    fn zh(&self) -> String {
        match self {
            PasswordError::TooShort { min } => format!("密码至少 {min} 个字符"),
            PasswordError::TooLong { max } => format!("密码不能超过 {max} 个字符"),
        }
    }
}

/// A domain parse error as a field error.
pub fn field_error<E: Problem>(field: &str, e: &E) -> FieldError {
    FieldError::new(field, e.code(), Msg::new(e.zh(), e.to_string()))
}

/// Collects the bad fields of one body.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    /// No errors yet.
    pub fn new() -> Self {
        Fields::default()
    }

    /// Keeps a parsed value, or records why the field is bad.
    pub fn check<T, E: Problem>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(FieldError::new(
                    field,
                    e.code(),
                    Msg::new(e.zh(), e.to_string()),
                ));
                None
            }
        }
    }

    /// Records a bad field.
    pub fn push(
        &mut self,
        field: &str,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.0
            .push(FieldError::new(field, code, Msg::new(zh.into(), en.into())));
    }

    /// True when nothing is wrong so far.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Err(422)` listing every bad field, or `Ok`.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}
