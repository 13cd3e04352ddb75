//! # okta-management-decode
//!
//! Lenient, lossless JSON decoding for the models of `okta-management`. Okta's spec is often wrong about what Okta
//! sends (a boolean that comes as a string, an integer as a float, `null` where the spec has no `null`, an object
//! where it says array), and one such field must never fail a whole response. A model decoded with this crate:
//!
//! * keeps a value that does not fit its field in the model's `extra` map, under its own key, and leaves the field
//!   unset; the model written back gives the JSON it came from (the typed field wins once it is set);
//! * reports each such value to the [`context`] of the decode, when there is one: collected for warnings
//!   ([`context::Mode::Lenient`]) or an error naming the field ([`context::Mode::Strict`]);
//! * fails only when the value's own kind is wrong at the top (a response that is not an object at all).
//!
//! The generated models use the [`object!`] macro (named structs with an `extra` map) and the [`Lenient`] trait
//! (every type a field can have); `okta-management`'s runtime sets the context around each response it decodes.
//!
//! What this crate must not do: know any Okta model or operation, or depend on the rest of the SDK (the models'
//! crate and the runtime both depend on it; it is small so that neither waits for it).
#![deny(unsafe_code)]

pub mod context;
mod impls;
mod lenient;
mod object;
pub mod tagged;

pub use lenient::{
    AppendTo, Body, DecodeTarget, FieldLocation, Lenient, LenientSeed, Outcome, TargetOutcome, TargetSeed, collect_map,
    collect_seq, kind_of,
};
pub use object::{
    FieldTarget, Key, ModelField, Object, ObjectVisitor, decode_members, decode_object, from_json, member, unknown,
};

/// A member name (or any text from a body) as it may appear in an error or a log line: control characters escaped
/// (`\u{d}`), so a key holding a line break cannot split the line, and at most 100 characters.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX_CHARS: usize = 100;
    if text.len() <= MAX_CHARS && !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() { out.extend(c.escape_unicode()) } else { out.push(c) }
    }
    std::borrow::Cow::Owned(out)
}

/// For the macros' expansions in other crates.
#[doc(hidden)]
pub use {serde, serde_json};
