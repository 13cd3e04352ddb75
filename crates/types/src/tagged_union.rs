//! `tagged_union!`: polymorphic schemas (a base with a `discriminator`) as real tagged types.
//!
//! typify ignores discriminators; build.rs emits one of these per discriminated base schema (`Application`,
//! `Policy`, `UserFactor`, ...). Decoding reads the object into the subtype its discriminator property names, in one
//! pass (the members before the discriminator are held as JSON, then replayed; `okta_management_decode::tagged`),
//! which keeps every subtype field (and, through its `extra` map, every field the spec does not list).
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
            /// The floor of `benches/decode.rs`: one object decoded straight into the variant `tag` names, as if the
            /// discriminator were known before reading (what no decoder can do; the benchmark's lower bound).
            /// Generic, so that only a caller compiles it.
            #[doc(hidden)]
            pub fn decode_known_variant<'de, D: ::serde::Deserializer<'de>>(
                tag: &str,
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                match tag {
                    $(
                        $($value)|+ => <$ty as ::serde::Deserialize>::deserialize(deserializer).map(Self::$variant),
                    )*
                    _ => {
                        $(
                            return <$fallback_ty as ::serde::Deserialize>::deserialize(deserializer).map(Self::$fallback);
                        )?
                        #[allow(unreachable_code)]
                        ::serde::Deserialize::deserialize(deserializer).map(Self::Unknown)
                    }
                }
            }

            /// One pass: the members before the discriminator are held as JSON, the rest go straight into the variant.
            fn decode<'de, A: ::serde::de::MapAccess<'de>>(
                map: A,
                location: $crate::tagged_union::FieldLocation<'_>,
            ) -> ::std::result::Result<Self, A::Error> {
                use $crate::tagged_union::tagged;
                let (tag, object) = tagged::until_tag(map, $tag)?;
                match tag.as_deref() {
                    $(
                        $(Some($value))|+ => Ok(tagged::variant(object, location)?.map_or_else(Self::Unknown, Self::$variant)),
                    )*
                    _ => {
                        $(
                            // An object the fallback type cannot take is still kept whole.
                            return Ok(tagged::variant(object, location)?.map_or_else(Self::Unknown, Self::$fallback));
                        )?
                        #[allow(unreachable_code)]
                        Ok(Self::Unknown(tagged::keep(object)?))
                    }
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("a ", ::std::stringify!($name), " object"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::std::result::Result<$name, A::Error> {
                        let location = $crate::tagged_union::FieldLocation { owner: ::std::stringify!($name), member: "(top level)" };
                        $name::decode(map, location)
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }

        impl $crate::tagged_union::Lenient for $name {
            const EXPECTED: &'static str = "object";
            fn from_map<'de, A: ::serde::de::MapAccess<'de>>(
                map: A, location: $crate::tagged_union::FieldLocation<'_>) -> ::std::result::Result<$crate::tagged_union::Outcome<Self>, A::Error> {
                Self::decode(map, location).map($crate::tagged_union::Outcome::Value)
            }
            fn map_into<'de, A: ::serde::de::MapAccess<'de>, P: $crate::tagged_union::DecodeTarget<Self>>(
                target: P, map: A, location: $crate::tagged_union::FieldLocation<'_>) -> ::std::result::Result<$crate::tagged_union::TargetOutcome, A::Error> {
                // Straight into its target (a union is as large as its largest variant: no `Outcome` in between).
                target.put(Self::decode(map, location)?);
                Ok($crate::tagged_union::TargetOutcome::Stored)
            }
        }
    };
}

#[doc(hidden)]
pub use okta_management_decode::{DecodeTarget, FieldLocation, Lenient, Outcome, TargetOutcome, tagged};
