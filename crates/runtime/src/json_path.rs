//! The JSON path (`[3].profile.login`) at the place a `serde_json` error points to, found by scanning the body up
//! to that place. Decoding a second time with a path-tracking deserializer would name it too, but would compile the
//! decoder of every response model twice (a quarter of the API crate's machine code).

/// The path of the value being read at `line`/`column` (1-based line, column in bytes as `serde_json` counts
/// them) of `body`: object keys joined by `.`, array indexes as `[i]`, as `serde_path_to_error` writes them.
/// `None` at the top level (no path to name) or when the position is not inside `body`.
pub fn at_position(body: &[u8], line: usize, column: usize) -> Option<String> {
    let offset = offset_of(body, line, column)?;
    let path = at_offset(body, offset);
    (!path.is_empty()).then_some(path)
}

/// The byte offset of a 1-based line and a byte column within it.
fn offset_of(body: &[u8], line: usize, column: usize) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        body.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    Some((line_start + column).min(body.len()))
}

enum Frame {
    /// Inside an object: the key whose value is being read (`None` between members).
    Object { key: Option<String> },
    /// Inside an array: the index of the current element, and whether that element has begun.
    Array { index: usize, started: bool },
}

/// The path of the innermost value open at `offset`, read by a tolerant scan (malformed input just ends it).
fn at_offset(body: &[u8], offset: usize) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    let bytes = body.get(..offset).unwrap_or(body);
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'"' => {
                let (text, end) = read_string(bytes, i + 1);
                match stack.last_mut() {
                    Some(Frame::Object { key }) if key.is_none() => *key = Some(text),
                    _ => value_begins(&mut stack),
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                value_begins(&mut stack);
                stack.push(if byte == b'{' {
                    Frame::Object { key: None }
                } else {
                    Frame::Array { index: 0, started: false }
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index, started }) => {
                    *index += 1;
                    *started = false;
                }
                None => {}
            },
            b':' | b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => value_begins(&mut stack),
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                // A key is text from the body: no line break or other control character goes into an error.
                path.push_str(&okta_management_decode::printable(key));
            }
            Frame::Array { index, started: true } => path.push_str(&format!("[{index}]")),
            _ => {}
        }
    }
    path
}

/// A value (scalar, object or array) starts in the innermost container.
fn value_begins(stack: &mut [Frame]) {
    if let Some(Frame::Array { started, .. }) = stack.last_mut() {
        *started = true;
    }
}

/// The text of the string starting after its opening quote at `start` (common escapes decoded), and the index just
/// past its closing quote (or the end of `bytes` when it is cut).
fn read_string(bytes: &[u8], start: usize) -> (String, usize) {
    let mut text = Vec::new();
    let mut i = start;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'"' => return (String::from_utf8_lossy(&text).into_owned(), i + 1),
            b'\\' => {
                let escaped = bytes.get(i + 1).copied();
                match escaped {
                    Some(b'n') => text.push(b'\n'),
                    Some(b't') => text.push(b'\t'),
                    Some(b'r') => text.push(b'\r'),
                    Some(b'b') => text.push(0x08),
                    Some(b'f') => text.push(0x0c),
                    Some(b'u') => {
                        let hex = bytes.get(i + 2..i + 6).and_then(|h| std::str::from_utf8(h).ok());
                        let c = hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
                        text.extend_from_slice(
                            c.unwrap_or(char::REPLACEMENT_CHARACTER).encode_utf8(&mut [0; 4]).as_bytes(),
                        );
                        i += 4;
                    }
                    Some(other) => text.push(other),
                    None => {}
                }
                i += 2;
            }
            _ => {
                text.push(byte);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&text).into_owned(), bytes.len())
}

#[cfg(test)]
mod tests {
    use super::at_position;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    /// The path the scan names for the error `serde_json` gives when decoding `body` as `T`.
    fn path_of<T: serde::de::DeserializeOwned>(body: &str) -> Option<String> {
        let error = serde_json::from_str::<T>(body).err().expect("the body does not decode");
        at_position(body.as_bytes(), error.line(), error.column())
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct User {
        id: String,
        profile: BTreeMap<String, u32>,
        #[serde(default)]
        tags: Vec<u32>,
    }

    #[test]
    fn names_the_field_whose_value_has_the_wrong_type() {
        assert_eq!(path_of::<User>(r#"{"id":"a","profile":{"n":1,"login":"x@y"}}"#).as_deref(), Some("profile.login"));
        assert_eq!(path_of::<User>(r#"{"id": 7}"#).as_deref(), Some("id"));
        assert_eq!(path_of::<User>(r#"{"id":"a","profile":{"n":{"deep":1}}}"#).as_deref(), Some("profile.n"));
        assert_eq!(path_of::<User>(r#"{"id":"a","profile":[1]}"#).as_deref(), Some("profile"));
    }

    #[test]
    fn names_array_elements_by_index() {
        let body = r#"[{"id":"a","profile":{}},{"id":"b","profile":{},"tags":[1,2,"three"]}]"#;
        assert_eq!(path_of::<Vec<User>>(body).as_deref(), Some("[1].tags[2]"));
        assert_eq!(path_of::<Vec<User>>(r#"[{"id":"a","profile":{}}, 5]"#).as_deref(), Some("[1]"));
    }

    #[test]
    fn reads_keys_with_escapes_and_values_with_brackets_inside_strings() {
        let body = "{\"id\":\"a]}{,\\\"\",\"profile\":{\"l\\u00e9gal\\n\":\"x\"}}";
        assert_eq!(
            path_of::<User>(body).as_deref(),
            Some("profile.légal\\u{a}"),
            "an escaped line break stays escaped"
        );
    }

    #[test]
    fn a_missing_field_names_the_object_that_lacks_it() {
        assert_eq!(path_of::<Vec<User>>(r#"[{"id":"a","profile":{}},{"profile":{}}]"#).as_deref(), Some("[1]"));
        assert_eq!(path_of::<User>(r#"{"profile":{}}"#), None, "the top level has no path");
    }

    #[test]
    fn a_key_with_control_characters_or_of_any_length_stays_one_short_line() {
        // A raw CR in a key is not JSON: serde_json stops inside the key, whose text ends the path.
        let body = "[{\"c\r\":1}]";
        let error = serde_json::from_str::<Vec<User>>(body).expect_err("a raw CR in a key");
        assert_eq!(at_position(body.as_bytes(), error.line(), error.column()).as_deref(), Some("[0].c\\u{d}"));
        // A long key with an escaped line break, whose value does not fit: one short line.
        let escaped = format!("{{\"{}\\n\": \"x\"}}", "k".repeat(500));
        let error = serde_json::from_str::<BTreeMap<String, u32>>(&escaped).expect_err("x is not a number");
        let path = at_position(escaped.as_bytes(), error.line(), error.column()).unwrap_or_default();
        assert!(path.chars().count() <= 101 && !path.contains('\n') && path.ends_with('…'), "{path:?}");
    }

    #[test]
    fn a_cut_or_multi_line_body_still_gets_the_path_reached() {
        assert_eq!(path_of::<User>(r#"{"id":"a","profile":{"n":1"#).as_deref(), Some("profile.n"));
        let pretty = "{\n  \"id\": \"a\",\n  \"profile\": {\n    \"login\": true\n  }\n}";
        assert_eq!(path_of::<User>(pretty).as_deref(), Some("profile.login"));
        assert_eq!(at_position(b"{}", 9, 1), None, "a line past the end");
    }
}
