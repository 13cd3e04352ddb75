//! [`InsufficientScope`]: Okta refused an access token that lacks a scope the operation needs (`403` with
//! `WWW-Authenticate: Bearer … error="insufficient_scope", scope="…"`), and the challenge's parameters read.

use std::borrow::Cow;
use std::fmt;

use super::{ApiError, fmt_request_id};

/// An access token without the OAuth 2.0 scopes an operation needs: what the operation was, which scopes it needs
/// (from Okta's spec; a `.manage` scope includes its `.read`), and Okta's answer. Ask for them (the client's
/// `scopes`, see `okta_management::scopes::for_operations`) and grant them to the service app.
#[derive(Debug, Clone)]
pub struct InsufficientScope {
    operation: Cow<'static, str>,
    required: Vec<String>,
    api: ApiError,
}

impl InsufficientScope {
    /// `operation` (its Rust method name) needed `required`; `api` is Okta's `403`. When `required` is empty (an
    /// operation the spec gives no scopes), the scopes Okta's challenge names are used.
    pub fn new(operation: impl Into<Cow<'static, str>>, required: Vec<String>, api: ApiError) -> Self {
        let required = if required.is_empty() { api.challenged_scopes().unwrap_or_default() } else { required };
        InsufficientScope { operation: operation.into(), required, api }
    }

    /// The operation refused (its Rust method name, e.g. `list_groups`).
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The scopes the operation needs, all of them (a `.manage` scope in their place also does).
    pub fn required_scopes(&self) -> &[String] {
        &self.required
    }

    /// The scopes Okta's `WWW-Authenticate` challenge named.
    pub fn challenged_scopes(&self) -> Vec<String> {
        self.api.challenged_scopes().unwrap_or_default()
    }

    /// Okta's answer (status `403`, its headers, `X-Okta-Request-Id`).
    pub fn api_error(&self) -> &ApiError {
        &self.api
    }
}

impl fmt::Display for InsufficientScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} needs the OAuth scope(s) `{}`, which the access token was not granted (Okta answered 403 \
             insufficient_scope): request them in the client's scopes and grant them to the service app{}",
            self.operation,
            self.required.join(" "),
            fmt_request_id(self.api.request_id())
        )
    }
}

impl std::error::Error for InsufficientScope {}

impl ApiError {
    /// When this is Okta's answer to an access token lacking a scope (`403`, `WWW-Authenticate` with
    /// `error="insufficient_scope"`): the scopes its challenge names (possibly none).
    pub fn challenged_scopes(&self) -> Option<Vec<String>> {
        if self.status() != http::StatusCode::FORBIDDEN {
            return None;
        }
        self.headers().get_all(http::header::WWW_AUTHENTICATE).iter().find_map(|value| {
            // Lossy: a description in UTF-8 (not visible ASCII) must not hide the parameters around it.
            let params = crate::www_authenticate::params(&String::from_utf8_lossy(value.as_bytes()));
            let insufficient = params.iter().any(|(k, v)| k.eq_ignore_ascii_case("error") && v == "insufficient_scope");
            insufficient.then(|| {
                params
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("scope"))
                    .map(|(_, v)| v.split_whitespace().map(str::to_owned).collect())
                    .unwrap_or_default()
            })
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, StatusCode};

    fn forbidden(challenge: &str) -> ApiError {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::WWW_AUTHENTICATE, HeaderValue::from_str(challenge).unwrap());
        headers.insert("x-okta-request-id", HeaderValue::from_static("req-1"));
        ApiError::from_parts(StatusCode::FORBIDDEN, &headers, b"")
    }

    #[test]
    fn oktas_documented_challenge_is_read() {
        // The form Okta documents (support article "insufficient_scope error when making a request").
        let e = forbidden(
            r#"Bearer authorization_uri="http://subdomain.okta.com/oauth2/v1/authorize", realm="http://subdomain.okta.com", scope="okta.groups.read", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="/api/v1/groups""#,
        );
        assert_eq!(e.challenged_scopes(), Some(vec!["okta.groups.read".to_owned()]));
        let dpop = forbidden(
            r#"DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", authorization_uri="https://x/oauth2/v1/authorize", realm="https://x", scope="okta.policies.read okta.apps.read", error="insufficient_scope", error_description="…", resource="/api/v1/policies""#,
        );
        assert_eq!(dpop.challenged_scopes().unwrap(), ["okta.policies.read", "okta.apps.read"]);
        let scope = InsufficientScope::new("list_policies", Vec::new(), dpop);
        assert_eq!(
            scope.required_scopes(),
            ["okta.policies.read", "okta.apps.read"],
            "the challenge's when none known"
        );
        let text = scope.to_string();
        assert!(
            text.starts_with("list_policies needs the OAuth scope(s) `okta.policies.read okta.apps.read`"),
            "{text}"
        );
        assert!(text.contains("req-1"), "{text}");
    }

    #[test]
    fn other_answers_are_not_insufficient_scope() {
        assert_eq!(forbidden(r#"Bearer error="invalid_token""#).challenged_scopes(), None);
        assert_eq!(ApiError::from_parts(StatusCode::FORBIDDEN, &HeaderMap::new(), b"{}").challenged_scopes(), None);
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Bearer error="insufficient_scope", scope="a""#),
        );
        assert_eq!(ApiError::from_parts(StatusCode::UNAUTHORIZED, &headers, b"").challenged_scopes(), None);
        // Unquoted values, escapes, no scope parameter, garbage: read as far as they go, never a panic.
        assert_eq!(
            forbidden("Bearer error=insufficient_scope, scope=okta.users.read").challenged_scopes().unwrap(),
            ["okta.users.read"]
        );
        assert_eq!(forbidden(r#"Bearer error="insufficient_scope""#).challenged_scopes(), Some(Vec::new()));
    }
}
