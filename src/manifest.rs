//! The operation manifest build.rs emits: every operation of Okta's spec and its Rust method.

/// One operation of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `listUsers`.
    pub operation_id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template, e.g. `/api/v1/users/{id}`.
    pub path: &'static str,
    /// The cargo feature that compiles it (`users`, `groups`, `apps`, …; all are in `full`).
    pub group: &'static str,
    /// The method on [`crate::Client`], e.g. `list_users`.
    pub rust_method: &'static str,
    /// Whether the method is hand-written (operations progenitor cannot express, e.g. multipart uploads).
    pub hand_written: bool,
    /// The OAuth 2.0 scopes an access token needs for it, from the spec's `security` (all of them; a `.manage`
    /// scope includes its `.read`). Empty: an access token cannot call it (an API token only, or no
    /// authentication). See [`crate::scopes`].
    pub oauth_scopes: &'static [&'static str],
}

include!(concat!(env!("OKTA_GENERATED_DIR"), "/okta_manifest.rs"));

/// The media type Okta expects for an operation's body where progenitor's is not it (raw or `+json` bodies).
pub fn body_media_type(operation_id: &str) -> Option<&'static str> {
    BODY_MEDIA_TYPES.iter().find(|(id, _)| *id == operation_id).map(|(_, media)| *media)
}
