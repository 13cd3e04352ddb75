//! Discriminated unions in one pass: the members before the discriminator are held as JSON, the ones after it go
//! straight into the variant the discriminator names (no whole object read into a map first, then decoded again).

use serde::de::value::StringDeserializer;
use serde::de::{DeserializeSeed, IntoDeserializer, MapAccess};
use serde_json::{Map, Value};

use crate::lenient::{Lenient, Outcome, Site, collect_map};

/// The rest of an object whose discriminator has been read: the members held so far, then the members still to
/// come. A [`MapAccess`] that gives the object whole, in its order, to the variant's decoder.
pub struct Replay<A> {
    held: std::vec::IntoIter<(String, Value)>,
    value: Option<Value>,
    /// `None` once the object's end has been read (a `MapAccess` must not be asked again after its end).
    rest: Option<A>,
}

/// Reads members until `tag`'s: gives the discriminator (when it is a string) and the whole object, to decode.
pub fn until_tag<'de, A: MapAccess<'de>>(mut map: A, tag: &str) -> Result<(Option<String>, Replay<A>), A::Error> {
    let mut held = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        let value: Value = map.next_value()?;
        if key == tag {
            let found = value.as_str().map(str::to_owned);
            held.push((key, value));
            return Ok((found, Replay { held: held.into_iter(), value: None, rest: Some(map) }));
        }
        held.push((key, value));
    }
    Ok((None, Replay { held: held.into_iter(), value: None, rest: None }))
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.held.next() {
            self.value = Some(value);
            let key: StringDeserializer<A::Error> = key.into_deserializer();
            return seed.deserialize(key).map(Some);
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
        if let Some(value) = self.value.take() {
            return seed.deserialize(value).map_err(<A::Error as serde::de::Error>::custom);
        }
        match &mut self.rest {
            Some(rest) => rest.next_value_seed(seed),
            None => Err(serde::de::Error::custom("a member's value was asked for before its name")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.held.len())
    }
}

/// Decodes the object as variant `T`: `Ok(Err(object))` when `T` does not take it (the object, whole, to keep).
pub fn variant<'de, T: Lenient, A: MapAccess<'de>>(
    object: Replay<A>,
    site: Site<'_>,
) -> Result<Result<T, Map<String, Value>>, A::Error> {
    Ok(match T::from_map(object, site)? {
        Outcome::Value(value) => Ok(value),
        Outcome::Mismatch { raw: Value::Object(object), .. } => Err(object),
        Outcome::Mismatch { .. } | Outcome::Null => Err(Map::new()),
    })
}

/// The object, whole, as JSON (a discriminator no variant takes).
pub fn keep<'de, A: MapAccess<'de>>(object: Replay<A>) -> Result<Map<String, Value>, A::Error> {
    collect_map(object)
}
