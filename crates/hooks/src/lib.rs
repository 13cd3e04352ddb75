//! # okta-management-hooks
//!
//! Receiving Okta event hooks and inline hooks, independent of any web framework and of the API client: a hook
//! receiver needs only this crate (re-exported as `okta_management::hooks`). What it must not do: call Okta (a
//! receiver that does, uses `okta-management`), or depend on a web framework or async runtime.
//!
//!
//! Inputs are the request method, an [`http::HeaderMap`] and the body bytes; outputs are a
//! [`HookResponse`] (status, headers, body) that converts into `http::Response<Bytes>`.
//!
//! * **Event hooks** (asynchronous notifications of System Log events):
//!   [`EventHookReceiver`] answers the one-time verification
//!   (`X-Okta-Verification-Challenge` → `{"verification": "…"}`), authenticates the configured
//!   header in constant time, enforces a body limit and decodes the [`EventHookDelivery`]
//!   envelope. [`EventSummary`] gives a typed view of each event and [`EventDeduplicator`]
//!   drops redeliveries (Okta delivers at least once).
//! * **Inline hooks** (synchronous calls during an Okta flow): [`InlineHookReceiver`] decodes
//!   the request types of the six inline hook types ([`TokenInlineHookRequest`],
//!   [`SamlInlineHookRequest`], [`RegistrationInlineHookRequest`],
//!   [`PasswordImportInlineHookRequest`], [`UserImportInlineHookRequest`],
//!   [`TelephonyInlineHookRequest`]); answer with an [`InlineHookResponse`] built from typed
//!   [`Command`]s and an optional [`InlineHookError`].
//!
//! Rejections are [`HookError`]s with documented statuses: 401 (authentication), 413 (body over
//! the limit, checked before parsing), 415 (not `application/json`), 400 (malformed JSON or
//! missing challenge), 405 (method). Error responses never echo the body or secrets.
//!
//! ```
//! use http::{HeaderMap, HeaderName, HeaderValue};
//! use okta_management_hooks::{EventDeduplicator, EventHookReceiver, EventSummary, HookResponse};
//! use okta_management_hooks::SecretString;
//!
//! fn on_event_hook_post(
//!     receiver: &EventHookReceiver,
//!     dedup: &EventDeduplicator,
//!     headers: &HeaderMap,
//!     body: &[u8],
//! ) -> (HookResponse, Vec<String>) {
//!     let delivery = match receiver.receive_as::<EventSummary>(headers, body) {
//!         Ok(delivery) => delivery,
//!         Err(err) => return (err.to_response(), Vec::new()), // 401/413/415/400
//!     };
//!     let mut created = Vec::new();
//!     for event in delivery.events() {
//!         let first = event.uuid.as_deref().is_none_or(|id| dedup.first_time(id));
//!         if first && event.is("user.lifecycle.create") {
//!             created.extend(event.target_user_ids().map(str::to_owned));
//!         }
//!     }
//!     (HookResponse::empty(http::StatusCode::OK), created)
//! }
//!
//! let receiver = EventHookReceiver::new(
//!     HeaderName::from_static("authorization"),
//!     SecretString::from("s3cr3t"),
//! );
//! let dedup = EventDeduplicator::default();
//! let mut headers = HeaderMap::new();
//! headers.insert("authorization", HeaderValue::from_static("s3cr3t"));
//! headers.insert("content-type", HeaderValue::from_static("application/json"));
//! let body = br#"{"eventType":"com.okta.event_hook","data":{"events":[
//!     {"uuid":"e1","eventType":"user.lifecycle.create","target":[{"id":"00u1","type":"User"}]}]}}"#;
//!
//! let (response, created) = on_event_hook_post(&receiver, &dedup, &headers, body);
//! assert_eq!(response.status, http::StatusCode::OK);
//! assert_eq!(created, ["00u1"]);
//! // A redelivery of the same event is acknowledged but not acted on again.
//! let (_, again) = on_event_hook_post(&receiver, &dedup, &headers, body);
//! assert!(again.is_empty());
//! ```

#![warn(missing_docs)]
#![deny(unsafe_code)]
// docs.rs (`--cfg docsrs`, Cargo.toml): each item behind a feature says which.
#![cfg_attr(docsrs, feature(doc_cfg))]

// First: the payload macros, in scope (textually) for the modules below.
#[macro_use]
mod macros;

mod common;
mod dedup;
#[cfg(feature = "redis")]
mod dedup_redis;
mod error;
mod event;
mod inline;
mod response;
mod verify;

pub use common::{Extra, LooseString, Sensitive, UnknownWireValue};
pub use dedup::{Claim, DedupError, DedupStore, EventDeduplicator, StoreFuture};
#[cfg(feature = "redis")]
pub use dedup_redis::{RedisDedupStore, WhenStoreFails};
pub use error::{HookError, JsonErrorKind};
pub use event::{
    EventEntity, EventHookData, EventHookDelivery, EventHookOutcome, EventHookReceiver, EventOutcome, EventSummary,
};
pub use inline::{
    Command, CommandType, CredentialVerdict, ErrorCause, HookHttpRequest, HookSession, HookUrl, HookUser, ImportResult,
    InlineHookError, InlineHookReceiver, InlineHookRequest, InlineHookResponse, InlineHookType, PasswordImportContext,
    PasswordImportCredential, PasswordImportHookData, PasswordImportInlineHookRequest, PatchOp, PatchOperation,
    RegistrationHookContext, RegistrationHookData, RegistrationInlineHookRequest, RegistrationVerdict, SamlAssertion,
    SamlHookContext, SamlHookData, SamlInlineHookRequest, TelephonyActionValue, TelephonyContext, TelephonyHookData,
    TelephonyInlineHookRequest, TelephonyMessageProfile, TelephonyStatus, TokenHookContext, TokenHookData,
    TokenHookToken, TokenInlineHookRequest, UserImportContext, UserImportHookData, UserImportInlineHookRequest,
    registration_request_type,
};
/// Secrets (the shared header value of an event hook) are kept in the runtime's zeroizing, `Debug`-redacting type.
pub use okta_management_runtime::secret::SecretString;
pub use response::HookResponse;
pub use verify::{
    DEFAULT_MAX_BODY_BYTES, HeaderAuth, VERIFICATION_CHALLENGE_HEADER, check_body_size, check_content_length,
    check_content_type, verification_challenge, verification_response,
};
