//! Wire enums mirroring a domain enum one to one: snake_case on the wire, with their schema,
//! and `From` both ways.

/// Declares `$dto`, the wire form of the domain enum `$domain`, variant for variant.
macro_rules! dto_enum {
    ($(#[$doc:meta])* $dto:ident <=> $domain:ident { $($(#[$vdoc:meta])* $v:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq,
            ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $dto {
            $($(#[$vdoc])* $v,)*
        }

        impl From<$dto> for $domain {
            fn from(d: $dto) -> Self {
                match d {
                    $($dto::$v => $domain::$v,)*
                }
            }
        }

        impl From<$domain> for $dto {
            fn from(d: $domain) -> Self {
                match d {
                    $($domain::$v => $dto::$v,)*
                }
            }
        }
    };
}

pub(crate) use dto_enum;
