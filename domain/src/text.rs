//! What clients type, parsed into types that are valid once held.
//!
//! Each type trims what a client sent, counts characters rather than bytes (most text is Chinese)
//! and says what is wrong with a typed error; the API maps each variant to a code and a message.

mod description;
mod location;
mod note;
mod password;
mod phone;
mod photo;
mod username;

pub use description::{Description, DescriptionError};
pub use location::{LocationText, LocationTextError};
pub use note::{Note, NoteError};
pub use password::{Password, PasswordError};
pub use phone::{PhoneKind, PhoneNumber, PhoneNumberError};
pub use photo::{PhotoUrl, PhotoUrlError, PhotoUrls, PhotoUrlsError};
pub use username::{Username, UsernameError};

/// Why a trimmed, bounded text was refused; each public error type is built from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Empty,
    TooLong,
    Control,
}

/// Trims `s` and checks it holds 1 to `max` characters and no control characters. Multi-line
/// text keeps line breaks and tabs; any other control character (a NUL above all, which
/// PostgreSQL refuses to store) is refused.
fn bounded(s: &str, max: usize, multiline: bool) -> Result<String, Refusal> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Refusal::Empty);
    }
    if s.chars().count() > max {
        return Err(Refusal::TooLong);
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if s.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(Refusal::Control);
    }
    Ok(s.to_owned())
}
