//! The Authn API's primary authentication: `POST /api/v1/authn` with a username and password answers `SUCCESS` and
//! a one-time `sessionToken` (for `POST /api/v1/sessions`, `sessions.rs`), `PASSWORD_EXPIRED` and a `stateToken`
//! for a user whose password expired (changed with `POST /api/v1/authn/credentials/change_password`), and Okta's
//! `401 E0000004` for everything else (unknown user, wrong password, a user who may not sign in), as a public
//! application sees it: Okta's default password policy hides lockouts, and locks a user out after
//! [`LOCKOUT_ATTEMPTS`](crate::credentials::LOCKOUT_ATTEMPTS) failures in a row.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::credentials::{TOKEN_LIFETIME, TokenKind, timestamp};
use crate::respond::{ApiError, json_body, json_response};
use crate::state::{OrgState, Store, UserRec, user_target};
use crate::support::ts;
use crate::users::change_password_locked;

/// Okta's answer to any failed sign-in: it does not say which part was wrong.
fn authentication_failed() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "E0000004", "Authentication failed")
}

/// Okta's answer to a `stateToken` it does not know (used, cancelled, expired).
fn invalid_state_token() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "E0000011", "Invalid token provided")
}

/// The string fields of a request body, each required: Okta's `400 E0000001` naming every one missing.
fn required_strings<'a>(body: &'a Map<String, Value>, names: &[&str]) -> Result<Vec<&'a str>, ApiError> {
    let mut causes = Vec::new();
    let mut values = Vec::new();
    for name in names {
        match body.get(*name) {
            Some(Value::String(s)) if !s.is_empty() => values.push(s.as_str()),
            _ => causes.push(format!("{name}: The field cannot be left blank")),
        }
    }
    ApiError::check_causes(causes)?;
    Ok(values)
}

/// The user a sign-in name names: the login (any case), or the part before its `@` when only one login has it
/// (Okta takes a short name such as `dade.murphy` as well as the full login).
fn user_by_username(store: &Store, username: &str) -> Option<String> {
    let wanted = username.to_lowercase();
    if let Some(id) = store.logins.get(&wanted) {
        return Some(id.clone());
    }
    if wanted.contains('@') {
        return None;
    }
    let mut short = store.logins.iter().filter(|(login, _)| login.split('@').next() == Some(wanted.as_str()));
    match (short.next(), short.next()) {
        (Some((_, id)), None) => Some(id.clone()),
        _ => None,
    }
}

/// The user as the Authn API shows it in `_embedded.user` (`locale` and `timeZone` default as Okta's examples do).
fn embedded_user(u: &UserRec) -> Value {
    let field = |k: &str, default: &str| {
        u.profile.get(k).and_then(Value::as_str).map_or_else(|| default.to_string(), str::to_string)
    };
    json!({
        "id": u.id,
        "passwordChanged": u.password_changed,
        "profile": {
            "login": u.login(),
            "firstName": field("firstName", ""),
            "lastName": field("lastName", ""),
            "locale": field("locale", "en_US"),
            "timeZone": field("timeZone", "America/Los_Angeles"),
        }
    })
}

/// A link of the Authn API's `_links`, with the method it takes.
fn link(base: &str, path: &str) -> Value {
    json!({"href": format!("{base}{path}"), "hints": {"allow": ["POST"]}})
}

/// `SUCCESS` with a new `sessionToken` for the user.
fn success(store: &mut Store, user_id: &str, now: std::time::Duration) -> Result<Value, ApiError> {
    let user = store.users.get(user_id).map(embedded_user).ok_or_else(authentication_failed)?;
    store.credentials.clear_failures(user_id);
    let token = store.credentials.issue_token(TokenKind::Session, user_id, now);
    Ok(json!({
        "expiresAt": timestamp(now + TOKEN_LIFETIME),
        "status": "SUCCESS",
        "sessionToken": token,
        "_embedded": {"user": user},
    }))
}

/// `PASSWORD_EXPIRED` with a `stateToken` to change the password with.
fn password_expired(store: &mut Store, u: &UserRec, now: std::time::Duration) -> Value {
    store.credentials.clear_failures(&u.id);
    let token = store.credentials.issue_token(TokenKind::State, &u.id, now);
    let base = store.base.clone();
    json!({
        "stateToken": token,
        "expiresAt": timestamp(now + TOKEN_LIFETIME),
        "status": "PASSWORD_EXPIRED",
        "_embedded": {
            "user": embedded_user(u),
            "policy": {"complexity": {"minLength": 8, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1, "minSymbol": 0}},
        },
        "_links": {
            "next": {
                "name": "changePassword",
                "href": format!("{base}/api/v1/authn/credentials/change_password"),
                "hints": {"allow": ["POST"]},
            },
            "cancel": link(&base, "/api/v1/authn/cancel"),
        }
    })
}

/// Checks a username and password; the transaction's next state.
fn primary(store: &mut Store, username: &str, password: &str, now: std::time::Duration) -> Result<Value, ApiError> {
    let user_id = user_by_username(store, username).ok_or_else(authentication_failed)?;
    let user = store.users.get(&user_id).cloned().ok_or_else(authentication_failed)?;
    if !store.credentials.password_matches(&user_id, password) {
        let may_sign_in = matches!(user.status.as_str(), "ACTIVE" | "PASSWORD_EXPIRED");
        if may_sign_in && store.credentials.has_password(&user_id) && store.credentials.failed_attempt(&user_id) {
            lock_out(store, &user_id);
        }
        return Err(authentication_failed());
    }
    match user.status.as_str() {
        "ACTIVE" => success(store, &user_id, now),
        "PASSWORD_EXPIRED" => Ok(password_expired(store, &user, now)),
        // STAGED, PROVISIONED, RECOVERY, SUSPENDED, DEPROVISIONED, and LOCKED_OUT: the default policy hides why.
        _ => Err(authentication_failed()),
    }
}

/// The lockout of the default password policy: the user is `LOCKED_OUT` until unlocked.
fn lock_out(store: &mut Store, user_id: &str) {
    let now = ts(Utc::now());
    let Some(u) = store.users.get_mut(user_id) else { return };
    u.status = "LOCKED_OUT".into();
    u.status_changed = Some(now.clone());
    u.last_updated = now;
    let target = user_target(u);
    store.credentials.clear_failures(user_id);
    store.emit("user.account.lock", "Max sign in attempts exceeded", vec![target]);
}

/// `POST /api/v1/authn`
pub(crate) async fn authenticate(State(org): State<Arc<OrgState>>, body: Bytes) -> Response {
    let answer = (|| {
        let body = json_body(&body)?;
        // An activation token (`token`) is not kept by the mock: it is one Okta no longer knows.
        if body.contains_key("token") && !body.contains_key("username") {
            return Err(authentication_failed());
        }
        let fields = required_strings(&body, &["username", "password"])?;
        let (username, password) = match fields.as_slice() {
            [u, p] => (*u, *p),
            _ => return Err(authentication_failed()),
        };
        let now = org.clock.now();
        org.with_store(|store| primary(store, username, password, now))
    })();
    match answer {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/authn/credentials/change_password`: the expired password changed, the transaction completes.
pub(crate) async fn change_password(State(org): State<Arc<OrgState>>, body: Bytes) -> Response {
    let answer = (|| {
        let body = json_body(&body)?;
        let fields = required_strings(&body, &["stateToken", "oldPassword", "newPassword"])?;
        let (token, old, new) = match fields.as_slice() {
            [t, o, n] => (*t, *o, *n),
            _ => return Err(invalid_state_token()),
        };
        let now = org.clock.now();
        org.with_store(|store| {
            let user_id = store.credentials.token_user(TokenKind::State, token, now).ok_or_else(invalid_state_token)?;
            change_password_locked(store, &user_id, old, new, false)?;
            store.credentials.redeem_token(TokenKind::State, token, now);
            success(store, &user_id, now)
        })
    })();
    match answer {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/authn/cancel`: the transaction ends, its `stateToken` is revoked.
pub(crate) async fn cancel(State(org): State<Arc<OrgState>>, body: Bytes) -> Response {
    let answer = (|| {
        let body = json_body(&body)?;
        let token = required_strings(&body, &["stateToken"])?.concat();
        let now = org.clock.now();
        org.with_store(|store| store.credentials.redeem_token(TokenKind::State, &token, now))
            .map(|_| json!({}))
            .ok_or_else(invalid_state_token)
    })();
    match answer {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}
