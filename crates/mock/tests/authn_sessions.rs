//! The Authn API's primary authentication and the Sessions API over real HTTP, as a sign-in page (no API token) and
//! an administrator (SSWS) call them: a user created with a password signs in, exchanges the one-time
//! `sessionToken` for a session, which is read, refreshed and closed; every failure answers Okta's error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{Org, assert_okta_error};

impl Org {
    /// A sign-in page's call: no API token.
    async fn anonymous(&self, path: &str, body: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn create_user(&self, login: &str, password: Option<&str>, activate: bool) -> Value {
        let mut user = json!({"profile": {"login": login, "email": login, "firstName": "Dade", "lastName": "Murphy"}});
        if let Some(p) = password {
            user["credentials"] = json!({"password": {"value": p}});
        }
        let (status, body) =
            self.call(reqwest::Method::POST, &format!("/api/v1/users?activate={activate}"), Some(user)).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn sign_in(&self, username: &str, password: &str) -> (StatusCode, Value) {
        self.anonymous("/api/v1/authn", &json!({"username": username, "password": password}).to_string()).await
    }

    async fn open_session(&self, token: &str) -> (StatusCode, Value) {
        self.anonymous("/api/v1/sessions", &json!({"sessionToken": token}).to_string()).await
    }

    /// Signs in and opens a session; the session.
    async fn session_for(&self, username: &str, password: &str) -> Value {
        let (status, authn) = self.sign_in(username, password).await;
        assert_eq!(status, 200, "{authn}");
        let (status, session) = self.open_session(authn["sessionToken"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{session}");
        session
    }
}

fn assert_error(status: StatusCode, body: &Value, want_status: u16, code: &str) {
    assert_eq!(status.as_u16(), want_status, "{body}");
    assert_okta_error(body, code);
}

#[tokio::test]
async fn a_user_signs_in_and_the_session_lives_its_whole_lifecycle() {
    let o = Org::with_users(0).await;
    let user = o.create_user("dade.murphy@example.com", Some("correcthorsebatterystaple"), true).await;
    let user_id = user["id"].as_str().unwrap();
    assert_eq!(user["status"], "ACTIVE");
    // The password is kept, never shown.
    assert_eq!(user["credentials"]["password"], json!({}));

    let (status, authn) = o.sign_in("Dade.Murphy@example.com", "correcthorsebatterystaple").await;
    assert_eq!(status, 200, "{authn}");
    assert_eq!(authn["status"], "SUCCESS");
    let token = authn["sessionToken"].as_str().unwrap();
    assert!(token.len() > 20);
    assert!(authn["expiresAt"].as_str().unwrap().ends_with('Z'));
    let embedded = &authn["_embedded"]["user"];
    assert_eq!(embedded["id"], user_id);
    assert_eq!(embedded["passwordChanged"], user["passwordChanged"]);
    assert_eq!(
        embedded["profile"],
        json!({"login": "dade.murphy@example.com", "firstName": "Dade", "lastName": "Murphy", "locale": "en_US",
               "timeZone": "America/Los_Angeles"})
    );

    let (status, session) = o.open_session(token).await;
    assert_eq!(status, 200, "{session}");
    let id = session["id"].as_str().unwrap().to_string();
    assert_eq!(session["userId"], user_id);
    assert_eq!(session["login"], "dade.murphy@example.com");
    assert_eq!(session["status"], "ACTIVE");
    assert_eq!(session["amr"], json!(["pwd"]));
    assert_eq!(session["idp"]["type"], "OKTA");
    assert_eq!(session["mfaActive"], false);
    assert_eq!(session["lastFactorVerification"], Value::Null);
    assert_eq!(session["lastPasswordVerification"], session["createdAt"]);
    assert_eq!(session["_links"]["self"]["href"], format!("{}/api/v1/sessions/{id}", o.base));
    assert_eq!(session["_links"]["refresh"]["href"], format!("{}/api/v1/sessions/{id}/lifecycle/refresh", o.base));
    assert_eq!(session["_links"]["user"]["href"], format!("{}/api/v1/users/{user_id}", o.base));
    assert_eq!(session["_links"]["user"]["name"], "Dade Murphy");

    let (status, read) = o.call(reqwest::Method::GET, &format!("/api/v1/sessions/{id}"), None).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["id"], id.as_str());
    assert_eq!(read["expiresAt"], session["expiresAt"]);

    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let path = format!("/api/v1/sessions/{id}/lifecycle/refresh");
    let (status, refreshed) = o.call(reqwest::Method::POST, &path, None).await;
    assert_eq!(status, 200, "{refreshed}");
    assert!(refreshed["expiresAt"].as_str().unwrap() > session["expiresAt"].as_str().unwrap(), "{refreshed}");
    assert_eq!(refreshed["createdAt"], session["createdAt"]);

    let (status, _) = o.call(reqwest::Method::DELETE, &format!("/api/v1/sessions/{id}"), None).await;
    assert_eq!(status, 204);
    let (status, gone) = o.call(reqwest::Method::GET, &format!("/api/v1/sessions/{id}"), None).await;
    assert_error(status, &gone, 404, "E0000007");
    let (status, gone) = o.call(reqwest::Method::DELETE, &format!("/api/v1/sessions/{id}"), None).await;
    assert_error(status, &gone, 404, "E0000007");

    // The System Log (and event hooks) saw the session start and end, for this user.
    let events = o.org.log_events();
    for kind in ["user.session.start", "user.session.end"] {
        let e = events.iter().find(|e| e["eventType"] == kind).unwrap_or_else(|| panic!("no {kind}"));
        assert_eq!(e["target"][0]["id"], user_id);
    }
}

#[tokio::test]
async fn bad_credentials_and_bad_requests_get_oktas_errors() {
    let o = Org::with_users(0).await;
    o.create_user("kate@example.com", Some("Acid-Burn-1995"), true).await;

    let (status, body) = o.sign_in("kate@example.com", "wrong").await;
    assert_error(status, &body, 401, "E0000004");
    assert_eq!(body["errorSummary"], "Authentication failed");
    let (status, body) = o.sign_in("nobody@example.com", "Acid-Burn-1995").await;
    assert_error(status, &body, 401, "E0000004");

    let (status, body) = o.anonymous("/api/v1/authn", "{}").await;
    assert_error(status, &body, 400, "E0000001");
    let causes: Vec<&str> =
        body["errorCauses"].as_array().unwrap().iter().map(|c| c["errorSummary"].as_str().unwrap()).collect();
    assert_eq!(causes.len(), 2, "{body}");
    assert!(causes[0].starts_with("username:") && causes[1].starts_with("password:"), "{causes:?}");
    let (status, body) = o.anonymous("/api/v1/authn", r#"{"username": "kate@example.com"}"#).await;
    assert_error(status, &body, 400, "E0000001");
    assert_eq!(body["errorCauses"].as_array().unwrap().len(), 1);
    let (status, body) = o.anonymous("/api/v1/authn", "{not json").await;
    assert_error(status, &body, 400, "E0000003");

    // A short name names the user whose login starts with it.
    let (status, body) = o.sign_in("kate", "Acid-Burn-1995").await;
    assert_eq!(status, 200, "{body}");

    // A trusted app may call with its API token; a wrong one is refused as anywhere else.
    let resp = o
        .http
        .post(format!("{}/api/v1/authn", o.base))
        .header("authorization", "SSWS not-the-token")
        .json(&json!({"username": "kate@example.com", "password": "Acid-Burn-1995"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.json::<Value>().await.unwrap()["errorCode"], "E0000011");
    let (status, body) = o
        .call(
            reqwest::Method::POST,
            "/api/v1/authn",
            Some(json!({"username": "kate@example.com", "password": "Acid-Burn-1995"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Reading a session is an administrator's operation.
    let resp = o.http.get(format!("{}/api/v1/sessions/102abc", o.base)).send().await.unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn a_session_token_is_exchanged_once() {
    let o = Org::with_users(0).await;
    o.create_user("joey@example.com", Some("Pardon-My-Ignorance"), true).await;
    let (_, authn) = o.sign_in("joey@example.com", "Pardon-My-Ignorance").await;
    let token = authn["sessionToken"].as_str().unwrap();

    let (status, first) = o.open_session(token).await;
    assert_eq!(status, 200, "{first}");
    let (status, second) = o.open_session(token).await;
    assert_error(status, &second, 401, "E0000004");
    let (status, unknown) = o.open_session("20111notatokentheorgissued").await;
    assert_error(status, &unknown, 401, "E0000004");
    let (status, missing) = o.anonymous("/api/v1/sessions", "{}").await;
    assert_error(status, &missing, 400, "E0000001");
    // Only the first exchange opened a session.
    let starts = o.org.log_events().iter().filter(|e| e["eventType"] == "user.session.start").count();
    assert_eq!(starts, 1);
}

#[tokio::test]
async fn users_who_may_not_sign_in_are_refused_and_lose_their_sessions() {
    let o = Org::with_users(0).await;
    let user = o.create_user("cereal@example.com", Some("Killer-Cereal-1"), true).await;
    let id = user["id"].as_str().unwrap();
    let session = o.session_for("cereal@example.com", "Killer-Cereal-1").await;
    let (_, authn) = o.sign_in("cereal@example.com", "Killer-Cereal-1").await;
    let unused_token = authn["sessionToken"].as_str().unwrap().to_string();

    let (status, _) = o.call(reqwest::Method::POST, &format!("/api/v1/users/{id}/lifecycle/deactivate"), None).await;
    assert_eq!(status, 200);
    let (status, body) = o.sign_in("cereal@example.com", "Killer-Cereal-1").await;
    assert_error(status, &body, 401, "E0000004");
    let path = format!("/api/v1/sessions/{}", session["id"].as_str().unwrap());
    let (status, body) = o.call(reqwest::Method::GET, &path, None).await;
    assert_error(status, &body, 404, "E0000007");
    // A token issued before the deactivation opens nothing.
    let (status, body) = o.open_session(&unused_token).await;
    assert_error(status, &body, 401, "E0000004");

    // Created but not activated (STAGED), the user cannot sign in; once activated, it can.
    let staged = o.create_user("nikon@example.com", Some("Lord-Nikon-22"), false).await;
    assert_eq!(staged["status"], "STAGED");
    let (status, body) = o.sign_in("nikon@example.com", "Lord-Nikon-22").await;
    assert_error(status, &body, 401, "E0000004");
    let path = format!("/api/v1/users/{}/lifecycle/activate", staged["id"].as_str().unwrap());
    let (status, _) = o.call(reqwest::Method::POST, &path, None).await;
    assert_eq!(status, 200);
    let (status, body) = o.sign_in("nikon@example.com", "Lord-Nikon-22").await;
    assert_eq!(status, 200, "{body}");

    // Without a password (PROVISIONED) there is nothing to sign in with; suspended users are refused too.
    let provisioned = o.create_user("phreak@example.com", None, true).await;
    assert_eq!(provisioned["status"], "PROVISIONED");
    let (status, body) = o.sign_in("phreak@example.com", "").await;
    assert_error(status, &body, 400, "E0000001");
    let (status, body) = o.sign_in("phreak@example.com", "anything").await;
    assert_error(status, &body, 401, "E0000004");
    let path = format!("/api/v1/users/{}/lifecycle/suspend", staged["id"].as_str().unwrap());
    let (status, _) = o.call(reqwest::Method::POST, &path, None).await;
    assert_eq!(status, 200);
    let (status, body) = o.sign_in("nikon@example.com", "Lord-Nikon-22").await;
    assert_error(status, &body, 401, "E0000004");
}

#[tokio::test]
async fn ten_failures_lock_the_user_out_until_unlocked() {
    let o = Org::with_users(0).await;
    let user = o.create_user("razor@example.com", Some("Razor-And-Blade"), true).await;
    let id = user["id"].as_str().unwrap();
    for _ in 0..9 {
        let (status, _) = o.sign_in("razor@example.com", "guess").await;
        assert_eq!(status, 401);
    }
    // Nine failures: still ACTIVE, and a success starts the count again.
    assert_eq!(o.org.user(id).unwrap()["status"], "ACTIVE");
    let (status, _) = o.sign_in("razor@example.com", "Razor-And-Blade").await;
    assert_eq!(status, 200);
    for _ in 0..10 {
        o.sign_in("razor@example.com", "guess").await;
    }
    assert_eq!(o.org.user(id).unwrap()["status"], "LOCKED_OUT");
    // The default policy hides the lockout: the right password gets the same 401.
    let (status, body) = o.sign_in("razor@example.com", "Razor-And-Blade").await;
    assert_error(status, &body, 401, "E0000004");
    assert!(o.org.log_events().iter().any(|e| e["eventType"] == "user.account.lock"));

    let (status, _) = o.call(reqwest::Method::POST, &format!("/api/v1/users/{id}/lifecycle/unlock"), None).await;
    assert_eq!(status, 200);
    let (status, body) = o.sign_in("razor@example.com", "Razor-And-Blade").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_expired_password_is_changed_during_sign_in() {
    let o = Org::with_users(0).await;
    let user = o.create_user("plague@example.com", Some("Da-Vinci-Virus"), true).await;
    let id = user["id"].as_str().unwrap();
    let (status, _) =
        o.call(reqwest::Method::POST, &format!("/api/v1/users/{id}/lifecycle/expire_password"), None).await;
    assert_eq!(status, 200);

    let (status, authn) = o.sign_in("plague@example.com", "Da-Vinci-Virus").await;
    assert_eq!(status, 200, "{authn}");
    assert_eq!(authn["status"], "PASSWORD_EXPIRED");
    assert!(authn.get("sessionToken").is_none());
    assert_eq!(authn["_embedded"]["user"]["id"], id);
    let next = &authn["_links"]["next"];
    assert_eq!(next["name"], "changePassword");
    assert_eq!(next["href"], format!("{}/api/v1/authn/credentials/change_password", o.base));
    let state = authn["stateToken"].as_str().unwrap();

    let change =
        |old: &str, new: &str| json!({"stateToken": state, "oldPassword": old, "newPassword": new}).to_string();
    let (status, body) = o.anonymous("/api/v1/authn/credentials/change_password", &change("wrong", "X")).await;
    assert_error(status, &body, 403, "E0000014");
    let (status, done) =
        o.anonymous("/api/v1/authn/credentials/change_password", &change("Da-Vinci-Virus", "Hack-The-Planet-1")).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "SUCCESS");
    assert!(done["sessionToken"].is_string());
    assert_eq!(o.org.user(id).unwrap()["status"], "ACTIVE");
    // The state token was used up; the new password is the one that works.
    let (status, body) =
        o.anonymous("/api/v1/authn/credentials/change_password", &change("Hack-The-Planet-1", "Again-2")).await;
    assert_error(status, &body, 401, "E0000011");
    let (status, _) = o.sign_in("plague@example.com", "Da-Vinci-Virus").await;
    assert_eq!(status, 401);
    let (status, _) = o.sign_in("plague@example.com", "Hack-The-Planet-1").await;
    assert_eq!(status, 200);

    // A temporary password is the password until changed.
    let path = format!("/api/v1/users/{id}/lifecycle/expire_password_with_temp_password");
    let (status, temp) = o.call(reqwest::Method::POST, &path, None).await;
    assert_eq!(status, 200, "{temp}");
    let (status, authn) = o.sign_in("plague@example.com", temp["tempPassword"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{authn}");
    assert_eq!(authn["status"], "PASSWORD_EXPIRED");
    let (status, body) =
        o.anonymous("/api/v1/authn/cancel", &json!({"stateToken": authn["stateToken"]}).to_string()).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_users_api_changes_a_password_after_checking_the_old_one() {
    let o = Org::with_users(0).await;
    let user = o.create_user("gill@example.com", Some("Ellingson-Mineral"), true).await;
    let id = user["id"].as_str().unwrap();
    let session = o.session_for("gill@example.com", "Ellingson-Mineral").await;
    let path = format!("/api/v1/users/{id}/credentials/change_password");

    let wrong = json!({"oldPassword": {"value": "nope"}, "newPassword": {"value": "Gibson-Supercomputer"}});
    let (status, body) = o.call(reqwest::Method::POST, &path, Some(wrong)).await;
    assert_error(status, &body, 403, "E0000014");
    let (status, body) = o.call(reqwest::Method::POST, &path, Some(json!({"newPassword": {"value": "x"}}))).await;
    assert_error(status, &body, 400, "E0000001");

    let right = json!({"oldPassword": {"value": "Ellingson-Mineral"}, "newPassword": {"value": "Gibson-Supercomputer"},
                       "revokeSessions": true});
    let (status, body) = o.call(reqwest::Method::POST, &path, Some(right)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}}));
    let (status, _) = o.sign_in("gill@example.com", "Ellingson-Mineral").await;
    assert_eq!(status, 401);
    let (status, _) = o.sign_in("gill@example.com", "Gibson-Supercomputer").await;
    assert_eq!(status, 200);
    // revokeSessions closed the session opened before.
    let (status, body) =
        o.call(reqwest::Method::GET, &format!("/api/v1/sessions/{}", session["id"].as_str().unwrap()), None).await;
    assert_error(status, &body, 404, "E0000007");

    // An administrator's new password (a profile update with credentials) is the password too.
    let update = json!({"credentials": {"password": {"value": "Set-By-Admin-9"}}});
    let (status, body) = o.call(reqwest::Method::POST, &format!("/api/v1/users/{id}"), Some(update)).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = o.sign_in("gill@example.com", "Set-By-Admin-9").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_current_session_is_the_cookies_and_a_users_sessions_are_revoked_together() {
    let o = Org::with_users(0).await;
    let user = o.create_user("crash@example.com", Some("Zero-Cool-1988"), true).await;
    let id = user["id"].as_str().unwrap();
    let first = o.session_for("crash@example.com", "Zero-Cool-1988").await;
    let second = o.session_for("crash@example.com", "Zero-Cool-1988").await;
    assert_ne!(first["id"], second["id"]);

    // No cookie: Okta's 404, with or without an API token.
    let resp = o.http.get(format!("{}/api/v1/sessions/me", o.base)).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(resp.json::<Value>().await.unwrap()["errorCode"], "E0000007");
    let (status, body) = o.call(reqwest::Method::GET, "/api/v1/sessions/me", None).await;
    assert_error(status, &body, 404, "E0000007");
    // The `sid` cookie names the session.
    let cookie = format!("JSESSIONID=x; sid={}", first["id"].as_str().unwrap());
    let resp = o.http.get(format!("{}/api/v1/sessions/me", o.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let me: Value = resp.json().await.unwrap();
    assert_eq!(me["id"], first["id"]);
    assert_eq!(me["_links"]["self"]["href"], format!("{}/api/v1/sessions/me", o.base));

    let (status, _) = o.call(reqwest::Method::DELETE, &format!("/api/v1/users/{id}/sessions"), None).await;
    assert_eq!(status, 204);
    for s in [&first, &second] {
        let path = format!("/api/v1/sessions/{}", s["id"].as_str().unwrap());
        let (status, body) = o.call(reqwest::Method::GET, &path, None).await;
        assert_error(status, &body, 404, "E0000007");
    }
    let ends = o.org.log_events().iter().filter(|e| e["eventType"] == "user.session.end").count();
    assert_eq!(ends, 2);
    let (status, body) = o.call(reqwest::Method::DELETE, "/api/v1/users/00unosuchuser/sessions", None).await;
    assert_error(status, &body, 404, "E0000007");
}
