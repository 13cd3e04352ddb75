//! Event hooks: the delivery envelope, a typed summary view of events, and the receiver.

use http::{HeaderMap, HeaderName, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use super::common::{Extra, LooseString};
use super::dedup::{DedupError, DedupStore, EventDeduplicator};
use super::error::HookError;
use super::response::HookResponse;
use super::verify::{self, DEFAULT_MAX_BODY_BYTES, HeaderAuth};
use okta_management_runtime::secret::SecretString;

/// An event hook delivery: the CloudEvents-style envelope Okta POSTs to an event hook endpoint.
///
/// `E` is the event type: the generated [`okta_management_types::types::LogEvent`] by default, or e.g.
/// `serde_json::Value` or [`EventSummary`] to decode only what you need. Envelope members this
/// type does not know are kept in [`extra`](Self::extra), so the delivery re-encodes without loss
/// (the events themselves are as lossless as `E`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventHookDelivery<E = okta_management_types::types::LogEvent> {
    /// Always `com.okta.event_hook` for event hooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Envelope version, e.g. `1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type_version: Option<LooseString>,
    /// CloudEvents version, e.g. `0.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_events_version: Option<LooseString>,
    /// The event hook that sent this delivery, e.g. `https://{org}/api/v1/eventHooks/who…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Id of this delivery (not of the events; events carry their own `uuid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// When the delivery was created, RFC 3339 text as sent (see [`Self::event_time_parsed`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// Content type of `data`, normally `application/json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The payload with the events.
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub data: Option<EventHookData<E>>,
    /// Envelope members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `data` member of an event hook delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventHookData<E = okta_management_types::types::LogEvent> {
    /// The System Log events of this delivery (Okta batches several per delivery).
    #[serde(default = "Vec::new")]
    pub events: Vec<E>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

impl<E> EventHookDelivery<E> {
    /// The events of this delivery (empty when `data` is absent).
    pub fn events(&self) -> &[E] {
        self.data.as_ref().map(|d| d.events.as_slice()).unwrap_or(&[])
    }

    /// Consumes the delivery and returns its events.
    pub fn into_events(self) -> Vec<E> {
        self.data.map(|d| d.events).unwrap_or_default()
    }

    /// `eventTime` parsed as RFC 3339, if present and valid.
    pub fn event_time_parsed(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.event_time
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&chrono::Utc))
    }
}

impl<E: Serialize> EventHookDelivery<E> {
    /// Typed summaries of the events (uuid, type, actor, targets, outcome), read through serde so
    /// they work whatever `E` is. An event that cannot be viewed as a summary yields an error
    /// (position and class only).
    pub fn summaries(&self) -> Vec<Result<EventSummary, HookError>> {
        self.events().iter().map(EventSummary::from_event).collect()
    }

    /// The events seen for the first time according to `dedup` (which remembers them), in
    /// delivery order. Events without a readable `uuid` cannot be de-duplicated and are
    /// always returned.
    pub fn first_time_events<'a>(&'a self, dedup: &EventDeduplicator) -> Vec<&'a E> {
        self.events().iter().filter(|event| uuid_of(*event).is_none_or(|uuid| dedup.first_time(&uuid))).collect()
    }

    /// The events this receiver claims in `store` (in memory, or shared by every replica in Redis), in delivery
    /// order: each event of the org is claimed by one caller only, whichever replica its deliveries reach. Events
    /// without a readable `uuid` cannot be de-duplicated and are always returned.
    ///
    /// On `Err` (the store cannot answer and is set to fail), answer the delivery with a `5xx` so that Okta sends
    /// it again: the events this call claimed are released first (as far as the store answers), so that the
    /// redelivery handles them.
    pub async fn claim_first_time_events<'a, S: DedupStore + ?Sized>(
        &'a self,
        store: &S,
    ) -> Result<Vec<&'a E>, DedupError> {
        let mut claimed = Vec::new();
        let mut claimed_ids = Vec::new();
        for event in self.events() {
            let Some(uuid) = uuid_of(event) else {
                claimed.push(event);
                continue;
            };
            match store.claim(&uuid).await {
                Ok(true) => {
                    claimed.push(event);
                    claimed_ids.push(uuid);
                }
                Ok(false) => {}
                Err(e) => {
                    for id in &claimed_ids {
                        // Best effort: a store that cannot claim may not release either; the error is the answer.
                        let _ = store.release(id).await;
                    }
                    return Err(e);
                }
            }
        }
        Ok(claimed)
    }
}

/// An event's `uuid`, the key of de-duplication, if it has a readable one.
fn uuid_of<E: Serialize>(event: &E) -> Option<String> {
    EventSummary::from_event(event).ok().and_then(|s| s.uuid)
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The parts of a System Log event that hook receivers usually act on.
///
/// Defined here (not generated) so receiver logic does not depend on generated field names;
/// build it from any serializable event with [`EventSummary::from_event`], or decode deliveries
/// directly as `EventHookDelivery<EventSummary>`. Unknown members are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSummary {
    /// Unique event id; the key for de-duplication.
    pub uuid: Option<String>,
    /// Event type, e.g. `user.lifecycle.create`.
    pub event_type: Option<String>,
    /// When the event happened (RFC 3339 text).
    pub published: Option<String>,
    /// Human-readable description.
    pub display_message: Option<String>,
    /// `DEBUG`, `INFO`, `WARN` or `ERROR`.
    pub severity: Option<String>,
    /// Who performed the action.
    pub actor: Option<EventEntity>,
    /// What the action was performed on.
    #[serde(deserialize_with = "null_as_default")]
    pub target: Vec<EventEntity>,
    /// Result of the action.
    pub outcome: Option<EventOutcome>,
}

/// An actor or target of a System Log event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventEntity {
    /// Okta id (e.g. a user id `00u…`).
    pub id: Option<String>,
    /// Entity type, e.g. `User`, `UserGroup`, `AppInstance`.
    #[serde(rename = "type")]
    pub entity_type: Option<String>,
    /// Alternate id, e.g. the user's login.
    pub alternate_id: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
}

/// Outcome of a System Log event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventOutcome {
    /// `SUCCESS`, `FAILURE`, `SKIPPED`, `ALLOW`, `DENY`, `CHALLENGE` or `UNKNOWN`.
    pub result: Option<String>,
    /// Reason for the result.
    pub reason: Option<String>,
}

impl EventSummary {
    /// Builds a summary from any serializable event (e.g. the generated `LogEvent`).
    pub fn from_event<E: Serialize>(event: &E) -> Result<Self, HookError> {
        let value = serde_json::to_value(event).map_err(|e| HookError::from_json(&e))?;
        serde_json::from_value(value).map_err(|e| HookError::from_json(&e))
    }

    /// Whether the event type equals `event_type`.
    pub fn is(&self, event_type: &str) -> bool {
        self.event_type.as_deref() == Some(event_type)
    }

    /// Whether the outcome is `SUCCESS` (or absent, as for events without outcome).
    pub fn succeeded(&self) -> bool {
        self.outcome.as_ref().and_then(|o| o.result.as_deref()).is_none_or(|r| r == "SUCCESS")
    }

    /// Targets of the given type (compared case-sensitively, e.g. `"User"`).
    pub fn targets_of_type<'a>(&'a self, entity_type: &'a str) -> impl Iterator<Item = &'a EventEntity> + 'a {
        self.target.iter().filter(move |t| t.entity_type.as_deref() == Some(entity_type))
    }

    /// Ids of the `User` targets, e.g. the created user of `user.lifecycle.create`.
    pub fn target_user_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.targets_of_type("User").filter_map(|t| t.id.as_deref())
    }
}

/// Receives Okta event hooks: answers verification, authenticates, limits and decodes deliveries.
///
/// Framework-independent: feed it the request headers and body bytes, send back the
/// [`HookResponse`]. Okta expects `200` within 3 seconds of a delivery; acknowledge first and
/// process asynchronously when work may take longer.
#[derive(Debug, Clone)]
pub struct EventHookReceiver {
    auth: HeaderAuth,
    max_body_bytes: usize,
    verification_requires_auth: bool,
}

impl EventHookReceiver {
    /// A receiver accepting requests whose header `auth_header_name` equals `secret`
    /// (as configured in the hook's `channel.config.authScheme`), with a body limit of
    /// [`DEFAULT_MAX_BODY_BYTES`] (1 MiB).
    pub fn new(auth_header_name: HeaderName, secret: SecretString) -> Self {
        Self {
            auth: HeaderAuth::new(auth_header_name, secret),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            verification_requires_auth: false,
        }
    }

    /// Sets the maximum accepted body size in bytes.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Whether the verification GET must also carry the auth header (default `false`:
    /// echoing the challenge reveals nothing, and it only succeeds for the URL registered in
    /// the org, so it is answered without authentication).
    #[must_use]
    pub fn verification_requires_auth(mut self, required: bool) -> Self {
        self.verification_requires_auth = required;
        self
    }

    /// The configured body limit.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Answers the one-time verification GET: `200 {"verification": "<challenge>"}`, `400` when
    /// the challenge header is missing, `401` when auth is required and fails.
    pub fn verify(&self, headers: &HeaderMap) -> HookResponse {
        if self.verification_requires_auth {
            if let Err(err) = self.auth.check(headers) {
                return err.to_response();
            }
        }
        verify::verification_response(headers)
    }

    /// Checks what can be checked before reading the body: auth (401), announced
    /// `Content-Length` (413) and content type (415).
    pub fn precheck(&self, headers: &HeaderMap) -> Result<(), HookError> {
        self.auth.check(headers)?;
        verify::check_content_length(headers, self.max_body_bytes)?;
        verify::check_content_type(headers)
    }

    /// Authenticates and decodes a delivery with events as the generated `LogEvent`.
    ///
    /// Checks, in order: auth header (401), size (413, before parsing), content type (415),
    /// JSON (400). Map an error to its response with [`HookError::to_response`].
    pub fn receive(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<EventHookDelivery<okta_management_types::types::LogEvent>, HookError> {
        self.receive_as(headers, body)
    }

    /// Like [`receive`](Self::receive), decoding events as `E` (e.g. [`EventSummary`]).
    pub fn receive_as<E: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<EventHookDelivery<E>, HookError> {
        self.precheck(headers)?;
        verify::check_body_size(body, self.max_body_bytes)?;
        serde_json::from_slice(body).map_err(|e| HookError::from_json(&e))
    }

    /// Handles any request to the event hook endpoint: `GET` is the verification, `POST` a
    /// delivery, anything else `405`.
    pub fn handle<E: DeserializeOwned>(
        &self,
        method: &Method,
        headers: &HeaderMap,
        body: &[u8],
    ) -> EventHookOutcome<E> {
        if method == Method::GET {
            EventHookOutcome::Verification(self.verify(headers))
        } else if method == Method::POST {
            match self.receive_as(headers, body) {
                Ok(delivery) => EventHookOutcome::Delivery(delivery),
                Err(err) => EventHookOutcome::Rejected(err),
            }
        } else {
            EventHookOutcome::Rejected(HookError::MethodNotAllowed { method: method.clone(), allow: "GET, POST" })
        }
    }

    /// [`handle`](Self::handle) for an `http::Request<Bytes>`.
    pub fn handle_request<E: DeserializeOwned>(&self, request: &http::Request<bytes::Bytes>) -> EventHookOutcome<E> {
        self.handle(request.method(), request.headers(), request.body())
    }
}

/// Result of [`EventHookReceiver::handle`].
#[derive(Debug)]
#[non_exhaustive]
pub enum EventHookOutcome<E = okta_management_types::types::LogEvent> {
    /// A verification request; send this response.
    Verification(HookResponse),
    /// An authenticated, decoded delivery; acknowledge with [`EventHookOutcome::response`] (`200`).
    Delivery(EventHookDelivery<E>),
    /// A rejected request; send [`HookError::to_response`].
    Rejected(HookError),
}

impl<E> EventHookOutcome<E> {
    /// The response to send: the verification answer, `200` with an empty body for a
    /// delivery, or the error response.
    pub fn response(&self) -> HookResponse {
        match self {
            Self::Verification(response) => response.clone(),
            Self::Delivery(_) => HookResponse::empty(StatusCode::OK),
            Self::Rejected(err) => err.to_response(),
        }
    }
}
