#![cfg(all(feature = "mock", feature = "users"))]
//! `okta_management::filter` against the mock org over real HTTP: for arbitrary string values (quotes,
//! backslashes, the words `or`/`and`/`not`, parentheses, `+`, `/`, non-ASCII), `profile.nickName eq v` finds exactly
//! the users whose nickname is `v` (as a search compares strings: ignoring case), and injection strings find
//! nothing. A malformed raw expression gets Okta's `E0000031` with its cause.

use std::collections::BTreeSet;

use okta_management::filter::{self, user};
use okta_management::mock::MockOrg;
use okta_management::{Client, Error};
use proptest::prelude::*;
use serde_json::json;

/// Nicknames stored in the org: tricky ones, each also a prefix or a variant of another.
const STORED: &[&str] = &[
    r#"x" or profile.nickName pr or profile.nickName eq "y"#,
    r#"x"#,
    r#"y"#,
    r#"a\b"#,
    r#"a\\b"#,
    r#"a"b"#,
    r#"(paren) and not"#,
    "or",
    "and",
    "a+b/c",
    "a b",
    "café 日本",
    "CAFÉ 日本",
    r#"\"#,
    r#"""#,
    "%41&=?#",
];

fn client(org: &MockOrg) -> Client {
    crate::client_support::ssws(org)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

/// The users whose nickname equals `value` as `eq` compares strings in a search (ignoring case).
fn expected(users: &[(String, String)], value: &str) -> BTreeSet<String> {
    users.iter().filter(|(_, nick)| nick.to_lowercase() == value.to_lowercase()).map(|(id, _)| id.clone()).collect()
}

async fn search(client: &Client, f: filter::Filter) -> Result<BTreeSet<String>, Error> {
    let found = client.list_users().search(f).send().await?;
    Ok(found.into_iter().filter_map(|u| u.id).collect())
}

fn value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just(" or ".to_owned()),
        Just(" and ".to_owned()),
        Just("not ".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("+".to_owned()),
        Just("/".to_owned()),
        Just(" pr".to_owned()),
        Just(" eq ".to_owned()),
        Just("é日".to_owned()),
        "[a-zA-Z0-9 %&=?#]{0,3}",
        prop::sample::select(STORED).prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|pieces| pieces.concat())
}

#[test]
fn a_nickname_search_finds_exactly_the_users_with_that_value() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let org = runtime.block_on(MockOrg::start()).unwrap();
    let client = client(&org);
    let users: Vec<(String, String)> = STORED
        .iter()
        .enumerate()
        .map(|(i, nick)| {
            let login = format!("nick{i}@example.com");
            let id = org
                .create_user_raw(json!({"profile": {
                    "login": login, "email": login, "firstName": "N", "lastName": "Ick", "nickName": nick}}))
                .unwrap();
            (id, (*nick).to_owned())
        })
        .collect();
    let nickname = filter::profile("nickName").unwrap();
    // Each stored value finds its own user (and its case variant), nothing else.
    for (_, nick) in &users {
        let found = runtime.block_on(search(&client, nickname.eq(nick))).unwrap();
        assert_eq!(found, expected(&users, nick), "{nick:?}");
        assert!(!found.is_empty());
    }
    // Injection strings: as values they are searched for as written, and no user has them.
    for injection in
        [r#"x" or status eq "ACTIVE"#, r#"x") or (profile.nickName pr"#, r#"" or "" eq ""#, r#"\" or true"#]
    {
        assert_eq!(
            runtime.block_on(search(&client, nickname.eq(injection))).unwrap(),
            BTreeSet::new(),
            "{injection:?}"
        );
    }
    // Combined with other parts, grouping holds: (nick eq "x" or nick eq "y") and status eq "ACTIVE".
    let both = nickname.eq("x").or(nickname.eq("y")).and(user::STATUS.eq("ACTIVE"));
    let mut either = expected(&users, "x");
    either.extend(expected(&users, "y"));
    assert_eq!(runtime.block_on(search(&client, both)).unwrap(), either);
    proptest!(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() }, |(v in value())| {
        let found = runtime.block_on(search(&client, nickname.eq(&v)));
        prop_assert!(found.is_ok(), "{v:?}: {:?}", found);
        prop_assert_eq!(found.unwrap(), expected(&users, &v), "{:?}", v);
    });
}

#[tokio::test]
async fn a_malformed_raw_expression_gets_oktas_e0000031_with_its_cause() {
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    for raw in
        [r#"profile.nickName eq "unterminated"#, "profile.nickName eq", "(status eq \"ACTIVE\"", "status zz \"x\""]
    {
        match client.list_users().search(raw).send().await {
            Err(Error::Api(e)) => {
                assert_eq!((e.status().as_u16(), e.error_code()), (400, Some("E0000031")), "{raw:?}");
                assert!(!e.causes().is_empty(), "{raw:?}: a cause says what is wrong");
            }
            other => panic!("{raw:?}: expected E0000031, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_filter_compares_values_exactly_and_a_search_ignores_their_case() {
    // Okta's listUsers docs: "Filtering is case-sensitive for property names and query values"; in a search
    // "string values are case insensitive". A filter on a lowercased email misses a mixed-case one.
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let body: okta_management::types::CreateUserRequest = serde_json::from_value(json!({"profile": {
        "login": "Ann.Lee@example.com", "email": "Ann.Lee@example.com", "firstName": "Ann", "lastName": "Lee"}}))
    .unwrap();
    let id = client.create_user().body(body).activate(false).send().await.unwrap().id.unwrap();
    let client = &client;
    let filtered = |v: &'static str| async move {
        let users = client.list_users().filter(user::EMAIL.eq(v)).send().await.unwrap();
        users.into_iter().filter_map(|u| u.id).collect::<Vec<_>>()
    };
    assert_eq!(filtered("Ann.Lee@example.com").await, std::slice::from_ref(&id));
    assert_eq!(filtered("ann.lee@example.com").await, Vec::<String>::new());
    let searched = client.list_users().search(user::EMAIL.eq("ann.lee@example.com")).send().await.unwrap();
    assert_eq!(searched.into_iter().filter_map(|u| u.id).collect::<Vec<_>>(), [id]);
}

#[cfg(feature = "full")]
#[tokio::test]
async fn the_groups_apps_and_system_log_setters_take_a_filter_too() {
    use okta_management::filter::{group, log};
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let engineering = org.seed_group("Engineering").unwrap();
    org.seed_group("Sales").unwrap();
    let groups = client
        .list_groups()
        .search(group::NAME.eq("Engineering").and(group::TYPE.eq("OKTA_GROUP")))
        .send()
        .await
        .unwrap();
    assert_eq!(groups.iter().filter_map(|g| g.id.clone()).collect::<Vec<_>>(), [engineering]);
    let login = "filtered@example.com";
    let body: okta_management::types::CreateUserRequest = serde_json::from_value(json!({"profile": {
        "login": login, "email": login, "firstName": "F", "lastName": "Ilter"}}))
    .unwrap();
    let id = client.create_user().body(body).activate(false).send().await.unwrap().id.unwrap();
    let events = client
        .list_log_events()
        .filter(log::EVENT_TYPE.eq("user.lifecycle.create").and(log::TARGET_ID.eq(id.as_str())))
        .send()
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type.as_deref(), Some("user.lifecycle.create"));
    let apps =
        client.list_applications().filter(okta_management::filter::app::STATUS.eq("ACTIVE")).send().await.unwrap();
    assert!(apps.iter().all(|a| serde_json::to_value(a).unwrap()["status"] == "ACTIVE"));
}
