//! Parsing and checking of single values: org URL, durations, booleans, scopes, private keys.

use super::*;

pub(super) fn parse_string(s: &str) -> Result<String, String> {
    Ok(s.trim().to_owned())
}

pub(super) fn parse_secs(s: &str) -> Result<Duration, String> {
    s.trim().parse::<u64>().map(Duration::from_secs).map_err(|_| "expected a whole number of seconds".to_owned())
}

pub(super) fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err("expected true or false".to_owned()),
    }
}

pub(super) fn split_scopes(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',').filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

pub(super) fn validate_org_url(raw: &str, allow_http: bool) -> Result<Url, String> {
    // Okta's documentation writes `https://{yourOktaDomain}`: a newcomer copies it before knowing their own.
    if raw.contains("yourOktaDomain") {
        return Err(
            "is the placeholder from Okta's documentation: use your org's URL, e.g. https://dev-123456.okta.com \
                    (or the mock org's, printed by `cargo run -p okta-management-mock`)"
                .to_owned(),
        );
    }
    let mut url = Url::parse(raw.trim()).map_err(|e| format!("not a valid URL: {e}"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(format!(
                "must use https:// (http:// is allowed only when {} is true, for testing)",
                DISABLE_HTTPS_CHECK.name
            ));
        }
        other => return Err(format!("unsupported scheme {other:?}, expected https://")),
    }
    let Some(host) = url.host_str() else {
        return Err("has no host".to_owned());
    };
    if host.contains("-admin.") {
        return Err("looks like an admin console URL; use the org URL without `-admin`".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not contain a query or fragment".to_owned());
    }
    let path = format!("{}/", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok(url)
}

/// Why an API token given for `SSWS` is not one: an OAuth 2.0 access token is a JWT (`eyJ…` header, three
/// base64url parts), which Okta refuses as `SSWS` with a bare `401`.
pub(super) fn ssws_token_problem(token: &str) -> Option<String> {
    let parts: Vec<&str> = token.split('.').collect();
    let base64url = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (token.starts_with("eyJ") && parts.len() == 3 && parts.iter().all(|p| base64url(p))).then(|| {
        "looks like an OAuth 2.0 access token (a JWT), not an API token: to send it as `Authorization: Bearer`, set \
         okta.client.authorizationMode to Bearer (OKTA_CLIENT_AUTHORIZATIONMODE=Bearer); for SSWS, create an API \
         token in the Admin Console (Security > API > Tokens)"
            .to_owned()
    })
}

/// Loads a key from inline PEM/JWK or from a file path (`~/` expanded).
pub(super) fn load_key(text: &str) -> Result<PrivateKey, String> {
    if PrivateKey::looks_inline(text) {
        return PrivateKey::parse(text).map_err(|e| e.to_string());
    }
    let trimmed = text.trim();
    let path = match trimmed.strip_prefix("~/") {
        Some(rest) => {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(rest)).unwrap_or_else(|| PathBuf::from(trimmed))
        }
        None => PathBuf::from(trimmed),
    };
    // The path is not echoed: if the value was mangled key material, it is a secret.
    let contents = std::fs::read_to_string(&path)
        .map(Zeroizing::new)
        .map_err(|e| format!("not inline PEM/JWK and cannot be read as a key file ({})", e.kind()))?;
    PrivateKey::parse(&contents).map_err(|e| format!("key file: {e}"))
}
