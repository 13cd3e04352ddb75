//! The parameters of an HTTP `WWW-Authenticate` challenge (`Bearer error="insufficient_scope", scope="…"`), as the
//! auth layer (DPoP nonce challenges) and the errors (insufficient scope) read them.

/// The `name=value` parameters of a `WWW-Authenticate` challenge (`Bearer a="x", b=y`), values unquoted
/// (`\` escapes honoured). The scheme and anything that is not a parameter are skipped.
pub(crate) fn params(header: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut rest = header.trim();
    // The scheme: a token not followed by `=`.
    if let Some((scheme, after)) = rest.split_once(char::is_whitespace) {
        if !scheme.contains('=') {
            rest = after;
        }
    }
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim();
        // A name with spaces in it is a scheme followed by a parameter (`DPoP algs="…"`): keep the last word.
        let name = name.rsplit(char::is_whitespace).next().unwrap_or(name).to_owned();
        rest = rest[eq + 1..].trim_start();
        let mut value = String::new();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    other => value.push(other),
                }
            }
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value.push_str(rest[..end].trim());
            rest = &rest[end..];
        }
        params.push((name, value));
    }
    params
}

/// The value of the parameter `name` (case-insensitive) of a challenge.
pub(crate) fn param(header: &str, name: &str) -> Option<String> {
    params(header).into_iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parameters_quoted_or_not_with_escapes_and_garbage_read_as_far_as_they_go() {
        assert_eq!(
            param(r#"DPoP error="use_dpop_nonce", error_description="x""#, "error").as_deref(),
            Some("use_dpop_nonce")
        );
        assert_eq!(
            param(r#"Bearer error_description="e", error=invalid_token"#, "error").as_deref(),
            Some("invalid_token")
        );
        assert_eq!(param(r#"Bearer realm="x""#, "error"), None);
        // `error=` inside a quoted value is not the parameter.
        assert_eq!(param(r#"Bearer error_description="no error=here", realm="r""#, "error"), None);
        assert_eq!(params(r#"Bearer a="x\"y", b"#), vec![("a".to_owned(), "x\"y".to_owned())]);
        assert_eq!(param(r#"DPoP algs="RS256 ES256", scope="a b""#, "scope").as_deref(), Some("a b"));
        for garbage in ["", "=", "Bearer =\"", "\"\"\"", "Bearer a=\"unterminated", ",,,", "a=b=c", "é=ü"] {
            let _ = params(garbage);
        }
    }
}
