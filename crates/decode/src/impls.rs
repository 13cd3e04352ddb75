//! [`Lenient`] for the scalar, collection and JSON types model fields have.

use std::collections::{BTreeMap, HashMap};

use serde::de::{MapAccess, SeqAccess};
use serde_json::{Map, Number, Value};

use crate::context;
use crate::lenient::{
    AppendTo, FieldLocation, Lenient, LenientSeed, Outcome, TargetOutcome, TargetSeed, collect_map, collect_seq,
    to_values,
};

impl Lenient for String {
    const EXPECTED: &'static str = "string";
    fn from_str(value: &str) -> Option<Self> {
        Some(value.to_owned())
    }
    fn from_string(value: String) -> Result<Self, String> {
        Ok(value)
    }
}

impl Lenient for bool {
    const EXPECTED: &'static str = "boolean";
    fn from_bool(value: bool) -> Option<Self> {
        Some(value)
    }
}

macro_rules! integer {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            const EXPECTED: &'static str = "integer";
            fn from_i64(value: i64) -> Option<Self> {
                <$ty>::try_from(value).ok()
            }
            fn from_u64(value: u64) -> Option<Self> {
                <$ty>::try_from(value).ok()
            }
        }
    )*};
}
integer!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

macro_rules! non_zero {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            const EXPECTED: &'static str = "integer";
            fn from_i64(value: i64) -> Option<Self> {
                <$ty>::try_from(u64::try_from(value).ok()?).ok()
            }
            fn from_u64(value: u64) -> Option<Self> {
                <$ty>::try_from(value).ok()
            }
        }
    )*};
}
non_zero!(std::num::NonZeroU64);

/// A float field takes integers too (JSON does not tell `2` from `2.0` apart for a float); to write back `2` as it
/// came, a model field of the spec's `number` type is a [`Number`], not an `f64`.
impl Lenient for f64 {
    const EXPECTED: &'static str = "number";
    fn from_i64(value: i64) -> Option<Self> {
        Some(value as f64)
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value as f64)
    }
    fn from_f64(value: f64) -> Option<Self> {
        Some(value)
    }
}

/// Any number, kept in the form it came in (`10` stays an integer, `10.0` a float).
impl Lenient for Number {
    const EXPECTED: &'static str = "number";
    fn from_i64(value: i64) -> Option<Self> {
        Some(value.into())
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value.into())
    }
    fn from_f64(value: f64) -> Option<Self> {
        Number::from_f64(value)
    }
}

/// Any JSON at all (`null` stays [`Outcome::Null`], for the field to keep).
impl Lenient for Value {
    const EXPECTED: &'static str = "any JSON value";
    fn from_bool(value: bool) -> Option<Self> {
        Some(Value::Bool(value))
    }
    fn from_i64(value: i64) -> Option<Self> {
        Some(value.into())
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value.into())
    }
    fn from_f64(value: f64) -> Option<Self> {
        Number::from_f64(value).map(Value::Number)
    }
    fn from_str(value: &str) -> Option<Self> {
        Some(Value::String(value.to_owned()))
    }
    fn from_string(value: String) -> Result<Self, String> {
        Ok(Value::String(value))
    }
    fn from_collected(value: Value) -> Outcome<Self> {
        Outcome::Value(value)
    }
}

impl Lenient for Map<String, Value> {
    const EXPECTED: &'static str = "object";
    fn from_map<'de, A: MapAccess<'de>>(map: A, _location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
        Ok(Outcome::Value(collect_map(map)?))
    }
}

/// A value that may be `null` (a nullable type inside an array or a newtype).
impl<T: Lenient> Lenient for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_null() -> Option<Self> {
        Some(None)
    }
    fn from_bool(value: bool) -> Option<Self> {
        T::from_bool(value).map(Some)
    }
    fn from_i64(value: i64) -> Option<Self> {
        T::from_i64(value).map(Some)
    }
    fn from_u64(value: u64) -> Option<Self> {
        T::from_u64(value).map(Some)
    }
    fn from_f64(value: f64) -> Option<Self> {
        T::from_f64(value).map(Some)
    }
    fn from_str(value: &str) -> Option<Self> {
        T::from_str(value).map(Some)
    }
    fn from_string(value: String) -> Result<Self, String> {
        T::from_string(value).map(Some)
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A, location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
        Ok(T::from_map(map, location)?.map(Some))
    }
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A, location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
        Ok(T::from_seq(seq, location)?.map(Some))
    }
}

impl<T: Lenient> Lenient for Box<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_null() -> Option<Self> {
        T::from_null().map(Box::new)
    }
    fn from_bool(value: bool) -> Option<Self> {
        T::from_bool(value).map(Box::new)
    }
    fn from_i64(value: i64) -> Option<Self> {
        T::from_i64(value).map(Box::new)
    }
    fn from_u64(value: u64) -> Option<Self> {
        T::from_u64(value).map(Box::new)
    }
    fn from_f64(value: f64) -> Option<Self> {
        T::from_f64(value).map(Box::new)
    }
    fn from_str(value: &str) -> Option<Self> {
        T::from_str(value).map(Box::new)
    }
    fn from_string(value: String) -> Result<Self, String> {
        T::from_string(value).map(Box::new)
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A, location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
        Ok(T::from_map(map, location)?.map(Box::new))
    }
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A, location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
        Ok(T::from_seq(seq, location)?.map(Box::new))
    }
}

/// An array whose elements all fit; one element that does not (or `null`) keeps the whole array as it came.
impl<T: Lenient> Lenient for Vec<T> {
    const EXPECTED: &'static str = "array";
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A, location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            let inside = context::enter_index(items.len());
            // Each element is decoded at the end of the array (a model in place, not moved there).
            let element = seq.next_element_seed(TargetSeed::<T, _>::new(AppendTo(&mut items), location, false))?;
            drop(inside);
            let (bad, found) = match element {
                None => return Ok(Outcome::Value(items)),
                Some(TargetOutcome::Stored) => continue,
                Some(TargetOutcome::Null) => (Value::Null, "null"),
                Some(TargetOutcome::Mismatch { raw, found, .. }) => (raw, found),
            };
            let mut raw = to_values::<T, A::Error>(&items)?;
            raw.push(bad);
            raw.extend(collect_seq(seq)?);
            return Ok(Outcome::Mismatch { raw: Value::Array(raw), expected: T::EXPECTED, found });
        }
    }
}

macro_rules! string_map {
    ($($map:ident),*) => {$(
        /// An object whose values all fit; one that does not (or `null`) keeps the whole object as it came.
        impl<T: Lenient> Lenient for $map<String, T> {
            const EXPECTED: &'static str = "object";
            fn from_map<'de, A: MapAccess<'de>>(mut map: A, location: FieldLocation<'_>) -> Result<Outcome<Self>, A::Error> {
                let mut entries = $map::new();
                loop {
                    let Some(key) = map.next_key::<String>()? else { return Ok(Outcome::Value(entries)) };
                    let inside = context::enter_key(&key);
                    let value = map.next_value_seed(LenientSeed::<T>::new(location, false))?;
                    drop(inside);
                    let (bad, found) = match value {
                        Outcome::Value(value) => {
                            entries.insert(key, value);
                            continue;
                        }
                        Outcome::Null => (Value::Null, "null"),
                        Outcome::Mismatch { raw, found, .. } => (raw, found),
                    };
                    let mut raw = Map::new();
                    for (k, v) in &entries {
                        raw.insert(k.clone(), serde_json::to_value(v).map_err(<A::Error as serde::de::Error>::custom)?);
                    }
                    raw.insert(key, bad);
                    raw.extend(collect_map(map)?);
                    return Ok(Outcome::Mismatch { raw: Value::Object(raw), expected: T::EXPECTED, found });
                }
            }
        }
    )*};
}
string_map!(BTreeMap, HashMap);
