//! The request envelope every inline hook type shares, and the context members several of them send.

use serde::{Deserialize, Serialize};

use crate::common::{Extra, LooseString, present};

wire_enum! {
    /// The inline hook types (the `eventType` Okta sends; also the `type` used to register the hook).
    #[non_exhaustive]
    pub enum InlineHookType {
        Token = "com.okta.oauth2.tokens.transform",
        SamlAssertion = "com.okta.saml.tokens.transform",
        Registration = "com.okta.user.pre-registration",
        PasswordImport = "com.okta.user.credential.password.import",
        UserImport = "com.okta.import.transform",
        Telephony = "com.okta.telephony.provider",
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
        self.event_type.as_deref()?.parse().ok()
    }
}

payload_struct! {
    /// `data.context.request`: the end-user request that triggered the hook.
    #[serde(rename_all = "camelCase")]
    pub struct HookHttpRequest {
        /// Okta request id.
        id: String,
        /// HTTP method.
        method: String,
        /// Request URL (`{"value": "..."}`).
        url: HookUrl,
        /// Client IP address.
        ip_address: String,
    }
}

payload_struct! {
    /// A URL wrapped as `{"value": "..."}`.
    pub struct HookUrl {
        /// The URL.
        value: String,
    }
}

payload_struct! {
    /// `data.context.session`: the end user's Okta session.
    #[serde(rename_all = "camelCase")]
    pub struct HookSession {
        /// Session id.
        id: String,
        /// User id.
        user_id: String,
        /// User login.
        login: String,
        /// Session creation time.
        created_at: String,
        /// Session expiry time.
        expires_at: String,
        /// Session status, e.g. `ACTIVE`.
        status: String,
        /// Last password verification time.
        last_password_verification: String,
        /// Authentication methods, e.g. `PASSWORD`.
        amr: Vec<String>,
        /// Identity provider (`{"id", "type"}`).
        idp: Extra,
        /// Whether MFA is active.
        mfa_active: bool,
    }
}

payload_struct! {
    /// `data.context.user`: the Okta user concerned.
    #[serde(rename_all = "camelCase")]
    pub struct HookUser {
        /// User id.
        id: String,
        /// When the password last changed.
        password_changed: String,
        /// Profile attributes.
        profile: Extra,
        /// Links (`groups`, `factors`).
        #[serde(rename = "_links")]
        links: Extra,
    }
}
