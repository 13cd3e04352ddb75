//! [`Lenient`]: how a type takes a JSON value of any kind, either decoding it or handing it back untouched.

use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::context;

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
    fn from_map<'de, A: MapAccess<'de>>(map: A, _site: Site<'_>) -> Result<Outcome<Self>, A::Error> {
        Ok(Outcome::mismatch(Value::Object(collect_map(map)?)))
    }
    /// From an array.
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A, _site: Site<'_>) -> Result<Outcome<Self>, A::Error> {
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

/// Where a value is: the model and the member (an array's elements are at their array's member), for the message
/// of a value that does not fit.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// The model (`UserSchemaAttribute`).
    pub owner: &'static str,
    /// The member, as named in JSON (`unique`).
    pub member: &'a str,
}

/// Decodes one JSON value as `T` leniently (a [`DeserializeSeed`] for `MapAccess::next_value_seed`). When the
/// decode's context fails on a value that does not fit, the error is raised right at that value, so that its
/// position (and the JSON path found from it) is the value's.
pub struct Seed<'a, T> {
    site: Site<'a>,
    takes_null: bool,
    kind: PhantomData<fn() -> T>,
}

impl<'a, T> Seed<'a, T> {
    /// The seed of a value at `site`; `takes_null` when `null` fits where it goes (a tri-state field).
    pub fn new(site: Site<'a>, takes_null: bool) -> Self {
        Seed { site, takes_null, kind: PhantomData }
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<'_, T> {
    type Value = Outcome<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<T: Lenient> Seed<'_, T> {
    /// The outcome, or the error the context asks for when the value does not fit.
    fn finish<E: serde::de::Error>(&self, outcome: Outcome<T>) -> Result<Outcome<T>, E> {
        let found = match &outcome {
            Outcome::Mismatch { found, .. } => *found,
            Outcome::Null if !self.takes_null => "null",
            _ => return Ok(outcome),
        };
        if context::fails_now() {
            let Site { owner, member } = self.site;
            let member = crate::printable(member);
            return Err(E::custom(format_args!("`{owner}.{member}`: expected {}, found {found}", T::EXPECTED)));
        }
        Ok(outcome)
    }
}

fn number<T: Lenient>(decoded: Option<T>, raw: impl Into<Number>) -> Outcome<T> {
    decoded.map_or_else(|| Outcome::mismatch(Value::Number(raw.into())), Outcome::Value)
}

/// Takes whatever kind of value comes and asks `T` whether it fits.
impl<'de, T: Lenient> Visitor<'de> for Seed<'_, T> {
    type Value = Outcome<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Outcome<T>, E> {
        self.finish(T::from_bool(v).map_or_else(|| Outcome::mismatch(Value::Bool(v)), Outcome::Value))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Outcome<T>, E> {
        self.finish(number(T::from_i64(v), v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Outcome<T>, E> {
        self.finish(number(T::from_u64(v), v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Outcome<T>, E> {
        match T::from_f64(v) {
            Some(decoded) => Ok(Outcome::Value(decoded)),
            None => {
                let raw = Number::from_f64(v).ok_or_else(|| E::custom("a number JSON cannot hold"))?;
                self.finish(Outcome::mismatch(Value::Number(raw)))
            }
        }
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Outcome<T>, E> {
        self.finish(T::from_str(v).map_or_else(|| Outcome::mismatch(Value::String(v.to_owned())), Outcome::Value))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Outcome<T>, E> {
        self.finish(T::from_string(v).map_or_else(|v| Outcome::mismatch(Value::String(v)), Outcome::Value))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Outcome<T>, E> {
        self.finish(T::from_null().map_or(Outcome::Null, Outcome::Value))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Outcome<T>, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Outcome<T>, A::Error> {
        let outcome = T::from_map(map, self.site)?;
        self.finish(outcome)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Outcome<T>, A::Error> {
        let outcome = T::from_seq(seq, self.site)?;
        self.finish(outcome)
    }
}

/// The decoded values back as JSON, for a collection that keeps them raw after all (exact: the models encode what
/// they decoded).
pub(crate) fn to_values<'a, T: Serialize + 'a, E: serde::de::Error>(
    items: impl IntoIterator<Item = &'a T>,
) -> Result<Vec<Value>, E> {
    items.into_iter().map(|item| serde_json::to_value(item).map_err(E::custom)).collect()
}

/// A whole body decoded as `T` leniently: what does not fit below the top is kept (as everywhere); the top itself
/// must be what `T` declares (an object, an array...), or the decode fails. Arrays at the top track their elements'
/// indexes for the path of a failure, as arrays inside do.
pub struct Body<T>(pub T);

impl<'de, T: Lenient> serde::Deserialize<'de> for Body<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let top = Site { owner: "the response", member: "(top level)" };
        match Seed::<T>::new(top, false).deserialize(deserializer)? {
            Outcome::Value(value) => Ok(Body(value)),
            Outcome::Null => Err(serde::de::Error::custom(format_args!("the body is null, expected {}", T::EXPECTED))),
            Outcome::Mismatch { expected, found, .. } => Err(serde::de::Error::custom(format_args!(
                "the body is not what the operation declares: expected {expected}, found {found}"
            ))),
        }
    }
}
