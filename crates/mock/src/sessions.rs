//! The Sessions API: a `sessionToken` from the Authn API (`authn.rs`) exchanged once for a session
//! (`POST /api/v1/sessions`), the session read, refreshed and closed by id (an administrator's operations) or through
//! the user's own `sid` cookie (`/api/v1/sessions/me`), and every session of a user revoked
//! (`DELETE /api/v1/users/{userId}/sessions`). A session opened writes `user.session.start` to the System Log, a
//! session closed `user.session.end`, for event hooks as for the log.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::credentials::{SESSION_LIFETIME, SessionRec, TokenKind, timestamp};
use crate::respond::{ApiError, empty, json_body, json_response};
use crate::state::{OrgState, Store, user_target};

/// The id of the mock org, the `idp.id` of its own sessions (Okta: the org's id when `idp.type` is `OKTA`).
const ORG_ID: &str = "00omockorg000000000";

/// Okta's 404 for a session it does not have (closed, expired, or never opened).
fn session_not_found(id: &str) -> ApiError {
    ApiError::not_found(&format!("{id} (Session)"))
}

/// The Session object; `me` names it by the cookie's alias, as Okta's links of `/api/v1/sessions/me` do.
fn session_json(store: &Store, s: &SessionRec, me: bool) -> Value {
    let base = &store.base;
    let user = store.users.get(&s.user_id);
    let login = user.map(|u| u.login().to_string()).unwrap_or_default();
    let name = user.and_then(|u| user_target(u).get("displayName").cloned()).unwrap_or(Value::Null);
    let (self_href, user_href) = if me {
        (format!("{base}/api/v1/sessions/me"), format!("{base}/api/v1/users/me"))
    } else {
        (format!("{base}/api/v1/sessions/{}", s.id), format!("{base}/api/v1/users/{}", s.user_id))
    };
    json!({
        "id": s.id,
        "userId": s.user_id,
        "login": login,
        "createdAt": timestamp(s.created),
        "expiresAt": timestamp(s.expires),
        "status": "ACTIVE",
        "lastPasswordVerification": timestamp(s.last_password_verification),
        "lastFactorVerification": null,
        "amr": ["pwd"],
        "idp": {"id": ORG_ID, "type": "OKTA"},
        "mfaActive": false,
        "_links": {
            "self": {"href": self_href, "hints": {"allow": ["GET", "DELETE"]}},
            "refresh": {"href": format!("{self_href}/lifecycle/refresh"), "hints": {"allow": ["POST"]}},
            "user": {"name": name, "href": user_href, "hints": {"allow": ["GET"]}},
        }
    })
}

/// Records a session opened or closed, with its user as target.
fn emit_session_event(store: &mut Store, s: &SessionRec, event_type: &str, display: &str) {
    let targets = store.users.get(&s.user_id).map(user_target).into_iter().collect();
    store.emit(event_type, display, targets);
}

/// `POST /api/v1/sessions` (createSession): the token is redeemed, whatever the answer.
pub(crate) async fn create(State(org): State<Arc<OrgState>>, body: Bytes) -> Response {
    let answer = (|| {
        let body = json_body(&body)?;
        let token = match body.get("sessionToken") {
            Some(Value::String(t)) if !t.is_empty() => t.clone(),
            _ => return Err(ApiError::validation("sessionToken: The field cannot be left blank")),
        };
        let now = org.clock.now();
        org.with_store(|store| {
            // Okta: an invalid, used or expired token is a `401`.
            let failed = || ApiError::new(StatusCode::UNAUTHORIZED, "E0000004", "Authentication failed");
            let user_id = store.credentials.redeem_token(TokenKind::Session, &token, now).ok_or_else(failed)?;
            // A user deactivated or suspended since signing in gets no session.
            if store.users.get(&user_id).is_none_or(|u| u.status != "ACTIVE") {
                return Err(failed());
            }
            let s = store.credentials.open_session(&user_id, now);
            emit_session_event(store, &s, "user.session.start", "User login to Okta");
            Ok(session_json(store, &s, false))
        })
    })();
    match answer {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// What an operation on one session does.
#[derive(Clone, Copy)]
enum Act {
    Get,
    Refresh,
    Close,
}

fn act_on(org: &OrgState, id: &str, shown_as: &str, act: Act) -> Response {
    let now = org.clock.now();
    let me = shown_as == "me";
    let answer: Result<Option<Value>, ApiError> = org.with_store(|store| {
        let s = store.credentials.session(id, now).ok_or_else(|| session_not_found(shown_as))?;
        if let Act::Refresh = act {
            s.expires = now + SESSION_LIFETIME;
        }
        let s = s.clone();
        if let Act::Close = act {
            store.credentials.sessions.remove(&s.id);
            emit_session_event(store, &s, "user.session.end", "User logout from Okta");
            return Ok(None);
        }
        Ok(Some(session_json(store, &s, me)))
    });
    match answer {
        Ok(Some(v)) => json_response(StatusCode::OK, &v),
        Ok(None) => empty(StatusCode::NO_CONTENT),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/sessions/{sessionId}`
pub(crate) async fn get(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    act_on(&org, &id, &id, Act::Get)
}

/// `POST /api/v1/sessions/{sessionId}/lifecycle/refresh`: a new `expiresAt`.
pub(crate) async fn refresh(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    act_on(&org, &id, &id, Act::Refresh)
}

/// `DELETE /api/v1/sessions/{sessionId}`
pub(crate) async fn close(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    act_on(&org, &id, &id, Act::Close)
}

/// The session id of Okta's `sid` cookie, if the request carries one.
fn cookie_session(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("sid=").map(str::to_string))
        .filter(|sid| !sid.is_empty())
}

/// `/api/v1/sessions/me`: the session of the `sid` cookie (an API token is no substitute, as in Okta); without
/// one, Okta's 404.
fn act_on_me(org: &OrgState, headers: &HeaderMap, act: Act) -> Response {
    match cookie_session(headers) {
        Some(id) => act_on(org, &id, "me", act),
        None => session_not_found("me").into_response(),
    }
}

/// `GET /api/v1/sessions/me`
pub(crate) async fn get_me(State(org): State<Arc<OrgState>>, headers: HeaderMap) -> Response {
    act_on_me(&org, &headers, Act::Get)
}

/// `POST /api/v1/sessions/me/lifecycle/refresh`
pub(crate) async fn refresh_me(State(org): State<Arc<OrgState>>, headers: HeaderMap) -> Response {
    act_on_me(&org, &headers, Act::Refresh)
}

/// `DELETE /api/v1/sessions/me`
pub(crate) async fn close_me(State(org): State<Arc<OrgState>>, headers: HeaderMap) -> Response {
    act_on_me(&org, &headers, Act::Close)
}

/// `DELETE /api/v1/users/{userId}/sessions` (revokeUserSessions): every session of the user closed.
pub(crate) async fn revoke_user_sessions(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    let answer = org.with_store(|store| {
        let uid = store.resolve_user(&id).ok_or_else(|| ApiError::not_found(&id))?;
        let closed = store.credentials.end_sessions_of(&uid);
        for s in &closed {
            emit_session_event(store, s, "user.session.end", "User logout from Okta");
        }
        Ok::<_, ApiError>(())
    });
    match answer {
        Ok(()) => empty(StatusCode::NO_CONTENT),
        Err(e) => e.into_response(),
    }
}
