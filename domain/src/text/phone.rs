/// A mainland China phone number, stored normalised: a mobile as its 11 digits (`13812345678`),
/// a landline as area code, dash, number (`029-12345678`).
///
/// Personal data: `Debug` prints it masked, so it cannot leak into logs by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    normalised: String,
    kind: PhoneKind,
}

/// Which kind of number a [`PhoneNumber`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    /// 11 digits, `1[3-9]` then nine more.
    Mobile,
    /// `0`, an area code, and a 7- or 8-digit number.
    Landline,
}

/// Why a string is not a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    /// Nothing but white space.
    #[error("a phone number cannot be empty")]
    Empty,
    /// A character other than digits, spaces, dashes and a leading `+`.
    #[error("a phone number holds only digits, spaces, dashes and a leading '+'")]
    Character,
    /// Digits that make neither a mobile nor a landline number.
    #[error("not a mainland China mobile (1xxxxxxxxxx) or landline (0xx-xxxxxxxx) number")]
    Format,
}

impl PhoneNumber {
    /// Parses a number as a client typed it. Spaces and dashes are ignored; a mobile may carry
    /// the country code (`+86` or `86`).
    ///
    /// A landline's area code is read from its digits, as the numbering plan fixes it: `10` and
    /// `2x` are the two-digit codes (Beijing, Shanghai, Xi'an's `29`…), every other code has three.
    pub fn parse(s: &str) -> Result<Self, PhoneNumberError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let (plus, rest) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if !rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        {
            return Err(PhoneNumberError::Character);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if plus || (digits.len() == 13 && digits.starts_with("86")) {
            return match digits.strip_prefix("86") {
                Some(national) if is_mobile(national) => Ok(Self::mobile(national)),
                _ => Err(PhoneNumberError::Format),
            };
        }
        if is_mobile(&digits) {
            return Ok(Self::mobile(&digits));
        }
        landline(&digits).ok_or(PhoneNumberError::Format)
    }

    fn mobile(digits: &str) -> Self {
        PhoneNumber {
            normalised: digits.to_owned(),
            kind: PhoneKind::Mobile,
        }
    }

    /// The number, normalised.
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// The number, normalised and owned.
    pub fn into_inner(self) -> String {
        self.normalised
    }

    /// Mobile or landline.
    pub fn kind(&self) -> PhoneKind {
        self.kind
    }

    /// The number as shown to roles that don't need it whole: a mobile keeps its first three and
    /// last four digits (`138****5678`), a landline its area code and last two (`029-******78`).
    pub fn masked(&self) -> String {
        let n = &self.normalised;
        match self.kind {
            PhoneKind::Mobile => format!("{}****{}", &n[..3], &n[n.len() - 4..]),
            PhoneKind::Landline => {
                let (area, number) = n.split_once('-').unwrap_or(("", n));
                let hidden = "*".repeat(number.len() - 2);
                format!("{area}-{hidden}{}", &number[number.len() - 2..])
            }
        }
    }
}

impl std::fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PhoneNumber").field(&self.masked()).finish()
    }
}

/// `1[3-9]` followed by nine digits.
fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// `0`, an area code, then a 7- or 8-digit number.
fn landline(d: &str) -> Option<PhoneNumber> {
    let b = d.as_bytes();
    if b.first() != Some(&b'0') || b.len() < 3 {
        return None;
    }
    let area_len = match (b[1], b[2]) {
        (b'1', b'0') | (b'2', _) => 3,
        (b'3'..=b'9', _) => 4,
        _ => return None,
    };
    let number = d.get(area_len..)?;
    (7..=8).contains(&number.len()).then(|| PhoneNumber {
        normalised: format!("{}-{number}", &d[..area_len]),
        kind: PhoneKind::Landline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_in_every_spelling_normalise_to_eleven_digits() {
        for s in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+8613812345678",
            "+86 138 1234 5678",
            "8613812345678",
        ] {
            let p = PhoneNumber::parse(s).unwrap();
            assert_eq!(p.as_str(), "13812345678", "{s}");
            assert_eq!(p.kind(), PhoneKind::Mobile);
        }
        assert!(PhoneNumber::parse("19912345678").is_ok());
    }

    #[test]
    fn refuses_what_is_not_a_mobile() {
        for s in [
            "12812345678",
            "1381234567",
            "138123456789",
            "23812345678",
            "+8602912345678",
            "+1 415 555 0100",
        ] {
            assert_eq!(PhoneNumber::parse(s), Err(PhoneNumberError::Format), "{s}");
        }
    }

    #[test]
    fn landlines_take_their_area_code_from_the_numbering_plan() {
        let cases = [
            ("029-12345678", "029-12345678"),
            ("02912345678", "029-12345678"),
            ("010 6512 3456", "010-65123456"),
            ("0755-2345678", "0755-2345678"),
            ("03112345678", "0311-2345678"),
            ("0571-88889999", "0571-88889999"),
        ];
        for (input, stored) in cases {
            let p = PhoneNumber::parse(input).unwrap();
            assert_eq!(p.as_str(), stored, "{input}");
            assert_eq!(p.kind(), PhoneKind::Landline);
        }
    }

    #[test]
    fn refuses_malformed_landlines() {
        for s in [
            "029-123456",
            "029-123456789",
            "011-23456789",
            "00-23456789",
            "0",
        ] {
            assert_eq!(PhoneNumber::parse(s), Err(PhoneNumberError::Format), "{s}");
        }
    }

    #[test]
    fn refuses_empty_and_foreign_characters() {
        assert_eq!(PhoneNumber::parse("  "), Err(PhoneNumberError::Empty));
        assert_eq!(
            PhoneNumber::parse("(029)12345678"),
            Err(PhoneNumberError::Character)
        );
        assert_eq!(
            PhoneNumber::parse("138１2345678"),
            Err(PhoneNumberError::Character)
        );
        assert_eq!(
            PhoneNumber::parse("138+12345678"),
            Err(PhoneNumberError::Character)
        );
    }

    #[test]
    fn masks_keep_only_what_identifies_the_line() {
        let mask = |s| PhoneNumber::parse(s).unwrap().masked();
        assert_eq!(mask("+86 138 1234 5678"), "138****5678");
        assert_eq!(mask("029-12345678"), "029-******78");
        assert_eq!(mask("0755-2345678"), "0755-*****78");
    }

    #[test]
    fn debug_does_not_print_the_number() {
        let p = PhoneNumber::parse("13812345678").unwrap();
        let shown = format!("{p:?}");
        assert!(!shown.contains("13812345678"), "{shown}");
        assert!(shown.contains("138****5678"), "{shown}");
    }
}
