//! `tagged_union!`: polymorphic schemas (a base with a `discriminator`) as real tagged types.
//!
//! typify ignores discriminators; build.rs emits one of these per discriminated base schema (`Application`,
//! `Policy`, `UserFactor`, ...). Decoding reads the discriminator property and decodes the whole object into that
//! subtype, which keeps every subtype field (and, through its `extra` map, every field the spec does not list).
//! A discriminator value the spec does not map decodes into `Unknown`, which keeps the whole JSON object — or,
//! for a union with a fallback member (the one member that does not declare the discriminator), into that member.

/// Defines a discriminated union over subtype structs plus an `Unknown` variant.
#[doc(hidden)]
#[macro_export]
macro_rules! tagged_union {
    ($name:ident tag $tag:literal { $($variant:ident($ty:ty) = [$($value:literal),+],)* } $(else $fallback:ident($fallback_ty:ty))?) => {
        #[doc = concat!("`", stringify!($name), "`, discriminated by its `", $tag, "` property.")]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $tag, "` = ", $("`", $value, "` "),+)]
                $variant($ty),
            )*
            $(
                #[doc = concat!("Any other `", $tag, "` value, or none")]
                $fallback($fallback_ty),
            )?
            /// A discriminator value this version of the spec does not map (or none): the whole object, kept.
            Unknown(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        }

        impl $name {
            /// The discriminator property's name in JSON.
            pub const DISCRIMINATOR: &'static str = $tag;
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(inner) => ::serde::Serialize::serialize(inner, serializer),)*
                    $(Self::$fallback(inner) => ::serde::Serialize::serialize(inner, serializer),)?
                    Self::Unknown(object) => ::serde::Serialize::serialize(object, serializer),
                }
            }
        }

        impl $name {
            /// Decodes an object by its discriminator: what no variant takes is `Unknown`, whole; an error only when the
            /// decode fails on a value inside that does not fit (strict mode).
            #[doc(hidden)]
            pub fn from_object(
                object: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            ) -> ::std::result::Result<Self, ::serde_json::Error> {
                let tag = object.get($tag).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    $(
                        $(Some($value))|+ => Ok($crate::tagged_union::decode_or_keep(object)?.map_or_else(Self::Unknown, Self::$variant)),
                    )*
                    _ => {
                        $(
                            // An object the fallback type cannot take is still kept whole.
                            return Ok($crate::tagged_union::decode_or_keep(object)?.map_or_else(Self::Unknown, Self::$fallback));
                        )?
                        #[allow(unreachable_code)]
                        Ok(Self::Unknown(object))
                    }
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let object = <::serde_json::Map<::std::string::String, ::serde_json::Value> as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::from_object(object).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        impl $crate::tagged_union::Lenient for $name {
            const EXPECTED: &'static str = "object";
            fn from_map<'de, A: ::serde::de::MapAccess<'de>>(
                map: A, _site: $crate::tagged_union::Site<'_>) -> ::std::result::Result<$crate::tagged_union::Outcome<Self>, A::Error> {
                let object = $crate::tagged_union::collect_map(map)?;
                Self::from_object(object)
                    .map($crate::tagged_union::Outcome::Value)
                    .map_err(<A::Error as ::serde::de::Error>::custom)
            }
        }
    };
}

#[doc(hidden)]
pub use okta_management_decode::{Lenient, Outcome, Site, collect_map};

/// Decodes an object into `T`: `Ok(Err(object))` gives the object back untouched when it does not fit; `Err` only
/// when the decode's context has failed on a mismatch inside (strict mode), which must not be swallowed.
#[doc(hidden)]
pub fn decode_or_keep<T: serde::de::DeserializeOwned>(
    object: serde_json::Map<String, serde_json::Value>,
) -> Result<Result<T, serde_json::Map<String, serde_json::Value>>, serde_json::Error> {
    let value = serde_json::Value::Object(object);
    match T::deserialize(&value) {
        Ok(decoded) => Ok(Ok(decoded)),
        Err(error) if okta_management_decode::context::failed() => Err(error),
        Err(_) => match value {
            serde_json::Value::Object(object) => Ok(Err(object)),
            _ => Ok(Err(serde_json::Map::new())),
        },
    }
}
