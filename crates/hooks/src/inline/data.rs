//! The `data` of each inline hook type, with the accessors that read it.

use std::borrow::Cow;

use serde_json::Value;

use super::request::{HookHttpRequest, HookSession, HookUser, InlineHookRequest};
use crate::common::{Extra, LooseString, Sensitive};

// ---------------------------------------------------------------------------------------------
// Token inline hook

/// Token inline hook request (`com.okta.oauth2.tokens.transform`).
pub type TokenInlineHookRequest = InlineHookRequest<TokenHookData>;

payload_struct! {
    /// `data` of a token inline hook request.
    pub struct TokenHookData {
        /// Request, session, user, protocol and policy context.
        context: TokenHookContext,
        /// The ID token being minted (`claims`, `token.lifetime`).
        identity: TokenHookToken,
        /// The access token being minted (`claims`, `token.lifetime`, `scopes`).
        access: TokenHookToken,
        /// Refresh token info (`jti`).
        refresh_token: Extra,
    }
}

payload_struct! {
    /// `data.context` of a token inline hook request.
    pub struct TokenHookContext {
        /// The triggering request.
        request: HookHttpRequest,
        /// The user's session.
        session: HookSession,
        /// The user.
        user: HookUser,
        /// OAuth 2.0 protocol details (`type`, `request`, `issuer`, `client`, `OriginalGrant`).
        protocol: Extra,
        /// The authorization server policy and rule.
        policy: Extra,
    }
}

payload_struct! {
    /// An ID or access token in a token inline hook request.
    pub struct TokenHookToken {
        /// Current claims.
        claims: Extra,
        /// Token properties (`lifetime.expiration` in seconds).
        token: Extra,
        /// Granted scopes (access token only).
        scopes: Extra,
    }
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

payload_struct! {
    /// `data` of a SAML assertion inline hook request.
    pub struct SamlHookData {
        /// Request, session, user and protocol context.
        context: SamlHookContext,
        /// The assertion being generated.
        assertion: SamlAssertion,
    }
}

payload_struct! {
    /// `data.context` of a SAML assertion inline hook request.
    pub struct SamlHookContext {
        /// The triggering request.
        request: HookHttpRequest,
        /// The user's session.
        session: HookSession,
        /// The user.
        user: HookUser,
        /// SAML protocol details (`type`, `issuer`).
        protocol: Extra,
    }
}

payload_struct! {
    /// The SAML assertion in a SAML inline hook request (JSON rendering of the XML assertion).
    pub struct SamlAssertion {
        /// `nameId`, `nameFormat`, `confirmation`.
        subject: Extra,
        /// `sessionIndex`, `authnContext`.
        authentication: Extra,
        /// `audienceRestriction`.
        conditions: Extra,
        /// Attribute statements by name (`attributes`, `attributeValues`).
        claims: Extra,
        /// `expiration` in seconds.
        lifetime: Extra,
    }
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

payload_struct! {
    /// `data` of a registration inline hook request.
    #[serde(rename_all = "camelCase")]
    pub struct RegistrationHookData {
        /// Request (and, for progressive profile, user) context.
        context: RegistrationHookContext,
        /// Attributes submitted for self-service registration.
        user_profile: Extra,
        /// Attributes submitted for a progressive profile update.
        user_profile_update: Extra,
        /// Okta's default action, `ALLOW`.
        action: String,
    }
}

payload_struct! {
    /// `data.context` of a registration inline hook request.
    pub struct RegistrationHookContext {
        /// The triggering request.
        request: HookHttpRequest,
        /// The existing user (progressive profile only).
        user: HookUser,
    }
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

payload_struct! {
    /// `data` of a password import inline hook request.
    pub struct PasswordImportHookData {
        /// Request and credential context.
        context: PasswordImportContext,
        /// Okta's default action (`credential: UNVERIFIED`).
        action: Extra,
    }
}

payload_struct! {
    /// `data.context` of a password import inline hook request.
    pub struct PasswordImportContext {
        /// The triggering request.
        request: HookHttpRequest,
        /// The credentials the user entered.
        credential: PasswordImportCredential,
    }
}

payload_struct! {
    /// Credentials to verify; the password is redacted in `Debug` and zeroized on drop.
    pub struct PasswordImportCredential {
        /// The user name.
        username: String,
        /// The password the user entered.
        password: Sensitive<String>,
    }
}

// ---------------------------------------------------------------------------------------------
// User import inline hook

/// User import inline hook request (`com.okta.import.transform`).
pub type UserImportInlineHookRequest = InlineHookRequest<UserImportHookData>;

payload_struct! {
    /// `data` of a user import inline hook request.
    #[serde(rename_all = "camelCase")]
    pub struct UserImportHookData {
        /// Import job context.
        context: UserImportContext,
        /// Okta's default action (`result`: `CREATE_USER` or `LINK_USER`).
        action: Extra,
        /// The app user being imported (`profile`).
        app_user: Extra,
        /// The Okta user it maps to (`profile`, and `id` when matched).
        user: Extra,
    }
}

payload_struct! {
    /// `data.context` of a user import inline hook request.
    pub struct UserImportContext {
        /// Attributes that conflict with existing users.
        conflicts: Vec<Value>,
        /// The app being imported from (`name`, `id`, `label`, `status`).
        application: Extra,
        /// The import job (`id`, `type`).
        job: Extra,
        /// Existing users matched by the matching rules.
        matches: Vec<Value>,
        /// Matching rules applied.
        policy: Vec<Value>,
    }
}

// ---------------------------------------------------------------------------------------------
// Telephony inline hook

/// Telephony inline hook request (`com.okta.telephony.provider`).
pub type TelephonyInlineHookRequest = InlineHookRequest<TelephonyHookData>;

payload_struct! {
    /// `data` of a telephony inline hook request.
    #[serde(rename_all = "camelCase")]
    pub struct TelephonyHookData {
        /// Request context.
        context: TelephonyContext,
        /// The user (`firstName`, `lastName`, `login`, `userId`).
        user_profile: Extra,
        /// The message to deliver.
        message_profile: TelephonyMessageProfile,
    }
}

payload_struct! {
    /// `data.context` of a telephony inline hook request.
    pub struct TelephonyContext {
        /// The triggering request.
        request: HookHttpRequest,
    }
}

payload_struct! {
    /// The one-time passcode message to deliver; the template and code are redacted in `Debug`.
    #[serde(rename_all = "camelCase")]
    pub struct TelephonyMessageProfile {
        /// Message text, including the code.
        msg_template: Sensitive<String>,
        /// Destination phone number.
        phone_number: LooseString,
        /// When the code expires.
        otp_expires: String,
        /// `SMS` or `Voice call`.
        delivery_channel: String,
        /// The one-time passcode.
        otp_code: Sensitive<LooseString>,
        /// Locale, e.g. `EN-US`.
        locale: String,
    }
}
