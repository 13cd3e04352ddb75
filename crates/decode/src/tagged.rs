//! Discriminated unions in one pass: the members before the discriminator are held, the ones after it go straight
//! into the variant the discriminator names (no whole object read into a map first, then decoded again).
//!
//! A held member is kept as its JSON text, borrowed from the input when the input can lend it (serde_json reading
//! a slice or a string: the common case, no allocation), and decoded when the variant's decoder reaches it. Any
//! other input (another JSON library's deserializer, a `Value`, a reader), and a decode that keeps its path for an
//! error (strict mode), hold the member as a [`Value`] instead: the same result, only slower.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::context;
use crate::lenient::{FieldLocation, Lenient, Outcome, collect_map};
use crate::object::{Key, KeySeed};

/// A member read before the discriminator.
enum Held<'de> {
    /// Its JSON text, borrowed from the input (checked to be JSON by the reader).
    Json(&'de str),
    /// Its value.
    Value(Value),
}

/// The rest of an object whose discriminator has been read: the members held so far, then the members still to
/// come. A [`MapAccess`] that gives the object whole, in its order, to the variant's decoder.
pub struct Replay<'de, A> {
    held: std::vec::IntoIter<(Key<'de>, Held<'de>)>,
    value: Option<Held<'de>>,
    /// `None` once the object's end has been read (a `MapAccess` must not be asked again after its end).
    rest: Option<A>,
}

/// The discriminator (when it is a string) and the whole object, to decode.
pub type Discriminated<'de, A> = (Option<Cow<'de, str>>, Replay<'de, A>);

/// Reads members until `tag`'s: gives the discriminator (when it is a string) and the whole object, to decode.
pub fn until_tag<'de, A: MapAccess<'de>>(mut map: A, tag: &str) -> Result<Discriminated<'de, A>, A::Error> {
    // Strict mode's error must carry no position of a held member's own text (its path is kept by the context).
    let as_value = context::keeps_path();
    let mut held = Vec::new();
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let value = if as_value { Held::Value(map.next_value()?) } else { map.next_value_seed(HeldSeed)? };
        if key == tag {
            let found = match &value {
                Held::Json(json) => tag_text(json),
                Held::Value(value) => value.as_str().map(|text| Cow::Owned(text.to_owned())),
            };
            held.push((key, value));
            return Ok((found, Replay { held: held.into_iter(), value: None, rest: Some(map) }));
        }
        held.push((key, value));
    }
    Ok((None, Replay { held: held.into_iter(), value: None, rest: None }))
}

/// The discriminator's value from its JSON text: borrowed when it is a string with no escape (as Okta's are).
fn tag_text(json: &str) -> Option<Cow<'_, str>> {
    match json.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')) {
        Some(text) if !text.contains('\\') => Some(Cow::Borrowed(text)),
        _ => serde_json::from_str::<String>(json).ok().map(Cow::Owned),
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.held.next() {
            self.value = Some(value);
            return match key {
                Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)).map(Some),
                Cow::Owned(key) => {
                    let key: StringDeserializer<A::Error> = key.into_deserializer();
                    seed.deserialize(key).map(Some)
                }
            };
        }
        match &mut self.rest {
            Some(rest) => {
                let key = rest.next_key_seed(seed)?;
                if key.is_none() {
                    self.rest = None;
                }
                Ok(key)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let held = match self.value.take() {
            Some(Held::Json(json)) => seed.deserialize(&mut serde_json::Deserializer::from_str(json)),
            Some(Held::Value(value)) => seed.deserialize(value),
            None => match &mut self.rest {
                Some(rest) => return rest.next_value_seed(seed),
                None => return Err(serde::de::Error::custom("a member's value was asked for before its name")),
            },
        };
        held.map_err(<A::Error as serde::de::Error>::custom)
    }

    /// Known only once the object's end has been read (all its members are then held).
    fn size_hint(&self) -> Option<usize> {
        self.rest.is_none().then(|| self.held.len())
    }
}

/// Decodes the object as variant `T`: `Ok(Err(object))` when `T` does not take it (the object, whole, to keep).
pub fn variant<'de, T: Lenient, A: MapAccess<'de>>(
    object: Replay<'de, A>,
    location: FieldLocation<'_>,
) -> Result<Result<T, Map<String, Value>>, A::Error> {
    Ok(match T::from_map(object, location)? {
        Outcome::Value(value) => Ok(value),
        Outcome::Mismatch { raw: Value::Object(object), .. } => Err(object),
        Outcome::Mismatch { .. } | Outcome::Null => Err(Map::new()),
    })
}

/// The object, whole, as JSON (a discriminator no variant takes).
pub fn keep<'de, A: MapAccess<'de>>(object: Replay<'de, A>) -> Result<Map<String, Value>, A::Error> {
    collect_map(object)
}

/// The name serde_json's raw-value protocol uses (asked of `RawValue` itself, so it is never copied here): a
/// deserializer that knows it hands over the value's text instead of the value.
fn raw_value_token() -> &'static str {
    static TOKEN: OnceLock<&'static str> = OnceLock::new();
    TOKEN.get_or_init(|| {
        let mut probe = TokenProbe(None);
        let _ = Box::<serde_json::value::RawValue>::deserialize(&mut probe);
        probe.0.unwrap_or("")
    })
}

/// Records the name `RawValue`'s `Deserialize` asks for, and fails.
struct TokenProbe(Option<&'static str>);

impl<'de> Deserializer<'de> for &mut TokenProbe {
    type Error = serde::de::value::Error;
    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("probe"))
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = Some(name);
        Err(serde::de::Error::custom("probe"))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
        seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Reads one member's value as [`Held`]: its text when the deserializer lends it, its value otherwise.
struct HeldSeed;

impl<'de> DeserializeSeed<'de> for HeldSeed {
    type Value = Held<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Held<'de>, D::Error> {
        deserializer.deserialize_newtype_struct(raw_value_token(), HeldVisitor)
    }
}

struct HeldVisitor;

impl<'de> Visitor<'de> for HeldVisitor {
    type Value = Held<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    /// serde_json hands the text over as a one-member map keyed by the token; any other map is a JSON object.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Held<'de>, A::Error> {
        let Some(key) = map.next_key_seed(KeySeed)? else {
            return Ok(Held::Value(Value::Object(Map::new())));
        };
        if key == raw_value_token() {
            // The text: borrowed when the input lends it, else parsed into a value.
            return match map.next_value_seed(KeySeed)? {
                Cow::Borrowed(text) => Ok(Held::Json(text)),
                Cow::Owned(text) => serde_json::from_str(&text).map(Held::Value).map_err(serde::de::Error::custom),
            };
        }
        let mut object = Map::new();
        object.insert(key.into_owned(), map.next_value()?);
        object.extend(collect_map(map)?);
        Ok(Held::Value(Value::Object(object)))
    }
    /// Any other deserializer: the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Held<'de>, D::Error> {
        Value::deserialize(deserializer).map(Held::Value)
    }
    fn visit_unit<E>(self) -> Result<Held<'de>, E> {
        Ok(Held::Value(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Held<'de>, E> {
        Ok(Held::Value(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Held<'de>, D::Error> {
        Value::deserialize(deserializer).map(Held::Value)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Held<'de>, E> {
        Ok(Held::Value(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Held<'de>, E> {
        Ok(Held::Value(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Held<'de>, E> {
        Ok(Held::Value(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Held<'de>, E> {
        Ok(Held::Value(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Held<'de>, E> {
        Ok(Held::Value(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Held<'de>, E> {
        Ok(Held::Value(Value::String(v)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Held<'de>, A::Error> {
        crate::lenient::collect_seq(seq).map(|items| Held::Value(Value::Array(items)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(json: &str) -> Held<'_> {
        HeldSeed.deserialize(&mut serde_json::Deserializer::from_str(json)).unwrap_or(Held::Value(Value::Null))
    }

    #[test]
    fn a_discriminator_is_borrowed_unless_it_has_an_escape() {
        assert!(matches!(tag_text(r#""SAML_2_0""#), Some(Cow::Borrowed("SAML_2_0"))));
        assert_eq!(tag_text(r#""A\u0042""#).as_deref(), Some("AB"));
        assert_eq!(tag_text("7"), None);
        assert_eq!(tag_text("null"), None);
    }

    #[test]
    fn serde_json_lends_a_held_members_text_and_other_inputs_give_its_value() {
        assert!(!raw_value_token().is_empty());
        assert!(matches!(held(r#" {"a": [1, 2.5]} "#), Held::Json(r#"{"a": [1, 2.5]}"#)));
        let from_reader = HeldSeed.deserialize(&mut serde_json::Deserializer::from_reader(&b"[true]"[..]));
        assert!(matches!(from_reader, Ok(Held::Value(v)) if v == serde_json::json!([true])));
        let from_value = HeldSeed.deserialize(serde_json::json!({"a": 1}));
        assert!(matches!(from_value, Ok(Held::Value(v)) if v == serde_json::json!({"a": 1})));
    }
}
