//! Okta-shaped responses (error bodies, JSON bodies and arrays) and the reading of query parameters and JSON
//! request bodies. Paged lists: `paging.rs`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::support::random_alnum;

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
    /// E0000001 with one error cause (`"<field>: <reason>"`, as Okta words its causes).
    pub fn validation(cause: impl Into<String>) -> Self {
        Self::validation_failed(vec![cause.into()])
    }
    /// `Ok` when no validation cause was found, else one E0000001 error listing every cause.
    pub fn check_causes(causes: Vec<String>) -> Result<(), Self> {
        if causes.is_empty() { Ok(()) } else { Err(Self::validation_failed(causes)) }
    }
    /// Okta's E0000001: `Api validation failed: <field>` naming the first cause's field, then every cause once, in
    /// the order found (a field a schema requires through two of its parts is one problem).
    fn validation_failed(causes: Vec<String>) -> Self {
        let mut unique: Vec<String> = Vec::with_capacity(causes.len());
        for cause in causes {
            if !unique.contains(&cause) {
                unique.push(cause);
            }
        }
        let field =
            unique.first().and_then(|c| c.split_once(": ")).map(|(field, _)| field).filter(|f| !f.contains(' '));
        let summary = match field {
            Some(field) => format!("Api validation failed: {field}"),
            None => "Api validation failed".to_string(),
        };
        let mut e = Self::new(StatusCode::BAD_REQUEST, "E0000001", summary);
        e.causes = unique;
        e
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
pub(crate) fn param<'a>(query_params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query_params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Parses a JSON request body into an object.
pub(crate) fn json_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::bad_json()),
    }
}
