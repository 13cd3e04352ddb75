//! Inline hooks, both halves: the requests Okta sends (the envelope and the `data` of the six inline hook types)
//! with the [`InlineHookReceiver`] that authenticates and decodes them, and the responses a receiver answers with
//! (typed [`Command`]s, an [`InlineHookError`] and a `debugContext`).
//!
//! * `request.rs`: [`InlineHookType`], the envelope [`InlineHookRequest`] and the context members the hooks share;
//! * `data.rs`: the `data` of each inline hook type (token, SAML, registration, password import, user import,
//!   telephony);
//! * `receiver.rs`: [`InlineHookReceiver`];
//! * `commands.rs`: [`Command`], its [`CommandType`] and the values the typed commands take;
//! * `response.rs`: [`InlineHookResponse`] and its error object.
//!
//! Every payload struct keeps the members it does not model in an `extra` map (`payload_struct!`), so a request
//! or a response decodes and encodes again without loss. Okta sends some documented-as-string members as numbers;
//! those use [`LooseString`](crate::LooseString), which keeps the original JSON type.

mod commands;
mod data;
mod receiver;
mod request;
mod response;

pub use commands::{
    Command, CommandType, CredentialVerdict, ImportResult, PatchOp, PatchOperation, RegistrationVerdict,
    TelephonyActionValue, TelephonyStatus,
};
pub use data::{
    PasswordImportContext, PasswordImportCredential, PasswordImportHookData, PasswordImportInlineHookRequest,
    RegistrationHookContext, RegistrationHookData, RegistrationInlineHookRequest, SamlAssertion, SamlHookContext,
    SamlHookData, SamlInlineHookRequest, TelephonyContext, TelephonyHookData, TelephonyInlineHookRequest,
    TelephonyMessageProfile, TokenHookContext, TokenHookData, TokenHookToken, TokenInlineHookRequest,
    UserImportContext, UserImportHookData, UserImportInlineHookRequest, registration_request_type,
};
pub use receiver::InlineHookReceiver;
pub use request::{HookHttpRequest, HookSession, HookUrl, HookUser, InlineHookRequest, InlineHookType};
pub use response::{ErrorCause, InlineHookError, InlineHookResponse};
