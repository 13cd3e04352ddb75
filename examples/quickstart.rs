//! The first five minutes with okta-management, no Okta org needed:
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! It starts the mock org in-process (`okta-management-mock`, real HTTP on 127.0.0.1) and drives it through the real
//! client: a user, a group, an app assignment, an event hook receiving a delivery, the System Log, pagination, and a
//! rate limit the client waits out. With `OKTA_CLIENT_ORGURL` and a token set (`OKTA_CLIENT_TOKEN`, or any
//! configuration `Client::from_env` reads), it runs the read-only steps against that org instead.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use futures::StreamExt;
use okta_management::Client;
use okta_management::hooks::{EventHookReceiver, EventSummary, SecretString};
use okta_management::types::{
    AddGroupBody, AppUserAssignRequest, Application, CreateUserRequest, EventHook, Group, UserProfile,
};
use okta_management_mock::{Fault, MockOrg};
use serde_json::json;
use tokio::sync::mpsc;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// `println!` that does not panic when stdout is closed (`quickstart | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

#[tokio::main]
async fn main() {
    let result = if std::env::var_os("OKTA_CLIENT_ORGURL").is_some() { real_org().await } else { mock_org().await };
    if let Err(e) = result {
        eprintln!("quickstart: {e}");
        std::process::exit(1);
    }
}

/// The whole lifecycle against the mock org.
async fn mock_org() -> Result<(), Failure> {
    let org = MockOrg::builder().seed_users(450).rate_limit_reset_delay(Duration::from_secs(1)).start().await?;
    say!("mock org at {} with 450 users (spec {})", org.base_url(), okta_management_mock::SPEC_VERSION);
    let client =
        Client::builder().org_url(org.base_url().as_str()).token(org.token()).disable_https_check(true).build()?;

    // An event hook, first, so that it sees what follows.
    let receiver = start_hook_receiver().await?;
    let hook = register_event_hook(&client, &receiver.url).await?;
    say!("1. event hook {hook} registered and verified by the receiver at {}", receiver.url);

    // A user (no password: Okta makes it PROVISIONED, waiting for the user to set one).
    let profile = UserProfile {
        login: Some("ada@example.com".into()),
        email: Some("ada@example.com".into()),
        first_name: "Ada".to_string().into(),
        last_name: "Lovelace".to_string().into(),
        ..Default::default()
    };
    let user = client
        .create_user()
        .activate(true)
        .body(CreateUserRequest { profile: Some(profile), ..Default::default() })
        .send()
        .await?;
    let user_id = user.id.clone().unwrap_or_default();
    let status = serde_json::to_value(&user.status)?;
    say!("2. created user ada@example.com: {user_id}, {}", status.as_str().unwrap_or("?"));

    // A group, and the user in it.
    let group_body: AddGroupBody = serde_json::from_value(json!({"profile": {"name": "Engineering"}}))?;
    let group: Group = client.add_group().body(group_body).send().await?;
    let group_id = group.id.clone().unwrap_or_default();
    client.assign_user_to_group().group_id(&group_id).user_id(&user_id).send().await?;
    say!("3. created group Engineering ({group_id}) and added the user");

    // An app, assigned to the user.
    let app: Application = serde_json::from_value(json!({
        "label": "Wiki", "signOnMode": "BOOKMARK", "settings": {"app": {"url": "https://wiki.example.com"}}
    }))?;
    let app = client.create_application().body(app).send().await?;
    // `Application` is one type per sign-on mode; its JSON has the `id` whichever it is.
    let app_id = serde_json::to_value(&app)?.get("id").and_then(|id| id.as_str()).unwrap_or_default().to_string();
    client
        .assign_user_to_application()
        .app_id(&app_id)
        .body(AppUserAssignRequest { id: Some(user_id.clone()), ..Default::default() })
        .send()
        .await?;
    say!("4. created app Wiki ({app_id}) and assigned the user");

    // What the event hook received.
    let mut received = Vec::new();
    let mut events = receiver.events;
    while received.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(5), events.recv()).await {
            Ok(Some(event)) => received.push(event),
            _ => return Err("no event hook delivery within 5 s".into()),
        }
    }
    say!("5. the hook received: {}", received.join(", "));

    // The System Log.
    let log = client.list_log_events().send().await?;
    let types: Vec<String> = log.iter().filter_map(|e| e.event_type.clone()).collect();
    say!("6. the System Log has {} events: {}", types.len(), types.join(", "));

    // Pagination: 451 users, 200 a page.
    let mut pages = client.list_users().limit(200).pages();
    let (mut page_count, mut user_count) = (0, 0);
    while let Some(page) = pages.next().await {
        page_count += 1;
        user_count += page?.items.len();
    }
    say!("7. listed {user_count} users in {page_count} pages (Link: rel=\"next\")");

    // A rate limit: the org answers 429 once; the client waits until X-Rate-Limit-Reset and retries.
    org.inject("GET /api/v1/groups", Fault::RateLimitBurst(1))?;
    let started = Instant::now();
    let groups = client.list_groups().send().await?;
    say!(
        "8. listing groups met a 429; the client waited {:.1} s for the reset and got {} group(s)",
        started.elapsed().as_secs_f64(),
        groups.len()
    );
    say!("done: {} requests served by the mock org", org.counters().requests_total);
    Ok(())
}

/// The read-only steps against a real org.
async fn real_org() -> Result<(), Failure> {
    let client = Client::from_env()?;
    let users = client.list_users().limit(5).send().await?;
    say!("first {} users:", users.len());
    for user in &users {
        let login = user.profile.as_ref().and_then(|p| p.login.clone()).unwrap_or_default();
        say!("  {} {login} {:?}", user.id.clone().unwrap_or_default(), user.status);
    }
    let groups = client.list_groups().limit(5).send().await?;
    say!("first {} groups", groups.len());
    let log = client.list_log_events().limit(5).send().await?;
    say!("last {} System Log events", log.len());
    Ok(())
}

/// An event hook receiver on 127.0.0.1: answers the verification, authenticates deliveries and passes their event
/// types on.
struct Receiver {
    url: String,
    events: mpsc::UnboundedReceiver<String>,
}

const HOOK_SECRET: &str = "Bearer quickstart-secret";

async fn start_hook_receiver() -> Result<Receiver, Failure> {
    let hooks = EventHookReceiver::new(http::header::AUTHORIZATION, SecretString::from(HOOK_SECRET.to_string()));
    let (sender, events) = mpsc::unbounded_channel();
    let state = (std::sync::Arc::new(hooks), sender);
    let app = axum::Router::new()
        .route(
            "/okta/events",
            axum::routing::get(|State((hooks, _)): State<ReceiverState>, headers: HeaderMap| async move {
                let r = hooks.verify(&headers);
                (r.status, r.headers, r.body).into_response()
            })
            .post(
                |State((hooks, sender)): State<ReceiverState>, headers: HeaderMap, body: Bytes| async move {
                    match hooks.receive_as::<EventSummary>(&headers, &body) {
                        Ok(delivery) => {
                            for event in delivery.events() {
                                let _ = sender.send(event.event_type.clone().unwrap_or_default());
                            }
                            axum::http::StatusCode::OK.into_response()
                        }
                        Err(e) => {
                            let r = e.to_response();
                            (r.status, r.headers, r.body).into_response()
                        }
                    }
                },
            ),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/okta/events", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Receiver { url, events })
}

type ReceiverState = (std::sync::Arc<EventHookReceiver>, mpsc::UnboundedSender<String>);

/// Creates, verifies and activates an event hook for user creation and group membership.
async fn register_event_hook(client: &Client, url: &str) -> Result<String, Failure> {
    let hook: EventHook = serde_json::from_value(json!({
        "name": "quickstart",
        "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create", "group.user_membership.add"]},
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {
            "uri": url, "authScheme": {"type": "HEADER", "key": "Authorization", "value": HOOK_SECRET}
        }}
    }))?;
    let created = client.create_event_hook().body(hook).send().await?;
    let id = created.id.clone().unwrap_or_default();
    client.verify_event_hook().event_hook_id(&id).send().await?;
    client.activate_event_hook().event_hook_id(&id).send().await?;
    Ok(id)
}
