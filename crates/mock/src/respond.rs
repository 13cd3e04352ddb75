//! Okta-shaped responses: error bodies, JSON pages and `Link` headers.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::state::random_alnum;

/// An Okta error response.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub summary: String,
    pub causes: Vec<String>,
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, summary: impl Into<String>) -> Self {
        Self { status, code, summary: summary.into(), causes: Vec::new(), headers: Vec::new() }
    }
    /// E0000001 with one error cause.
    pub fn validation(cause: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "E0000001", "Api validation failed");
        e.causes.push(cause.into());
        e
    }
    /// `Ok` when no validation cause was found, else one E0000001 error listing every cause.
    pub fn check_causes(causes: Vec<String>) -> Result<(), Self> {
        if causes.is_empty() {
            return Ok(());
        }
        let mut e = Self::new(StatusCode::BAD_REQUEST, "E0000001", "Api validation failed");
        e.causes = causes;
        Err(e)
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "E0000007", format!("Not found: Resource not found: {what}"))
    }
    pub fn bad_json() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000003", "The request body was not well-formed.")
    }
    pub fn invalid_token() -> Self {
        let mut e = Self::new(StatusCode::UNAUTHORIZED, "E0000011", "Invalid token provided");
        e.headers.push(("www-authenticate", "Bearer error=\"invalid_token\"".into()));
        e
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000006", "You do not have permission to perform the requested action")
    }
    pub fn search(why: &str) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "E0000031", "Invalid search criteria.");
        e.causes.push(why.to_string());
        e
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn body(&self) -> Value {
        let causes: Vec<Value> = self.causes.iter().map(|c| json!({"errorSummary": c})).collect();
        json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": format!("oae{}", random_alnum(19)),
            "errorCauses": causes,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = json_response(self.status, &self.body());
        for (k, v) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(v) {
                r.headers_mut().insert(*k, v);
            }
        }
        r
    }
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, v: &Value) -> Response {
    bytes_response(status, serde_json::to_vec(v).unwrap_or_default())
}

/// A JSON response from already serialized bytes.
pub(crate) fn bytes_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// An empty response (204 and friends).
pub(crate) fn empty(status: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r
}

/// Serializes a page of JSON values into one array without building an intermediate `Value`.
pub(crate) fn page_bytes(items: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.len() * 512 + 2);
    out.push(b'[');
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing into a Vec cannot fail for a `Value`.
        let _ = serde_json::to_writer(&mut out, v);
    }
    out.push(b']');
    out
}

/// Query parameters in their original order.
pub(crate) fn params(query: Option<&str>) -> Vec<(String, String)> {
    query.map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default()
}

/// The first value of a parameter.
pub(crate) fn param<'a>(ps: &'a [(String, String)], name: &str) -> Option<&'a str> {
    ps.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Reads `limit`, applying the endpoint's default and clamping to its maximum.
pub(crate) fn limit(ps: &[(String, String)], default: usize, max: usize) -> Result<usize, ApiError> {
    match param(ps, "limit") {
        None => Ok(default),
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if n < 0 => Ok(default),
            Ok(n) => Ok(usize::try_from(n).unwrap_or(max).min(max)),
            Err(_) => Err(ApiError::validation(format!("limit: '{s}' is not a valid integer"))),
        },
    }
}

/// `Link` headers: `self` (the request as received) and, when given, `next` with `after`
/// replaced by the cursor and every other parameter preserved in its order.
pub(crate) fn link_headers(base: &str, path: &str, ps: &[(String, String)], next_after: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    let encode = |pairs: &mut dyn Iterator<Item = (&str, &str)>| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k, v);
        }
        ser.finish()
    };
    let q = encode(&mut ps.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let self_url = if q.is_empty() { format!("{base}{path}") } else { format!("{base}{path}?{q}") };
    if let Ok(v) = HeaderValue::from_str(&format!("<{self_url}>; rel=\"self\"")) {
        h.append(header::LINK, v);
    }
    if let Some(after) = next_after {
        let mut replaced = false;
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(ps.len() + 1);
        for (k, v) in ps {
            if k == "after" {
                if !replaced {
                    pairs.push(("after", after));
                    replaced = true;
                }
            } else {
                pairs.push((k.as_str(), v.as_str()));
            }
        }
        if !replaced {
            pairs.push(("after", after));
        }
        let nq = encode(&mut pairs.into_iter());
        if let Ok(v) = HeaderValue::from_str(&format!("<{base}{path}?{nq}>; rel=\"next\"")) {
            h.append(header::LINK, v);
        }
    }
    h
}

/// A page response with its `Link` headers.
pub(crate) fn page_response(items: &[Value], links: HeaderMap) -> Response {
    let mut r = bytes_response(StatusCode::OK, page_bytes(items));
    r.headers_mut().extend(links);
    r
}

/// Parses a JSON request body into an object.
pub(crate) fn json_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::bad_json()),
    }
}
