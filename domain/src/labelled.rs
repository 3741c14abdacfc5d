//! Closed sets of named values (kinds, statuses, skills) with a stable identifier for storage
//! and the wire, and a Chinese label for cards.

/// A stored or client-sent identifier that names no value of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`")]
pub struct UnknownName {
    /// What was parsed (`volunteer kind`, `skill`…).
    pub what: &'static str,
    /// What was given.
    pub value: String,
}

/// Declares an enum with `ALL`, `as_str`, `parse` (to [`UnknownName`]) and `zh`.
macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, {
        $($(#[$vdoc:meta])* $variant:ident => $s:literal, $zh:literal),* $(,)?
    }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable identifier (storage and wire).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s,)*
                }
            }

            /// The Chinese label, as a card shows it.
            pub fn zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh,)*
                }
            }

            /// Parses the stable identifier.
            pub fn parse(s: &str) -> Result<Self, $crate::UnknownName> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $crate::UnknownName { what: $what, value: s.to_owned() })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use labelled_enum;

/// Declares an `i64` id newtype (its database mapping lives in `persistence`).
macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

pub(crate) use id_newtype;
