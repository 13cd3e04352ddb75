//! Models as objects: [`Object`] and the [`object!`](crate::object) macro that writes a model's `Deserialize`,
//! `Serialize` and [`Lenient`] impls, with the [`ModelField`] each field is.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

use crate::context;
use crate::lenient::{DecodeTarget, FieldLocation, Lenient, TargetOutcome, TargetSeed};

/// A member name as read: borrowed from the input when it can be.
pub type Key<'de> = Cow<'de, str>;

/// A model struct whose members are decoded one by one ([`crate::object!`] implements it).
pub trait Object: Default {
    /// The model's name, for warnings.
    const NAME: &'static str;
    /// Decodes the value of member `key` into its field, or into the `extra` map.
    fn member<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

/// Decodes an object into `T`, member by member, from `T::default()`.
pub fn decode_object<'de, T: Object, A: MapAccess<'de>>(map: A) -> Result<T, A::Error> {
    let mut out = T::default();
    decode_members(&mut out, map)?;
    Ok(out)
}

/// Decodes an object's members into `out` (a fresh `T::default()`), in place.
pub fn decode_members<'de, T: Object, A: MapAccess<'de>>(out: &mut T, mut map: A) -> Result<(), A::Error> {
    while let Some(key) = map.next_key_seed(KeySeed)? {
        out.member(key, &mut map)?;
    }
    Ok(())
}

/// What a model field is: `Option<T>`, an array that defaults to empty (`Vec<T>`), or a tri-state field
/// (`okta_management_types::Field`). It takes a decoded value, may keep `null`, and writes itself back.
pub trait ModelField {
    /// The type of the value inside.
    type Item: Lenient;
    /// Whether the field holds `null` (then `null` is not a value that does not fit; otherwise it goes to `extra`).
    const TAKES_NULL: bool;
    /// Stores a decoded value.
    fn put(&mut self, value: Self::Item);
    /// Stores `Item::default()` and gives it to be decoded into in place.
    fn insert_default(&mut self) -> &mut Self::Item
    where
        Self::Item: Default;
    /// Stores `null` (called only when [`ModelField::TAKES_NULL`]).
    fn put_null(&mut self) {}
    /// Whether the field holds something to write (a value or `null`).
    fn is_present(&self) -> bool;
    /// Makes the field absent again.
    fn clear(&mut self);
    /// Writes the field as member `key` of `map`, unless it is absent.
    fn serialize_into<M: SerializeMap>(&self, key: &'static str, map: &mut M) -> Result<(), M::Error>;
}

impl<T: Lenient> ModelField for Option<T> {
    type Item = T;
    const TAKES_NULL: bool = false;
    fn put(&mut self, value: T) {
        *self = Some(value);
    }
    fn insert_default(&mut self) -> &mut T
    where
        T: Default,
    {
        self.insert(T::default())
    }
    fn is_present(&self) -> bool {
        self.is_some()
    }
    fn clear(&mut self) {
        *self = None;
    }
    fn serialize_into<M: SerializeMap>(&self, key: &'static str, map: &mut M) -> Result<(), M::Error> {
        match self {
            Some(value) => map.serialize_entry(key, value),
            None => Ok(()),
        }
    }
}

/// An array field that defaults to empty (typify's `default` + `skip_serializing_if = "Vec::is_empty"`): written
/// when it has items.
impl<T: Lenient> ModelField for Vec<T> {
    type Item = Vec<T>;
    const TAKES_NULL: bool = false;
    fn put(&mut self, value: Vec<T>) {
        *self = value;
    }
    fn insert_default(&mut self) -> &mut Vec<T> {
        Vec::clear(self);
        self
    }
    fn is_present(&self) -> bool {
        !self.is_empty()
    }
    fn clear(&mut self) {
        Vec::clear(self);
    }
    fn serialize_into<M: SerializeMap>(&self, key: &'static str, map: &mut M) -> Result<(), M::Error> {
        if self.is_empty() { Ok(()) } else { map.serialize_entry(key, self) }
    }
}

/// Decodes member `key`'s value into `field`; a value that does not fit (or a `null` the field cannot hold) goes to
/// `extra` under `key`, reported to the decode's [`context`] (an error in strict mode).
pub fn member<'de, S: ModelField, A: MapAccess<'de>>(
    owner: &'static str,
    field: &mut S,
    extra: &mut Map<String, Value>,
    key: Key<'de>,
    map: &mut A,
) -> Result<(), A::Error> {
    let location = FieldLocation { owner, member: &key };
    let inside = context::enter_key(&key);
    let outcome = map.next_value_seed(TargetSeed::<S::Item, _>::new(FieldTarget(field), location, S::TAKES_NULL))?;
    drop(inside);
    let kept_aside = match outcome {
        TargetOutcome::Stored => None,
        TargetOutcome::Null if S::TAKES_NULL => {
            field.put_null();
            None
        }
        TargetOutcome::Null => Some((Value::Null, S::Item::EXPECTED, "null")),
        TargetOutcome::Mismatch { raw, expected, found } => Some((raw, expected, found)),
    };
    // A member given twice: the last one wins, as in every JSON reader that keeps one (so a value kept aside
    // earlier, or decoded earlier, does not outlive it).
    match kept_aside {
        None if !extra.is_empty() => drop(extra.remove(&*key)),
        None => {}
        Some((raw, expected, found)) => {
            context::report(owner, &key, expected, found);
            field.clear();
            extra.insert(key.into_owned(), raw);
        }
    }
    Ok(())
}

/// A model field as a [`DecodeTarget`]: a decoded value goes into the [`ModelField`], a model is decoded right
/// there.
pub struct FieldTarget<'a, S>(pub &'a mut S);

impl<S: ModelField> DecodeTarget<S::Item> for FieldTarget<'_, S> {
    fn put(self, value: S::Item) {
        self.0.put(value);
    }
    fn insert_default<'p>(self) -> &'p mut S::Item
    where
        Self: 'p,
        S::Item: Default,
    {
        self.0.insert_default()
    }
}

/// A member the model does not declare: kept in `extra`.
pub fn unknown<'de, A: MapAccess<'de>>(
    extra: &mut Map<String, Value>,
    key: Key<'de>,
    map: &mut A,
) -> Result<(), A::Error> {
    let value = map.next_value::<Value>()?;
    extra.insert(key.into_owned(), value);
    Ok(())
}

/// Reads a member name, borrowing it from the input when there is no escape in it.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Cow::Owned(v))
    }
}

/// The `Deserialize` of an [`Object`]: an object, decoded leniently; anything else is an error (the top level of a
/// response must be what the operation declares).
pub struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<T> ObjectVisitor<T> {
    /// The visitor.
    pub fn new() -> Self {
        ObjectVisitor(PhantomData)
    }
}

impl<T> Default for ObjectVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        decode_object(map)
    }
}

/// Writes the `Deserialize`, `Serialize` and [`Lenient`] impls of a model struct that has an `extra` map:
/// `object!(User, extra { id: "id", last_login: "lastLogin", ... })`. Each listed field is a [`ModelField`]; members not
/// listed, and values that do not fit their field, live in `extra`. Writing back puts the typed fields first and
/// skips an `extra` entry whose field holds something (the typed value wins once set).
#[macro_export]
macro_rules! object {
    ($name:ident, $extra:ident { $($field:ident: $json:literal),* $(,)? }) => {
        impl $crate::Object for $name {
            const NAME: &'static str = ::std::stringify!($name);
            fn member<'de, A: $crate::serde::de::MapAccess<'de>>(
                &mut self,
                key: $crate::Key<'de>,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                match &*key {
                    $($json => $crate::member(<Self as $crate::Object>::NAME, &mut self.$field, &mut self.$extra, key, map),)*
                    _ => $crate::unknown(&mut self.$extra, key, map),
                }
            }
        }

        impl $crate::Lenient for $name {
            const EXPECTED: &'static str = "object";
            fn from_map<'de, A: $crate::serde::de::MapAccess<'de>>(
                map: A, _location: $crate::FieldLocation<'_>) -> ::std::result::Result<$crate::Outcome<Self>, A::Error> {
                $crate::decode_object(map).map($crate::Outcome::Value)
            }
            fn map_into<'de, A: $crate::serde::de::MapAccess<'de>, P: $crate::DecodeTarget<Self>>(
                target: P, map: A, _location: $crate::FieldLocation<'_>) -> ::std::result::Result<$crate::TargetOutcome, A::Error> {
                $crate::decode_members(target.insert_default(), map).map(|()| $crate::TargetOutcome::Stored)
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_map($crate::ObjectVisitor::<Self>::new())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use $crate::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                $($crate::ModelField::serialize_into(&self.$field, $json, &mut map)?;)*
                for (key, value) in &self.$extra {
                    let typed = match key.as_str() {
                        $($json => $crate::ModelField::is_present(&self.$field),)*
                        _ => false,
                    };
                    if !typed {
                        map.serialize_entry(key, value)?;
                    }
                }
                map.end()
            }
        }
    };
}

/// [`Lenient`] for a model that keeps serde's own decoding (a transparent newtype over a lenient type goes through
/// [`crate::newtype!`] instead): the value is read as JSON, then decoded; one that does not fit is kept as it came.
#[macro_export]
macro_rules! via_json {
    ($name:ident, $expected:literal) => {
        impl $crate::Lenient for $name {
            const EXPECTED: &'static str = $expected;
            fn from_bool(value: bool) -> ::std::option::Option<Self> {
                $crate::from_json($crate::serde_json::Value::Bool(value)).ok()
            }
            fn from_i64(value: i64) -> ::std::option::Option<Self> {
                $crate::from_json(value.into()).ok()
            }
            fn from_u64(value: u64) -> ::std::option::Option<Self> {
                $crate::from_json(value.into()).ok()
            }
            fn from_f64(value: f64) -> ::std::option::Option<Self> {
                $crate::from_json(value.into()).ok()
            }
            fn from_str(value: &str) -> ::std::option::Option<Self> {
                $crate::from_json(value.into()).ok()
            }
            fn from_collected(value: $crate::serde_json::Value) -> $crate::Outcome<Self> {
                $crate::from_json(value).map_or_else($crate::Outcome::mismatch, $crate::Outcome::Value)
            }
        }
    };
}

/// [`Lenient`] for a transparent newtype (`struct Label(String)`): whatever its inner type takes.
#[macro_export]
macro_rules! newtype {
    ($name:ident, $inner:ty) => {
        impl $crate::Lenient for $name {
            const EXPECTED: &'static str = <$inner as $crate::Lenient>::EXPECTED;
            fn from_null() -> ::std::option::Option<Self> {
                <$inner as $crate::Lenient>::from_null().map(Self)
            }
            fn from_bool(value: bool) -> ::std::option::Option<Self> {
                <$inner as $crate::Lenient>::from_bool(value).map(Self)
            }
            fn from_i64(value: i64) -> ::std::option::Option<Self> {
                <$inner as $crate::Lenient>::from_i64(value).map(Self)
            }
            fn from_u64(value: u64) -> ::std::option::Option<Self> {
                <$inner as $crate::Lenient>::from_u64(value).map(Self)
            }
            fn from_f64(value: f64) -> ::std::option::Option<Self> {
                <$inner as $crate::Lenient>::from_f64(value).map(Self)
            }
            fn from_str(value: &str) -> ::std::option::Option<Self> {
                <$inner as $crate::Lenient>::from_str(value).map(Self)
            }
            fn from_string(value: ::std::string::String) -> ::std::result::Result<Self, ::std::string::String> {
                <$inner as $crate::Lenient>::from_string(value).map(Self)
            }
            fn from_map<'de, A: $crate::serde::de::MapAccess<'de>>(
                map: A,
                location: $crate::FieldLocation<'_>,
            ) -> ::std::result::Result<$crate::Outcome<Self>, A::Error> {
                Ok(<$inner as $crate::Lenient>::from_map(map, location)?.map(Self))
            }
            fn from_seq<'de, A: $crate::serde::de::SeqAccess<'de>>(
                seq: A,
                location: $crate::FieldLocation<'_>,
            ) -> ::std::result::Result<$crate::Outcome<Self>, A::Error> {
                Ok(<$inner as $crate::Lenient>::from_seq(seq, location)?.map(Self))
            }
        }
    };
}

/// Decodes a JSON value with `T`'s own `Deserialize` (for [`crate::via_json!`]): decoded whole, in a lenient
/// context of its own. Values that do not fit inside are kept inside and reported to the decode's context; when
/// that context fails on one of them (strict mode), the whole value counts as not fitting, so the error names it.
pub fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Value> {
    // Decoding from a reference leaves the value to hand back when it does not fit.
    let (decoded, inner) = context::decode_with(context::Mode::Lenient, || T::deserialize(&value));
    match decoded {
        Ok(decoded) if !context::absorb(inner) => Ok(decoded),
        _ => Err(value),
    }
}
