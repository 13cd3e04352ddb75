//! [`Lenient`]: how a type takes a JSON value of any kind, either decoding it or handing it back untouched.

use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// What decoding one JSON value into `T` gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    /// The value fits `T`.
    Value(T),
    /// `null`.
    Null,
    /// The value does not fit `T`; kept as it came.
    Mismatch {
        /// The value, untouched.
        raw: Value,
        /// What `T` expects (`"boolean"`, `"object"`, …).
        expected: &'static str,
        /// What came instead (`"string"`, …).
        found: &'static str,
    },
}

impl<T> Outcome<T> {
    /// A mismatch of `raw` against `T`'s declared kind.
    pub fn mismatch(raw: Value) -> Self
    where
        T: Lenient,
    {
        let found = kind_of(&raw);
        Outcome::Mismatch { raw, expected: T::EXPECTED, found }
    }

    /// The outcome with its value changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Value(v) => Outcome::Value(f(v)),
            Outcome::Null => Outcome::Null,
            Outcome::Mismatch { raw, expected, found } => Outcome::Mismatch { raw, expected, found },
        }
    }
}

/// The JSON kind of a value, as warnings name it.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A type that takes a JSON value of any kind: each `from_*` method decodes the kind it accepts, and the defaults
/// refuse (the value is then kept as [`Outcome::Mismatch`]). Implemented for the scalar, collection and JSON types
/// the models use, and for every model (structs through [`crate::object!`]).
pub trait Lenient: Sized + Serialize {
    /// The JSON kind this type declares, for warnings and strict-mode errors.
    const EXPECTED: &'static str;

    /// From `null` (only a type that holds `null` itself, like `Option`, takes it; a field keeps `null` otherwise).
    fn from_null() -> Option<Self> {
        None
    }
    /// From `true`/`false`.
    fn from_bool(_value: bool) -> Option<Self> {
        None
    }
    /// From an integer that fits `i64` (negative ones, as JSON parsers give them).
    fn from_i64(_value: i64) -> Option<Self> {
        None
    }
    /// From a non-negative integer.
    fn from_u64(_value: u64) -> Option<Self> {
        None
    }
    /// From a number written with a fraction or an exponent.
    fn from_f64(_value: f64) -> Option<Self> {
        None
    }
    /// From a string.
    fn from_str(_value: &str) -> Option<Self> {
        None
    }
    /// From an owned string (no copy when the type keeps it); gives it back when it does not fit.
    fn from_string(value: String) -> Result<Self, String> {
        Self::from_str(&value).ok_or(value)
    }
    /// From an object.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Outcome<Self>, A::Error> {
        Ok(Outcome::mismatch(Value::Object(collect_map(map)?)))
    }
    /// From an array.
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Outcome<Self>, A::Error> {
        Ok(Outcome::mismatch(Value::Array(collect_seq(seq)?)))
    }
}

/// The rest of an object, as JSON.
pub fn collect_map<'de, A: MapAccess<'de>>(map: A) -> Result<Map<String, Value>, A::Error> {
    Map::deserialize(MapAccessDeserializer::new(map))
}

/// The rest of an array, as JSON.
pub fn collect_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Vec<Value>, A::Error> {
    Vec::deserialize(SeqAccessDeserializer::new(seq))
}

/// Decodes one JSON value as `T` leniently (a [`DeserializeSeed`] for `MapAccess::next_value_seed`).
pub struct Seed<T>(PhantomData<fn() -> T>);

impl<T> Seed<T> {
    /// The seed.
    pub fn new() -> Self {
        Seed(PhantomData)
    }
}

impl<T> Default for Seed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
    type Value = Outcome<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<T>, D::Error> {
        deserializer.deserialize_any(AnyKind::<T>(PhantomData))
    }
}

/// Takes whatever kind of value comes and asks `T` whether it fits.
struct AnyKind<T>(PhantomData<fn() -> T>);

fn number<T: Lenient>(decoded: Option<T>, raw: impl Into<Number>) -> Outcome<T> {
    decoded.map_or_else(|| Outcome::mismatch(Value::Number(raw.into())), Outcome::Value)
}

impl<'de, T: Lenient> Visitor<'de> for AnyKind<T> {
    type Value = Outcome<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Outcome<T>, E> {
        Ok(T::from_bool(v).map_or_else(|| Outcome::mismatch(Value::Bool(v)), Outcome::Value))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Outcome<T>, E> {
        Ok(number(T::from_i64(v), v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Outcome<T>, E> {
        Ok(number(T::from_u64(v), v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Outcome<T>, E> {
        match T::from_f64(v) {
            Some(decoded) => Ok(Outcome::Value(decoded)),
            None => {
                let raw = Number::from_f64(v).ok_or_else(|| E::custom("a number JSON cannot hold"))?;
                Ok(Outcome::mismatch(Value::Number(raw)))
            }
        }
    }
    fn visit_str<E>(self, v: &str) -> Result<Outcome<T>, E> {
        Ok(T::from_str(v).map_or_else(|| Outcome::mismatch(Value::String(v.to_owned())), Outcome::Value))
    }
    fn visit_string<E>(self, v: String) -> Result<Outcome<T>, E> {
        Ok(T::from_string(v).map_or_else(|v| Outcome::mismatch(Value::String(v)), Outcome::Value))
    }
    fn visit_unit<E>(self) -> Result<Outcome<T>, E> {
        Ok(T::from_null().map_or(Outcome::Null, Outcome::Value))
    }
    fn visit_none<E>(self) -> Result<Outcome<T>, E> {
        Ok(T::from_null().map_or(Outcome::Null, Outcome::Value))
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Outcome<T>, A::Error> {
        T::from_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Outcome<T>, A::Error> {
        T::from_seq(seq)
    }
}

/// The decoded values back as JSON, for a collection that keeps them raw after all (exact: the models encode what
/// they decoded).
pub(crate) fn to_values<'a, T: Serialize + 'a, E: serde::de::Error>(
    items: impl IntoIterator<Item = &'a T>,
) -> Result<Vec<Value>, E> {
    items.into_iter().map(|item| serde_json::to_value(item).map_err(E::custom)).collect()
}
