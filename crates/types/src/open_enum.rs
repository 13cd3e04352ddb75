//! `open_enum!`: string enums that survive values Okta adds after the spec was published.
//!
//! Every enum of the spec is generated through this macro (see `okta-management-codegen`'s `emit/`). A value the spec does not
//! list decodes into `Unknown(String)` and encodes back unchanged, so one new value never fails a response.

/// Defines an open string enum: known variants plus `Unknown(String)` carrying any other value verbatim.
#[doc(hidden)]
#[macro_export]
macro_rules! open_enum {
    ($name:ident { $($variant:ident => $value:literal,)* }) => {
        #[doc = concat!("Open enum `", stringify!($name), "`: the values the spec lists, and `Unknown` for any other.")]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $value, "`")]
                $variant,
            )*
            /// A value this version of the spec does not list, kept verbatim.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// Whether this is a value the spec does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::convert::From<&::std::string::String> for $name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        $crate::__wire_string_impls!($name);

        impl $crate::open_enum::Lenient for $name {
            const EXPECTED: &'static str = "string";
            fn from_str(value: &str) -> ::std::option::Option<Self> {
                ::std::option::Option::Some(Self::from(value))
            }
            fn from_string(value: ::std::string::String) -> ::std::result::Result<Self, ::std::string::String> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str($crate::open_enum::OpenEnumVisitor::<Self>::new())
            }
        }
    };
}

/// `Display` and serde's `Serialize` as a string enum's wire value (its `as_str`), written once for [`open_enum!`]
/// and the hooks crate's wire enums. Not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_string_impls {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

#[doc(hidden)]
pub use okta_management_decode::Lenient;

/// Serde visitor shared by every open enum: borrows when it can, allocates only for unknown values.
#[doc(hidden)]
pub struct OpenEnumVisitor<T>(std::marker::PhantomData<T>);

impl<T> OpenEnumVisitor<T> {
    #[doc(hidden)]
    pub fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<T> Default for OpenEnumVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: for<'a> From<&'a str> + From<String>> serde::de::Visitor<'de> for OpenEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::from(v))
    }
}
