//! Inline hooks: request payloads of the six inline hook types and the receiver.
//!
//! Every struct keeps members it does not model in an `extra` map, so a request decodes and
//! re-encodes without loss. Okta sends some documented-as-string members as numbers; those
//! use [`LooseString`], which keeps the original JSON type.

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, Method};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{Extra, LooseString, Sensitive, present};
use super::error::HookError;
use super::verify::{self, DEFAULT_MAX_BODY_BYTES, HeaderAuth};
use okta_management_runtime::secret::SecretString;

/// The inline hook types (the `eventType` Okta sends; also the `type` used to register the hook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InlineHookType {
    /// `com.okta.oauth2.tokens.transform`
    Token,
    /// `com.okta.saml.tokens.transform`
    SamlAssertion,
    /// `com.okta.user.pre-registration`
    Registration,
    /// `com.okta.user.credential.password.import`
    PasswordImport,
    /// `com.okta.import.transform`
    UserImport,
    /// `com.okta.telephony.provider`
    Telephony,
}

impl InlineHookType {
    /// All inline hook types.
    pub const ALL: [Self; 6] =
        [Self::Token, Self::SamlAssertion, Self::Registration, Self::PasswordImport, Self::UserImport, Self::Telephony];

    /// The wire name, e.g. `com.okta.user.pre-registration`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Token => "com.okta.oauth2.tokens.transform",
            Self::SamlAssertion => "com.okta.saml.tokens.transform",
            Self::Registration => "com.okta.user.pre-registration",
            Self::PasswordImport => "com.okta.user.credential.password.import",
            Self::UserImport => "com.okta.import.transform",
            Self::Telephony => "com.okta.telephony.provider",
        }
    }

    /// Parses a wire name.
    pub fn from_event_type(event_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == event_type)
    }
}

impl std::fmt::Display for InlineHookType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The common envelope of inline hook requests; `D` is the hook-specific `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineHookRequest<D> {
    /// Unique id of this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// When the request was created (RFC 3339 text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// The inline hook type, see [`InlineHookType`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Payload version (sent as `"1.0"` or `1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type_version: Option<LooseString>,
    /// Normally `application/json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// CloudEvents version (sent as `"0.1"` or `0.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_event_version: Option<LooseString>,
    /// The originating inline hook, policy or app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Sub-type, e.g. `self.service.registration` or `progressive.profile` for registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_type: Option<String>,
    /// Hook-specific data: `None` when absent, `Some(None)` when sent as `null`.
    #[serde(
        default = "Option::default",
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none",
        bound(deserialize = "D: Deserialize<'de>")
    )]
    pub data: Option<Option<D>>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

impl<D> InlineHookRequest<D> {
    /// The hook-specific data, if present and not `null`.
    pub fn data(&self) -> Option<&D> {
        self.data.as_ref().and_then(Option::as_ref)
    }

    /// The parsed `eventType`.
    pub fn hook_type(&self) -> Option<InlineHookType> {
        self.event_type.as_deref().and_then(InlineHookType::from_event_type)
    }
}

/// `data.context.request`: the end-user request that triggered the hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookHttpRequest {
    /// Okta request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Request URL (`{"value": "..."}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<HookUrl>,
    /// Client IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A URL wrapped as `{"value": "..."}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HookUrl {
    /// The URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data.context.session`: the end user's Okta session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookSession {
    /// Session id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// User login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    /// Session creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Session expiry time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Session status, e.g. `ACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Last password verification time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_password_verification: Option<String>,
    /// Authentication methods, e.g. `PASSWORD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amr: Option<Vec<String>>,
    /// Identity provider (`{"id", "type"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp: Option<Extra>,
    /// Whether MFA is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_active: Option<bool>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data.context.user`: the Okta user concerned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookUser {
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When the password last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_changed: Option<String>,
    /// Profile attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Extra>,
    /// Links (`groups`, `factors`).
    #[serde(default, rename = "_links", skip_serializing_if = "Option::is_none")]
    pub links: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Token inline hook

/// Token inline hook request (`com.okta.oauth2.tokens.transform`).
pub type TokenInlineHookRequest = InlineHookRequest<TokenHookData>;

/// `data` of a token inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenHookData {
    /// Request, session, user, protocol and policy context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<TokenHookContext>,
    /// The ID token being minted (`claims`, `token.lifetime`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<TokenHookToken>,
    /// The access token being minted (`claims`, `token.lifetime`, `scopes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<TokenHookToken>,
    /// Refresh token info (`jti`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data.context` of a token inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenHookContext {
    /// The triggering request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<HookHttpRequest>,
    /// The user's session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<HookSession>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<HookUser>,
    /// OAuth 2.0 protocol details (`type`, `request`, `issuer`, `client`, `OriginalGrant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Extra>,
    /// The authorization server policy and rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An ID or access token in a token inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenHookToken {
    /// Current claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Extra>,
    /// Token properties (`lifetime.expiration` in seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Extra>,
    /// Granted scopes (access token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

impl InlineHookRequest<TokenHookData> {
    /// The token data: `data` when present, otherwise the top-level `context`/`identity`/`access`
    /// members (the shape of the spec's example, which sends `"data": null`).
    pub fn token_data(&self) -> Option<Cow<'_, TokenHookData>> {
        if let Some(data) = self.data() {
            return Some(Cow::Borrowed(data));
        }
        let keys = ["context", "identity", "access", "refresh_token"];
        if !keys.iter().any(|k| self.extra.contains_key(*k)) {
            return None;
        }
        let top: Extra = self
            .extra
            .iter()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        serde_json::from_value(Value::Object(top)).ok().map(Cow::Owned)
    }
}

// ---------------------------------------------------------------------------------------------
// SAML assertion inline hook

/// SAML assertion inline hook request (`com.okta.saml.tokens.transform`).
pub type SamlInlineHookRequest = InlineHookRequest<SamlHookData>;

/// `data` of a SAML assertion inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SamlHookData {
    /// Request, session, user and protocol context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<SamlHookContext>,
    /// The assertion being generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion: Option<SamlAssertion>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data.context` of a SAML assertion inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SamlHookContext {
    /// The triggering request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<HookHttpRequest>,
    /// The user's session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<HookSession>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<HookUser>,
    /// SAML protocol details (`type`, `issuer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The SAML assertion in a SAML inline hook request (JSON rendering of the XML assertion).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SamlAssertion {
    /// `nameId`, `nameFormat`, `confirmation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Extra>,
    /// `sessionIndex`, `authnContext`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Extra>,
    /// `audienceRestriction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Extra>,
    /// Attribute statements by name (`attributes`, `attributeValues`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Extra>,
    /// `expiration` in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Registration inline hook

/// Registration inline hook request (`com.okta.user.pre-registration`), both for self-service
/// registration (SSR) and progressive profile enrollment (see [`Self::request_type`]).
pub type RegistrationInlineHookRequest = InlineHookRequest<RegistrationHookData>;

/// `requestType` values of the registration inline hook.
pub mod registration_request_type {
    /// Self-service registration: `data.userProfile` holds the submitted attributes.
    pub const SELF_SERVICE_REGISTRATION: &str = "self.service.registration";
    /// Progressive profile: `data.context.user` is the existing user, `data.userProfileUpdate`
    /// the submitted attributes.
    pub const PROGRESSIVE_PROFILE: &str = "progressive.profile";
}

/// `data` of a registration inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationHookData {
    /// Request (and, for progressive profile, user) context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<RegistrationHookContext>,
    /// Attributes submitted for self-service registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_profile: Option<Extra>,
    /// Attributes submitted for a progressive profile update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_profile_update: Option<Extra>,
    /// Okta's default action, `ALLOW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data.context` of a registration inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistrationHookContext {
    /// The triggering request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<HookHttpRequest>,
    /// The existing user (progressive profile only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<HookUser>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

impl RegistrationHookData {
    /// A submitted or existing string attribute: looked up in `userProfile`, then
    /// `userProfileUpdate`, then the existing user's profile.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        let existing = self.context.as_ref().and_then(|c| c.user.as_ref()).and_then(|u| u.profile.as_ref());
        [self.user_profile.as_ref(), self.user_profile_update.as_ref(), existing]
            .into_iter()
            .flatten()
            .find_map(|profile| profile.get(name).and_then(Value::as_str))
    }

    /// The email being registered (`email`, falling back to `login`).
    pub fn email(&self) -> Option<&str> {
        self.attribute("email").or_else(|| self.attribute("login"))
    }
}

// ---------------------------------------------------------------------------------------------
// Password import inline hook

/// Password import inline hook request (`com.okta.user.credential.password.import`).
pub type PasswordImportInlineHookRequest = InlineHookRequest<PasswordImportHookData>;

/// `data` of a password import inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasswordImportHookData {
    /// Request and credential context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<PasswordImportContext>,
    /// Okta's default action (`credential: UNVERIFIED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data.context` of a password import inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasswordImportContext {
    /// The triggering request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<HookHttpRequest>,
    /// The credentials the user entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<PasswordImportCredential>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Credentials to verify; the password is redacted in `Debug` and zeroized on drop.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasswordImportCredential {
    /// The user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password the user entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Sensitive<String>>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// User import inline hook

/// User import inline hook request (`com.okta.import.transform`).
pub type UserImportInlineHookRequest = InlineHookRequest<UserImportHookData>;

/// `data` of a user import inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserImportHookData {
    /// Import job context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<UserImportContext>,
    /// Okta's default action (`result`: `CREATE_USER` or `LINK_USER`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Extra>,
    /// The app user being imported (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_user: Option<Extra>,
    /// The Okta user it maps to (`profile`, and `id` when matched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data.context` of a user import inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserImportContext {
    /// Attributes that conflict with existing users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflicts: Option<Vec<Value>>,
    /// The app being imported from (`name`, `id`, `label`, `status`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Extra>,
    /// The import job (`id`, `type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<Extra>,
    /// Existing users matched by the matching rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<Value>>,
    /// Matching rules applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Vec<Value>>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Telephony inline hook

/// Telephony inline hook request (`com.okta.telephony.provider`).
pub type TelephonyInlineHookRequest = InlineHookRequest<TelephonyHookData>;

/// `data` of a telephony inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TelephonyHookData {
    /// Request context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<TelephonyContext>,
    /// The user (`firstName`, `lastName`, `login`, `userId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_profile: Option<Extra>,
    /// The message to deliver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_profile: Option<TelephonyMessageProfile>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data.context` of a telephony inline hook request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TelephonyContext {
    /// The triggering request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<HookHttpRequest>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The one-time passcode message to deliver; the template and code are redacted in `Debug`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TelephonyMessageProfile {
    /// Message text, including the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_template: Option<Sensitive<String>>,
    /// Destination phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<LooseString>,
    /// When the code expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp_expires: Option<String>,
    /// `SMS` or `Voice call`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_channel: Option<String>,
    /// The one-time passcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp_code: Option<Sensitive<LooseString>>,
    /// Locale, e.g. `EN-US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Receiver

/// Receives inline hook requests: authenticates (constant time), limits and decodes them.
///
/// Answer with an [`InlineHookResponse`](super::InlineHookResponse) (`200`) or
/// [`HookResponse::no_content`](super::HookResponse::no_content) (`204`, default action) within
/// Okta's 3 second timeout; response bodies must stay under 256 KB.
#[derive(Debug, Clone)]
pub struct InlineHookReceiver {
    auth: HeaderAuth,
    max_body_bytes: usize,
}

impl InlineHookReceiver {
    /// A receiver accepting requests whose header `auth_header_name` equals `secret`, with a
    /// body limit of [`DEFAULT_MAX_BODY_BYTES`] (1 MiB).
    pub fn new(auth_header_name: HeaderName, secret: SecretString) -> Self {
        Self { auth: HeaderAuth::new(auth_header_name, secret), max_body_bytes: DEFAULT_MAX_BODY_BYTES }
    }

    /// Sets the maximum accepted body size in bytes.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The configured body limit.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Checks auth (401), announced `Content-Length` (413) and content type (415).
    pub fn precheck(&self, headers: &HeaderMap) -> Result<(), HookError> {
        self.auth.check(headers)?;
        verify::check_content_length(headers, self.max_body_bytes)?;
        verify::check_content_type(headers)
    }

    /// Authenticates and decodes a request as `T` (e.g. [`RegistrationInlineHookRequest`]).
    ///
    /// Checks, in order: auth (401), size (413, before parsing), content type (415), JSON (400).
    pub fn receive<T: DeserializeOwned>(&self, headers: &HeaderMap, body: &[u8]) -> Result<T, HookError> {
        self.precheck(headers)?;
        verify::check_body_size(body, self.max_body_bytes)?;
        serde_json::from_slice(body).map_err(|e| HookError::from_json(&e))
    }

    /// [`receive`](Self::receive) for an `http::Request<Bytes>`; methods other than `POST` get
    /// [`HookError::MethodNotAllowed`] (405).
    pub fn receive_request<T: DeserializeOwned>(&self, request: &http::Request<bytes::Bytes>) -> Result<T, HookError> {
        if request.method() != Method::POST {
            return Err(HookError::MethodNotAllowed { method: request.method().clone(), allow: "POST" });
        }
        self.receive(request.headers(), request.body())
    }
}
