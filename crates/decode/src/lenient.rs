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
    fn from_map<'de, A: MapAccess<'de>>(map: A, _location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
        Ok(Self::from_collected(Value::Object(collect_map(map)?)))
    }
    /// From an array.
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A, _location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
        Ok(Self::from_collected(Value::Array(collect_seq(seq)?)))
    }
    /// From an object or an array read whole as JSON (by [`collect_map`], [`collect_seq`]): what the default
    /// [`from_map`](Self::from_map) and [`from_seq`](Self::from_seq) do with it.
    fn from_collected(value: Value) -> Outcome<Self> {
        Outcome::mismatch(value)
    }
    /// From an object, into `target`. A model decodes right there ([`crate::object!`] overrides this), so a large
    /// model is not moved through every layer of the decode (a user with its `_links` is several kilobytes).
    fn map_into<'de, A: MapAccess<'de>, P: DecodeTarget<Self>>(
        target: P,
        map: A,
        location: FieldLocation<'_>,
    ) -> Result<TargetOutcome, A::Error> {
        Ok(target.put_outcome(Self::from_map(map, location)?))
    }
}

/// Where a decoded value goes: a model field ([`crate::ModelField`]) or the end of an array.
pub trait DecodeTarget<T> {
    /// Stores a decoded value.
    fn put(self, value: T);
    /// Stores `T::default()` and gives it to be filled in place.
    fn insert_default<'p>(self) -> &'p mut T
    where
        Self: 'p,
        T: Default;
    /// Stores the value of `outcome`, if it has one; says what happened.
    fn put_outcome(self, outcome: Outcome<T>) -> TargetOutcome
    where
        Self: Sized,
    {
        match outcome {
            Outcome::Value(value) => {
                self.put(value);
                TargetOutcome::Stored
            }
            Outcome::Null => TargetOutcome::Null,
            Outcome::Mismatch { raw, expected, found } => TargetOutcome::Mismatch { raw, expected, found },
        }
    }
}

/// What decoding one JSON value into a [`DecodeTarget`] did: an [`Outcome`] without the value, which is in the
/// target.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetOutcome {
    /// The value fits and is stored.
    Stored,
    /// `null` (stored only by a type that holds `null` itself).
    Null,
    /// The value does not fit; kept as it came (nothing stored).
    Mismatch {
        /// The value, untouched.
        raw: Value,
        /// What the type expects.
        expected: &'static str,
        /// What came instead.
        found: &'static str,
    },
}

/// The end of an array, as a [`DecodeTarget`].
pub struct AppendTo<'a, T>(pub &'a mut Vec<T>);

impl<T> DecodeTarget<T> for AppendTo<'_, T> {
    fn put(self, value: T) {
        self.0.push(value);
    }
    fn insert_default<'p>(self) -> &'p mut T
    where
        Self: 'p,
        T: Default,
    {
        let items = self.0;
        items.push(T::default());
        match items.last_mut() {
            Some(last) => last,
            None => unreachable!("an element was pushed just above"),
        }
    }
}

/// An optional value, as a [`DecodeTarget`] (what [`LenientSeed`] decodes into before handing the value over).
impl<T> DecodeTarget<T> for &mut Option<T> {
    fn put(self, value: T) {
        *self = Some(value);
    }
    fn insert_default<'p>(self) -> &'p mut T
    where
        Self: 'p,
        T: Default,
    {
        self.insert(T::default())
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
pub struct FieldLocation<'a> {
    /// The model (`UserSchemaAttribute`).
    pub owner: &'static str,
    /// The member, as named in JSON (`unique`).
    pub member: &'a str,
}

/// Decodes one JSON value as `T` leniently (a [`DeserializeSeed`] for `MapAccess::next_value_seed`). When the
/// decode's context fails on a value that does not fit, the error is raised right at that value, so that its
/// position (and the JSON path found from it) is the value's.
pub struct LenientSeed<'a, T> {
    location: FieldLocation<'a>,
    takes_null: bool,
    kind: PhantomData<fn() -> T>,
}

impl<'a, T> LenientSeed<'a, T> {
    /// The seed of a value at `location`; `takes_null` when `null` fits where it goes (a tri-state field).
    pub fn new(location: FieldLocation<'a>, takes_null: bool) -> Self {
        LenientSeed { location, takes_null, kind: PhantomData }
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for LenientSeed<'_, T> {
    type Value = Outcome<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<T>, D::Error> {
        let mut value = None;
        let outcome = TargetSeed::<T, _>::new(&mut value, self.location, self.takes_null).deserialize(deserializer)?;
        Ok(match (outcome, value) {
            (TargetOutcome::Stored, Some(value)) => Outcome::Value(value),
            (TargetOutcome::Mismatch { raw, expected, found }, _) => Outcome::Mismatch { raw, expected, found },
            _ => Outcome::Null,
        })
    }
}

/// Decodes one JSON value as `T` leniently into a [`DecodeTarget`] (a model field, the end of an array): a model is
/// decoded right there. As [`LenientSeed`] otherwise.
pub struct TargetSeed<'a, T, P> {
    target: P,
    location: FieldLocation<'a>,
    takes_null: bool,
    kind: PhantomData<fn() -> T>,
}

impl<'a, T, P: DecodeTarget<T>> TargetSeed<'a, T, P> {
    /// The seed of a value at `location` going to `target`; `takes_null` when `null` fits there.
    pub fn new(target: P, location: FieldLocation<'a>, takes_null: bool) -> Self {
        TargetSeed { target, location, takes_null, kind: PhantomData }
    }

    /// Stores a scalar that fits, or keeps it as it came.
    fn scalar<E: serde::de::Error>(self, decoded: Option<T>, raw: impl FnOnce() -> Value) -> Result<TargetOutcome, E>
    where
        T: Lenient,
    {
        let (location, takes_null) = (self.location, self.takes_null);
        let outcome = match decoded {
            Some(value) => {
                self.target.put(value);
                TargetOutcome::Stored
            }
            None => mismatch::<T>(raw()),
        };
        finish::<T, E>(location, takes_null, outcome)
    }
}

impl<'de, T: Lenient, P: DecodeTarget<T>> DeserializeSeed<'de> for TargetSeed<'_, T, P> {
    type Value = TargetOutcome;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TargetOutcome, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn mismatch<T: Lenient>(raw: Value) -> TargetOutcome {
    let found = kind_of(&raw);
    TargetOutcome::Mismatch { raw, expected: T::EXPECTED, found }
}

/// The outcome, or the error the context asks for when the value does not fit.
fn finish<T: Lenient, E: serde::de::Error>(
    location: FieldLocation<'_>,
    takes_null: bool,
    outcome: TargetOutcome,
) -> Result<TargetOutcome, E> {
    let found = match &outcome {
        TargetOutcome::Mismatch { found, .. } => *found,
        TargetOutcome::Null if !takes_null => "null",
        _ => return Ok(outcome),
    };
    if context::fails_now() {
        let FieldLocation { owner, member } = location;
        let member = crate::printable(member);
        return Err(E::custom(format_args!("`{owner}.{member}`: expected {}, found {found}", T::EXPECTED)));
    }
    Ok(outcome)
}

/// Takes whatever kind of value comes and asks `T` whether it fits.
impl<'de, T: Lenient, P: DecodeTarget<T>> Visitor<'de> for TargetSeed<'_, T, P> {
    type Value = TargetOutcome;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<TargetOutcome, E> {
        self.scalar(T::from_bool(v), || Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TargetOutcome, E> {
        self.scalar(T::from_i64(v), || Value::Number(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<TargetOutcome, E> {
        self.scalar(T::from_u64(v), || Value::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<TargetOutcome, E> {
        match T::from_f64(v) {
            Some(decoded) => {
                self.target.put(decoded);
                Ok(TargetOutcome::Stored)
            }
            None => {
                let raw = Number::from_f64(v).ok_or_else(|| E::custom("a number JSON cannot hold"))?;
                finish::<T, E>(self.location, self.takes_null, mismatch::<T>(Value::Number(raw)))
            }
        }
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TargetOutcome, E> {
        self.scalar(T::from_str(v), || Value::String(v.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<TargetOutcome, E> {
        let (location, takes_null) = (self.location, self.takes_null);
        let outcome = match T::from_string(v) {
            Ok(value) => {
                self.target.put(value);
                TargetOutcome::Stored
            }
            Err(v) => mismatch::<T>(Value::String(v)),
        };
        finish::<T, E>(location, takes_null, outcome)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<TargetOutcome, E> {
        let (location, takes_null) = (self.location, self.takes_null);
        let outcome = match T::from_null() {
            Some(value) => {
                self.target.put(value);
                TargetOutcome::Stored
            }
            None => TargetOutcome::Null,
        };
        finish::<T, E>(location, takes_null, outcome)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<TargetOutcome, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<TargetOutcome, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TargetOutcome, A::Error> {
        let (location, takes_null) = (self.location, self.takes_null);
        let outcome = T::map_into(self.target, map, location)?;
        finish::<T, A::Error>(location, takes_null, outcome)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TargetOutcome, A::Error> {
        let (location, takes_null) = (self.location, self.takes_null);
        let outcome = self.target.put_outcome(T::from_seq(seq, location)?);
        finish::<T, A::Error>(location, takes_null, outcome)
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
        let top = FieldLocation { owner: "the response", member: "(top level)" };
        match LenientSeed::<T>::new(top, false).deserialize(deserializer)? {
            Outcome::Value(value) => Ok(Body(value)),
            Outcome::Null => Err(serde::de::Error::custom(format_args!("the body is null, expected {}", T::EXPECTED))),
            Outcome::Mismatch { expected, found, .. } => Err(serde::de::Error::custom(format_args!(
                "the body is not what the operation declares: expected {expected}, found {found}"
            ))),
        }
    }
}
