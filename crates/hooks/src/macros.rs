//! The shapes the hook payloads repeat, each written once: [`wire_enum!`] (a fixed set of strings Okta sends or
//! accepts, as `open_enum!` is for the API's models), [`payload_struct!`] (an object whose members are all optional,
//! with an `extra` map that keeps the members it does not model) and [`string_setters!`] (a builder's methods that
//! set its optional text members).

/// An enum of wire strings, each variant's string written once:
///
/// ```text
/// wire_enum! {
///     /// What the enum is.
///     pub enum RegistrationVerdict {
///         /// What `ALLOW` means (after a first paragraph, `ALLOW`, that the macro writes).
///         Allow = "ALLOW",
///         Deny = "DENY",
///     }
/// }
/// ```
///
/// gives the enum (`Debug`, `Clone`, `Copy`, `PartialEq`, `Eq`, `Hash`), `ALL` (every value, in order), `as_str`
/// (the wire string), `FromStr` (a string that is none of them is an [`UnknownWireValue`](crate::UnknownWireValue)),
/// `Display` (the wire string) and serde as the wire string. Ending the list with `_ => Other,` makes the enum
/// open: `Other(String)` keeps any other string verbatim, `FromStr` never fails and `From<String>`/`Into<String>`
/// convert (no `Copy`, no `ALL`).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$doc:meta])* $variant:ident = $wire:literal,)+
            $(_ => $other:ident,)?
        }
    ) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $(#[$meta])*
        pub enum $name {
            $(
                #[doc = concat!("`", $wire, "`")]
                #[doc = ""]
                $(#[$doc])*
                $variant,
            )+
            $(
                /// Any other value, kept verbatim.
                $other(String),
            )?
        }

        wire_enum!(@kind $name [$($other)?] { $($variant = $wire,)+ });

        ::okta_management_types::__wire_string_impls!($name);

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };

    // Closed: a fixed set of values.
    (@kind $name:ident [] { $($variant:ident = $wire:literal,)+ }) => {
        impl ::std::marker::Copy for $name {}

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [Self; [$($wire),+].len()] = [$(Self::$variant),+];

            /// The wire string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownWireValue;
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                match text {
                    $($wire => Ok(Self::$variant),)+
                    _ => Err($crate::UnknownWireValue::new(stringify!($name))),
                }
            }
        }
    };

    // Open: the known values, and any other kept in `$other`.
    (@kind $name:ident [$other:ident] { $($variant:ident = $wire:literal,)+ }) => {
        impl $name {
            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::$other(other) => other,
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match text.as_str() {
                    $($wire => Self::$variant,)+
                    _ => Self::$other(text),
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::$other(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(text.to_owned()))
            }
        }
    };
}

/// A payload object: every listed member optional (absent members stay absent when written back), and the members
/// it does not list kept in `extra`, so that the object decodes and encodes again without loss:
///
/// ```text
/// payload_struct! {
///     /// What the object is.
///     #[serde(rename_all = "camelCase")]
///     pub struct HookUrl {
///         /// The URL.
///         value: String,
///     }
/// }
/// ```
///
/// gives `pub value: Option<String>` and `pub extra: Extra`, with `Debug`, `Clone`, `Default`, `PartialEq` and
/// serde. Attributes on the struct or on a member (`#[serde(rename = "_links")]`) are kept.
macro_rules! payload_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* $field:ident: $ty:ty,)*
        }
    ) => {
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Members not modelled above.
            #[serde(flatten)]
            pub extra: $crate::Extra,
        }
    };
}

/// Builder methods that set optional text members, one per member: `string_setters!(ErrorCause { reason, })` gives
/// `fn reason(self, value: impl Into<String>) -> Self`, which sets `reason` to `Some(value)`.
macro_rules! string_setters {
    ($name:ident { $($(#[$doc:meta])* $field:ident,)+ }) => {
        impl $name {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )+
        }
    };
}
