//! The surface a user writes against: one `Error` whose `status()` is the real HTTP status, `send()` returning
//! the body and `send_with_response()` the status and headers, listings as plain `Unpin` streams whose pages know
//! their URL and cursor, and a listing resumed from a saved cursor.
#![cfg(all(feature = "mock", feature = "users"))]

use crate::client_support::{base, ssws};
use okta_management::mock::MockOrg;
use okta_management::pagination::{Cursor, Items, Page, Pages, PaginationError};
use okta_management::types::User;
use okta_management::{Client, Error, Response};

fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
fn assert_unpin_send<T: Unpin + Send>(_: &T) {}

#[tokio::test]
async fn a_404_from_a_generated_call_is_the_crates_error_with_status_404() {
    let mock = MockOrg::start().await.unwrap();
    let client = ssws(&mock).build().unwrap();
    let error: Error = client.get_user().id("00u-nobody").send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error:?}");
    let Error::Api(api) = &error else { panic!("an Okta error status is Error::Api: {error:?}") };
    assert_eq!(api.error_code(), Some("E0000007"));
    let limits = okta_management::retry::RateLimitInfo::from_headers(api.headers());
    assert!(limits.limit.is_some() && limits.remaining.is_some(), "the error keeps the rate-limit headers: {api:?}");
    assert!(error.request_id().is_some_and(|id| !id.is_empty()), "the mock sends X-Okta-Request-Id");
    let shown = error.to_string();
    assert!(shown.contains("404") && shown.contains("E0000007"), "Display shows the real status: {shown}");
    assert!(!shown.contains("599"), "no synthetic status: {shown}");
}

#[tokio::test]
async fn send_returns_the_body_and_send_with_response_its_status_and_headers() {
    let mock = MockOrg::start().await.unwrap();
    let ids = mock.seed_users(3);
    let client = ssws(&mock).build().unwrap();
    let user = client.get_user().id(&ids[0]).send().await.unwrap();
    assert_eq!(user.id.as_deref(), Some(ids[0].as_str()));
    let response: Response<Vec<User>> = client.list_users().limit(2).send_with_response().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.request_id().is_some());
    assert!(response.headers().contains_key("link"), "a first page of 2 out of 3 has a next link");
    assert_eq!(response.into_body().len(), 2);
}

#[tokio::test]
async fn a_listing_is_a_plain_stream_and_resumes_from_a_saved_cursor() {
    assert_send_sync_clone::<Client>();
    let mock = MockOrg::start().await.unwrap();
    let mut seeded = mock.seed_users(7);
    seeded.sort();
    let client = ssws(&mock).build().unwrap();

    // No trait import, no pin!: inherent `try_next` on an Unpin + Send stream.
    let mut pages: Pages<'_, User> = client.list_users().limit(3).pages();
    assert_unpin_send(&pages);
    let first: Page<User> = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.url.path(), "/api/v1/users", "the first page knows the URL it was fetched from");
    assert_eq!(first.url.query(), Some("limit=3"));
    assert_eq!(first.items.len(), 3);
    let cursor: Cursor = first.next_cursor().unwrap().expect("7 users in pages of 3: a next page");
    drop(pages);

    // The cursor is text: saved, read back, and given to a new client (another process, say).
    let saved = serde_json::to_string(&cursor).unwrap();
    let restored: Cursor = serde_json::from_str(&saved).unwrap();
    assert_eq!(restored, cursor);
    let other_client = ssws(&mock).build().unwrap();
    let mut rest: Items<'_, User> = other_client.list_users().resume_from(&restored).items();
    assert_unpin_send(&rest);
    let mut listed: Vec<String> = first.items.iter().filter_map(|u| u.id.clone()).collect();
    while let Some(user) = rest.try_next().await.unwrap() {
        listed.push(user.id.unwrap());
    }
    assert_eq!(listed.len(), 7, "resuming lists each remaining user once: {listed:?}");
    listed.sort();
    assert_eq!(listed, seeded);
    // The resumed pages kept the listing's parameters: pages of 3 (3 + 3 + 1).
    let page_sizes: Vec<usize> = {
        let mut pages = client.list_users().resume_from(&restored);
        let mut sizes = Vec::new();
        while let Some(page) = pages.try_next().await.unwrap() {
            sizes.push(page.items.len());
        }
        sizes
    };
    assert_eq!(page_sizes, [3, 1]);
    let all = client.list_users().limit(3).stream().collect_all().await.unwrap();
    assert_eq!(all.len(), 7);
}

#[tokio::test]
async fn a_cursor_for_another_org_is_refused_before_any_request() {
    let mock = MockOrg::start().await.unwrap();
    let client = ssws(&mock).build().unwrap();
    let foreign = Cursor::from("https://attacker.example.com/api/v1/users?after=x");
    let error = client.list_users().resume_from(&foreign).try_next().await.unwrap_err();
    assert!(matches!(error, Error::Pagination(PaginationError::CrossOrigin { .. })), "{error:?}");
    let relative = Cursor::from(format!("{}/api/v1/users?limit=1", base(&mock)).as_str());
    let page = client.list_users().resume_from(&relative).try_next().await.unwrap();
    assert!(page.is_some(), "a cursor on the client's own org is followed");
    assert_eq!(mock.route_count("GET /api/v1/users"), 1, "the foreign cursor sent nothing");
}

/// A profile as one org defines it: Okta's base attributes plus custom ones, typed by the user.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrgProfile {
    login: String,
    email: String,
    first_name: String,
    last_name: String,
    badge_number: u32,
    cost_centers: Vec<String>,
    clearance: Option<f64>,
    /// Everything else Okta sends, kept.
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, serde::Deserialize)]
struct OrgUser {
    id: String,
    profile: OrgProfile,
}

#[tokio::test]
async fn custom_profile_attributes_round_trip_through_a_struct_of_the_users() {
    let mock = MockOrg::start().await.unwrap();
    let client = ssws(&mock).build().unwrap();
    let mine = OrgProfile {
        login: "typed@example.com".into(),
        email: "typed@example.com".into(),
        first_name: "Typed".into(),
        last_name: "Profile".into(),
        badge_number: 4711,
        cost_centers: vec!["cc-1".into(), "cc-2".into()],
        clearance: Some(2.5),
        other: serde_json::Map::new(),
    };
    let body = okta_management::types::CreateUserRequest {
        profile: okta_management::types::convert(&mine).unwrap(),
        ..Default::default()
    };
    let created = client.create_user().body(body).send().await.unwrap();
    let id = created.id.unwrap();
    // What was sent: the custom attributes as the user typed them, once each.
    let stored = mock.user(&id).unwrap();
    assert_eq!(stored["profile"]["badgeNumber"], 4711);
    assert_eq!(stored["profile"]["costCenters"], serde_json::json!(["cc-1", "cc-2"]));
    assert_eq!(stored["profile"]["clearance"], 2.5);

    let read: OrgUser = client.get_user().id(&id).send_as().await.unwrap();
    assert_eq!(read.id, id);
    let OrgProfile { other, .. } = &read.profile;
    assert_eq!(OrgProfile { other: other.clone(), ..mine.clone() }, read.profile);
    // Through the generated model too: the custom attributes stay in `extra`, written back as they came.
    let generic = client.get_user().id(&id).send().await.unwrap();
    let profile = serde_json::to_value(generic.profile.unwrap()).unwrap();
    assert_eq!(profile["badgeNumber"], 4711);
    assert_eq!(profile["costCenters"], serde_json::json!(["cc-1", "cc-2"]));
    assert_eq!(profile["clearance"], 2.5);
    // A value that does not fit the user's type is a decode error naming the operation.
    #[derive(Debug, serde::Deserialize)]
    struct Wrong {
        #[allow(dead_code)]
        profile: std::collections::BTreeMap<String, u32>,
    }
    let error = client.get_user().id(&id).send_as::<Wrong>().await.unwrap_err();
    assert!(error.to_string().contains("get_user"), "{error}");
    let Error::Decode { path: Some(path), excerpt, .. } = &error else {
        panic!("a decode error with a path: {error:?}")
    };
    assert!(path.starts_with("profile."), "the JSON path names the failing field: {path}");
    assert!(!excerpt.is_empty() && excerpt.len() <= okta_management::error::MAX_EXCERPT_BYTES + 4);
    assert!(error.to_string().contains(path.as_str()), "Display shows the path: {error}");
}

#[tokio::test]
async fn a_partial_update_clears_a_field_with_null_and_leaves_absent_ones_alone() {
    use okta_management::types::{CreateUserRequest, Field, UpdateUserRequest, UserProfile};
    let mock = MockOrg::start().await.unwrap();
    let proxy = crate::client_support::Proxy::start(&base(&mock)).await;
    let client = Client::builder().org_url(&proxy.base).token(mock.token()).disable_https_check(true).build().unwrap();
    let mut profile = UserProfile {
        login: Some("clear@example.com".into()),
        email: Some("clear@example.com".into()),
        first_name: "Clear".to_string().into(),
        last_name: "Me".to_string().into(),
        mobile_phone: "+1 555 0100".to_string().into(),
        ..Default::default()
    };
    profile.extra.insert("badgeNumber".into(), 7.into());
    let created = client
        .create_user()
        .body(CreateUserRequest { profile: Some(profile), ..Default::default() })
        .send()
        .await
        .unwrap();
    let id = created.id.unwrap();
    assert_eq!(mock.user(&id).unwrap()["profile"]["mobilePhone"], "+1 555 0100");

    // Clear the phone and a custom attribute; say nothing of the other attributes.
    let mut change = UserProfile { mobile_phone: Field::Null, ..Default::default() };
    change.extra.insert("badgeNumber".into(), serde_json::Value::Null);
    proxy.clear();
    let updated = client
        .update_user()
        .id(&id)
        .body(UpdateUserRequest { profile: Some(change), ..Default::default() })
        .send()
        .await
        .unwrap();
    let sent = proxy.seen().into_iter().find(|s| s.method == "POST").unwrap();
    assert_eq!(
        std::str::from_utf8(&sent.body).unwrap(),
        r#"{"profile":{"mobilePhone":null,"badgeNumber":null}}"#,
        "exactly the two cleared attributes, each once"
    );
    let profile = updated.profile.unwrap();
    assert_eq!(profile.mobile_phone, Field::Null, "Okta answers the cleared attribute as null");
    assert_eq!(profile.first_name, Field::Value("Clear".to_string()), "absent attributes were left alone");
    let stored = mock.user(&id).unwrap();
    assert_eq!(stored["profile"]["mobilePhone"], serde_json::Value::Null);
    assert_eq!(stored["profile"]["badgeNumber"], serde_json::Value::Null);
    assert_eq!(stored["profile"]["lastName"], "Me");
}

#[tokio::test]
async fn timestamps_are_typed_and_written_back_as_okta_sent_them() {
    use okta_management::types::Timestamp;
    let mock = MockOrg::start().await.unwrap();
    let ids = mock.seed_users(1);
    let client = ssws(&mock).build().unwrap();
    let user = client.get_user().id(&ids[0]).send().await.unwrap();
    let created: &Timestamp = user.created.as_ref().expect("the mock sets created");
    let sent = mock.user(&ids[0]).unwrap()["created"].as_str().unwrap().to_string();
    assert_eq!(created.as_str(), sent, "the text as sent");
    let time = created.to_datetime().unwrap();
    assert!(time.timestamp() > 1_600_000_000, "read as a time: {time}");
    assert_eq!(serde_json::to_value(&user).unwrap()["created"], serde_json::json!(sent), "written back unchanged");
    // A chrono time is accepted where the spec takes a date-time (here the System Log's `since`).
    #[cfg(feature = "logs")]
    {
        let since = Timestamp::from(time - chrono::Duration::days(1));
        let events = client.list_log_events().since(since).limit(5).send().await.unwrap();
        assert!(events.len() <= 5);
    }
}
