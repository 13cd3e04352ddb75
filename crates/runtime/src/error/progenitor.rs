//! The bridge between progenitor's generated methods and [`Error`]: a generated method can only fail with
//! `progenitor_client::Error`, so a failure of ours (an Okta error status, rate-limit exhaustion, an auth or
//! decode failure) leaves the transport hook as a synthetic response with status [`CARRIER_STATUS`] and the
//! [`Error`] in its extensions; no operation declares that status, so progenitor hands it back as
//! `UnexpectedResponse`, and `From` takes the typed error out again.

use std::sync::{Arc, Mutex};

use progenitor_client::ResponseValue;
use reqwest::StatusCode;

use super::{ApiError, Error};

/// Status of the synthetic response that carries an [`Error`] through progenitor's generated code.
const CARRIER_STATUS: u16 = 599;

/// The error carried by a synthetic response; taken out once by the `From` conversion.
#[derive(Clone)]
struct Carried(Arc<Mutex<Option<Error>>>);

/// A synthetic response carrying `error` out of progenitor's `ClientHooks::exec`.
#[doc(hidden)]
pub fn carrier(error: Error) -> reqwest::Response {
    let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
    *response.status_mut() = StatusCode::from_u16(CARRIER_STATUS).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.extensions_mut().insert(Carried(Arc::new(Mutex::new(Some(error)))));
    reqwest::Response::from(response)
}

/// The typed error a synthetic response carries, if it is one.
fn carried(response: &reqwest::Response) -> Option<Error> {
    let slot = response.extensions().get::<Carried>()?;
    let mut guard = slot.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    guard.take()
}

/// Decodes a success response of a generated operation (the generator routes progenitor's decoding here) so
/// that a decode failure names the operation and status, and a non-JSON body says what it was.
#[doc(hidden)]
pub async fn decode_response<T: serde::de::DeserializeOwned, E>(
    response: reqwest::Response,
    operation: &'static str,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(progenitor_client::Error::ResponseBodyError)?;
    match Error::decode_json::<T>(operation, status, &headers, &body) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(error) => Err(progenitor_client::Error::UnexpectedResponse(carrier(error))),
    }
}

impl<E> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::UnexpectedResponse(response) => match carried(&response) {
                Some(error) => error,
                None => ApiError::from_parts(response.status(), response.headers(), b"").into(),
            },
            P::ErrorResponse(value) => ApiError::from_parts(value.status(), value.headers(), b"").into(),
            P::CommunicationError(e) | P::ResponseBodyError(e) => Error::Transport(e),
            P::InvalidResponsePayload(body, e) => Error::decode(None, None, &body, e),
            P::InvalidRequest(message) => Error::InvalidRequest(message),
            P::InvalidUpgrade(e) => Error::Transport(e),
            P::Custom(message) => Error::InvalidRequest(message),
        }
    }
}
