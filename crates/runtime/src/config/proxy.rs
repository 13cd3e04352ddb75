//! Proxy settings, with credentials kept out of `Debug` and errors.

use super::*;

/// A proxy host as given in code; its `Debug` hides any credentials written into it.
#[derive(Clone)]
pub(super) struct ProxyHost(pub(super) String);

impl fmt::Debug for ProxyHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_userinfo(&self.0), f)
    }
}

/// `raw` with the user-info part of its authority (`user:password@`) replaced by `[redacted]`, so that a URL or
/// host shows no credentials in `Debug` output or errors: `http://u:p@proxy:3128` -> `http://[redacted]@proxy:3128`.
/// Works on text that does not parse as a URL, and on a host without a scheme.
pub(super) fn redact_userinfo(host: &str) -> String {
    let authority_start = host.find("://").map_or(0, |i| i + 3);
    let rest = host.get(authority_start..).unwrap_or_default();
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest.get(..authority_end).and_then(|authority| authority.rfind('@')) {
        Some(at) => {
            format!(
                "{}[redacted]{}",
                host.get(..authority_start).unwrap_or_default(),
                rest.get(at..).unwrap_or_default()
            )
        }
        None => host.to_owned(),
    }
}

/// Splits credentials out of a proxy host: `(host without them, user name, password)`, percent-decoded.
pub(super) fn split_proxy_userinfo(host: &str) -> Result<(String, Option<String>, Option<SecretString>), String> {
    if redact_userinfo(host) == host {
        return Ok((host.to_owned(), None, None));
    }
    let with_scheme = if host.contains("://") { host.to_owned() } else { format!("http://{host}") };
    let mut url = Url::parse(&with_scheme).map_err(|e| e.to_string())?;
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let user = Some(decode(url.username())).filter(|u| !u.is_empty());
    let password = url.password().map(|p| SecretString::new(decode(p)));
    // Neither call can fail on an http(s) URL with a host, which `with_scheme` parsed into.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let mut bare = url.to_string();
    if bare.ends_with('/') && !host.ends_with('/') {
        bare.pop();
    }
    if !host.contains("://") {
        bare = bare.trim_start_matches("http://").to_owned();
    }
    Ok((bare, user, password))
}

/// Proxy settings (`okta.client.proxy.*`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProxyConfig {
    /// Host name or address (a scheme such as `http://` is allowed).
    pub host: String,
    /// Port, if set.
    pub port: Option<u16>,
    /// User name for proxy authentication.
    pub username: Option<String>,
    /// Password for proxy authentication.
    pub password: Option<SecretString>,
}

impl ProxyConfig {
    /// The proxy URL (`http://host[:port]` unless the host carries a scheme), no credentials.
    pub fn url(&self) -> Result<Url, url::ParseError> {
        let base = if self.host.contains("://") { self.host.clone() } else { format!("http://{}", self.host) };
        let mut url = Url::parse(&base)?;
        if let Some(port) = self.port {
            url.set_port(Some(port)).map_err(|()| url::ParseError::InvalidPort)?;
        }
        Ok(url)
    }

    /// A `reqwest::Proxy` for all traffic, with basic auth when a username is set.
    pub fn to_reqwest(&self) -> Result<reqwest::Proxy, reqwest::Error> {
        let url = self.url().map(String::from).unwrap_or_default();
        let mut proxy = reqwest::Proxy::all(url)?;
        if let Some(user) = &self.username {
            let pass = self.password.as_ref().map(|p| p.expose_secret()).unwrap_or("");
            proxy = proxy.basic_auth(user, pass);
        }
        Ok(proxy)
    }
}
