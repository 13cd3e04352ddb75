//! [`Field`]: an optional field that Okta also accepts as `null`, with the three states a partial update needs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that may be absent, `null`, or hold a value: the type of every optional property the spec marks
/// `nullable`. A partial update (`POST /api/v1/users/{id}`, say) sends only what is not [`Field::Absent`], so
/// [`Field::Null`] clears the attribute in Okta and [`Field::Absent`] leaves it alone; a decoded response keeps
/// whether Okta sent `null` or nothing.
///
/// ```
/// use okta_management_types::Field;
///
/// let mut phone: Field<String> = Field::from("+1 555 0100".to_string());
/// assert_eq!(phone.as_ref(), Some(&"+1 555 0100".to_string()));
/// phone = Field::Null; // sent as `"mobilePhone": null`
/// assert!(phone.is_null() && phone.as_ref().is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field<T> {
    /// Not sent, or not in the response.
    #[default]
    Absent,
    /// `null`: in a request, clears the attribute.
    Null,
    /// A value.
    Value(T),
}

impl<T> Field<T> {
    /// Whether the field is absent (it is then not serialized at all).
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// Whether the field is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value, if there is one, mutably.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value, if there is one (absent and `null` both give `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value, or `T::default()` when absent or `null`.
    pub fn unwrap_or_default(self) -> T
    where
        T: Default,
    {
        self.into_option().unwrap_or_default()
    }

    /// The field with its value changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Value(value) => Field::Value(f(value)),
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
        }
    }
}

impl<T: std::ops::Deref> Field<T> {
    /// The value, dereferenced (`Field<String>` gives `Option<&str>`).
    pub fn as_deref(&self) -> Option<&T::Target> {
        self.as_ref().map(|value| &**value)
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::Value(value)
    }
}

impl<T> From<Option<T>> for Field<T> {
    /// `None` is [`Field::Absent`] (not sent), as an `Option` field was before.
    fn from(value: Option<T>) -> Self {
        value.map_or(Field::Absent, Field::Value)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Value(value) => serializer.serialize_some(value),
            Field::Absent | Field::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    /// Called only when the key is present (the field is `#[serde(default)]`): `null` is [`Field::Null`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Field::Null, Field::Value))
    }
}

/// A tri-state model field: `null` is kept as [`Field::Null`], and written back.
impl<T: okta_management_decode::Lenient> okta_management_decode::ModelField for Field<T> {
    type Item = T;
    const TAKES_NULL: bool = true;
    fn put(&mut self, value: T) {
        *self = Field::Value(value);
    }
    fn insert_default(&mut self) -> &mut T
    where
        T: Default,
    {
        *self = Field::Value(T::default());
        match self {
            Field::Value(value) => value,
            // Just set.
            Field::Null | Field::Absent => unreachable!("a field set to a value holds it"),
        }
    }
    fn put_null(&mut self) {
        *self = Field::Null;
    }
    fn is_present(&self) -> bool {
        !self.is_absent()
    }
    fn clear(&mut self) {
        *self = Field::Absent;
    }
    fn serialize_into<M: serde::ser::SerializeMap>(&self, key: &'static str, map: &mut M) -> Result<(), M::Error> {
        match self {
            Field::Absent => Ok(()),
            Field::Null => map.serialize_entry(key, &()),
            Field::Value(value) => map.serialize_entry(key, value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Field;

    #[derive(Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
    struct Profile {
        #[serde(default, skip_serializing_if = "Field::is_absent", rename = "mobilePhone")]
        mobile_phone: Field<String>,
    }

    #[test]
    fn absent_null_and_a_value_each_decode_and_encode_as_they_came() -> Result<(), serde_json::Error> {
        for (json, field) in [
            ("{}", Field::Absent),
            (r#"{"mobilePhone":null}"#, Field::Null),
            (r#"{"mobilePhone":"+1 555"}"#, Field::Value("+1 555".to_string())),
        ] {
            let decoded: Profile = serde_json::from_str(json)?;
            assert_eq!(decoded.mobile_phone, field, "{json}");
            assert_eq!(serde_json::to_string(&decoded)?, json);
        }
        assert!(serde_json::from_str::<Profile>(r#"{"mobilePhone":5}"#).is_err());
        Ok(())
    }

    #[test]
    fn an_option_converts_to_absent_or_a_value() {
        assert_eq!(Field::<u8>::from(None), Field::Absent);
        assert_eq!(Field::<i32>::from(Some(3)), Field::Value(3));
        assert_eq!(Field::Value("x".to_string()).as_deref(), Some("x"));
        assert_eq!(Field::<u8>::Null.into_option(), None);
    }
}
