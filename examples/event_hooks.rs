//! Registers an event hook with the SDK and walks it through its lifecycle:
//! create (with an event-hook filter), verify, activate, list, deactivate, delete.
//!
//! ```text
//! cargo run --example event_hooks                 # the whole lifecycle; the hook is deleted at the end
//! cargo run --example event_hooks -- --keep       # stop after listing: the hook stays registered
//! cargo run --example event_hooks -- --delete ID  # deactivate and delete a hook kept earlier
//! ```
//!
//! Configuration (environment): the SDK's `OKTA_CLIENT_*` variables
//! (`OKTA_TESTING_DISABLEHTTPSCHECK=true` for the mock org), and
//!
//! | variable | meaning |
//! |---|---|
//! | `HOOK_URL` | the receiver's public `https://…/okta/events` URL (required to create) |
//! | `HOOK_AUTH_HEADER` | header Okta sends the secret in, default `Authorization` |
//! | `HOOK_AUTH_SECRET` | the shared secret (required to create; never printed) |
//! | `HOOK_NAME` | display name, default `okta-management lifecycle hook` |
//! | `HOOK_FILTER_EXPRESSION` | Okta Expression Language filter applied to each subscribed event type; default `event.target.?[type eq 'User'].size()>0`; set it empty to register without a filter (filters are an Early Access feature an org may not have) |
//!
//! Verification makes Okta call `GET HOOK_URL`, so `examples/event_hook_receiver.rs` (or
//! another receiver) must be reachable there first.

use okta_management::Client;
use okta_management::types::{
    EventHook, EventHookChannel, EventHookChannelConfig, EventHookChannelConfigAuthScheme,
    EventHookChannelConfigAuthSchemeType, EventHookChannelType, EventHookFilterMap, EventHookFilterMapObject,
    EventHookFilterMapObjectCondition, EventHookFilters, EventHookFiltersInner, EventHookSubscribedEventTypes,
    EventSubscriptionType, EventSubscriptions,
};

/// The events `event_hook_receiver` acts on.
const EVENTS: [&str; 3] = ["user.lifecycle.create", "user.lifecycle.activate", "user.lifecycle.deactivate"];

/// Keeps only events that target a user, in the filter syntax of the spec's example.
const DEFAULT_FILTER: &str = "event.target.?[type eq 'User'].size()>0";

type BoxError = Box<dyn std::error::Error>;

enum Mode {
    Lifecycle { keep: bool },
    Delete(String),
}

fn parse_args() -> Result<Mode, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => Ok(Mode::Lifecycle { keep: false }),
        ["--keep"] => Ok(Mode::Lifecycle { keep: true }),
        ["--delete", id] => Ok(Mode::Delete((*id).to_owned())),
        _ => Err("usage: event_hooks [--keep | --delete EVENT_HOOK_ID]".to_owned()),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The event-hook filter: one `eventFilterMap` entry per subscribed event type.
fn filter(expression: &str) -> EventHookFilters {
    let entries = EVENTS
        .iter()
        .map(|event| EventHookFilterMapObject {
            event: Some((*event).to_owned()),
            condition: Some(EventHookFilterMapObjectCondition {
                expression: Some(expression.to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    EventHookFilters(Some(EventHookFiltersInner {
        type_: Some("EXPRESSION_LANGUAGE".to_owned()),
        event_filter_map: Some(EventHookFilterMap(entries)),
        ..Default::default()
    }))
}

/// The hook to create, as struct literals: every model implements `Default`, so only the fields that matter
/// are written (fields left out are not sent).
fn new_hook(name: String, url: String, header: String, secret: String, filter: Option<EventHookFilters>) -> EventHook {
    EventHook {
        name: Some(name),
        description: "Adds users to a group on create/activate, removes them on deactivate".to_owned().into(),
        events: Some(EventSubscriptions {
            type_: Some(EventSubscriptionType::EventType),
            items: Some(EventHookSubscribedEventTypes(EVENTS.iter().map(|e| (*e).to_owned()).collect())),
            filter,
            ..Default::default()
        }),
        channel: Some(EventHookChannel {
            type_: Some(EventHookChannelType::Http),
            version: Some("1.0.0".to_owned()),
            config: Some(EventHookChannelConfig {
                uri: Some(url),
                auth_scheme: Some(EventHookChannelConfigAuthScheme {
                    type_: Some(EventHookChannelConfigAuthSchemeType::Header),
                    key: Some(header),
                    value: Some(secret),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// One line about a hook as Okta returns it (Okta never returns the auth secret).
fn describe(hook: &EventHook) -> String {
    let status = hook.status.as_ref().map_or("?", |s| s.as_str());
    let verification = hook.verification_status.as_ref().map_or("?", |s| s.as_str());
    let url = hook.channel.as_ref().and_then(|c| c.config.as_ref()).and_then(|c| c.uri.as_deref()).unwrap_or("?");
    let filtered = hook.events.as_ref().and_then(|e| e.filter.as_ref()).is_some_and(|f| f.0.is_some());
    format!(
        "{} \"{}\" status={status} verification={verification} filter={filtered} url={url}",
        hook.id.as_deref().unwrap_or("?"),
        hook.name.as_deref().unwrap_or(""),
    )
}

async fn deactivate_and_delete(client: &Client, id: &str) -> Result<(), BoxError> {
    // Okta deletes only INACTIVE hooks.
    let hook = client.deactivate_event_hook().event_hook_id(id).send().await?;
    println!("deactivated  {}", describe(&hook));
    client.delete_event_hook().event_hook_id(id).send().await?;
    println!("deleted      {id}");
    Ok(())
}

async fn lifecycle(client: &Client, keep: bool) -> Result<(), BoxError> {
    let url = env("HOOK_URL").ok_or("HOOK_URL must be set")?;
    let header = env("HOOK_AUTH_HEADER").unwrap_or_else(|| "Authorization".to_owned());
    let secret = env("HOOK_AUTH_SECRET").ok_or("HOOK_AUTH_SECRET must be set")?;
    let name = env("HOOK_NAME").unwrap_or_else(|| "okta-management lifecycle hook".to_owned());
    let expression = std::env::var("HOOK_FILTER_EXPRESSION").unwrap_or_else(|_| DEFAULT_FILTER.to_owned());
    let filter = (!expression.trim().is_empty()).then(|| filter(expression.trim()));

    let hook = new_hook(name, url, header, secret, filter);
    let created = client.create_event_hook().body(hook).send().await?;
    let id = created.id.clone().ok_or("Okta returned an event hook without id")?;
    println!("created      {}", describe(&created));

    // Okta calls the URL with a challenge; the receiver must echo it.
    match client.verify_event_hook().event_hook_id(id.as_str()).send().await {
        Ok(verified) => println!("verified     {}", describe(&verified)),
        Err(err) => {
            eprintln!("verification failed ({err}); is the receiver reachable at HOOK_URL? cleaning up");
            deactivate_and_delete(client, &id).await?;
            return Err(err.into());
        }
    }
    // A new hook is already ACTIVE; activating again is harmless and shows the call.
    let active = client.activate_event_hook().event_hook_id(id.as_str()).send().await?;
    println!("activated    {}", describe(&active));

    let hooks = client.list_event_hooks().send().await?;
    println!("{} event hook(s) in the org:", hooks.len());
    for hook in &hooks {
        println!("  {}", describe(hook));
    }

    if keep {
        println!("kept {id}; remove it later with: cargo run --example event_hooks -- --delete {id}");
        return Ok(());
    }
    deactivate_and_delete(client, &id).await
}

#[tokio::main]
async fn main() {
    let result = async {
        let mode = parse_args()?;
        let client = Client::from_env()?;
        eprintln!("org: {}", client.org_url());
        match mode {
            Mode::Lifecycle { keep } => lifecycle(&client, keep).await,
            Mode::Delete(id) => deactivate_and_delete(&client, &id).await,
        }
    }
    .await;
    if let Err(err) = result {
        eprintln!("event_hooks: {err}");
        std::process::exit(1);
    }
}
