#![cfg(all(feature = "mock", feature = "users"))]
//! What goes on the wire for values with reserved characters: the request line is asserted (as the mock org
//! received it), not only the result. (A login with a `/` is sent as one segment too, but Okta's getUser documents
//! that such a user can only be fetched by id: the mock answers 404, and the search finds it.) A path segment is percent-encoded whole (a `/` in a login is `%2F`, never a
//! path separator; only `@` and RFC 3986's unreserved characters stay literal, so that `+` cannot be read as a space
//! nor `;` cut off as a servlet path parameter); a query value is
//! form-encoded (`+` is `%2B`, a space `+`), so Okta reads back exactly the value given.

use okta_management::Client;
use okta_management::filter::user;
use okta_management::mock::MockOrg;
use serde_json::json;

fn client(org: &MockOrg) -> Client {
    crate::client_support::ssws(org)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

fn last_request_line(org: &MockOrg) -> String {
    let r = org.requests().pop().unwrap();
    format!("{} {}", r.method, r.path_and_query)
}

/// (login, the `get_user` request line, the `search` request line).
const CASES: &[(&str, &str, &str)] = &[
    (
        "a+b/c@example.com",
        "GET /api/v1/users/a%2Bb%2Fc@example.com",
        "GET /api/v1/users?search=profile.login+eq+%22a%2Bb%2Fc%40example.com%22",
    ),
    (
        "p%41ct@example.com",
        "GET /api/v1/users/p%2541ct@example.com",
        "GET /api/v1/users?search=profile.login+eq+%22p%2541ct%40example.com%22",
    ),
    (
        "h#sh?q=1&r@example.com",
        "GET /api/v1/users/h%23sh%3Fq%3D1%26r@example.com",
        "GET /api/v1/users?search=profile.login+eq+%22h%23sh%3Fq%3D1%26r%40example.com%22",
    ),
    (
        "sp ace@example.com",
        "GET /api/v1/users/sp%20ace@example.com",
        "GET /api/v1/users?search=profile.login+eq+%22sp+ace%40example.com%22",
    ),
    (
        "jös.日本@example.com",
        "GET /api/v1/users/j%C3%B6s.%E6%97%A5%E6%9C%AC@example.com",
        "GET /api/v1/users?search=profile.login+eq+%22j%C3%B6s.%E6%97%A5%E6%9C%AC%40example.com%22",
    ),
    (
        "pipe|caret^[br]{c}`@example.com",
        "GET /api/v1/users/pipe%7Ccaret%5E%5Bbr%5D%7Bc%7D%60@example.com",
        "GET /api/v1/users?search=profile.login+eq+%22pipe%7Ccaret%5E%5Bbr%5D%7Bc%7D%60%40example.com%22",
    ),
    (
        "semi;colon,comma(paren)!*'$:x@example.com",
        "GET /api/v1/users/semi%3Bcolon%2Ccomma%28paren%29%21%2A%27%24%3Ax@example.com",
        "GET /api/v1/users?search=profile.login+eq+%22semi%3Bcolon%2Ccomma%28paren%29%21*%27%24%3Ax%40example.com%22",
    ),
    (
        r#"q"uo\te@example.com"#,
        "GET /api/v1/users/q%22uo%5Cte@example.com",
        "GET /api/v1/users?search=profile.login+eq+%22q%5C%22uo%5C%5Cte%40example.com%22",
    ),
];

#[tokio::test]
async fn reserved_characters_in_a_user_id_and_in_a_search_reach_the_right_user() {
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    for (login, get_line, search_line) in CASES {
        let id = org
            .create_user_raw(json!({"profile": {
                "login": login, "email": "same@example.com", "firstName": "En", "lastName": "Coded"}}))
            .unwrap();
        // A login given where a user id goes (Okta's `getUser` takes either), but a login with a `/` "can only be
        // fetched by `id`" (Okta's getUser docs): sent as one segment all the same, answered 404; the search
        // below is how to find it.
        let got = client.get_user().id(*login).send().await;
        if login.contains('/') {
            assert_eq!(got.unwrap_err().status().map(|s| s.as_u16()), Some(404), "{login:?}");
        } else {
            let got = got.unwrap_or_else(|e| panic!("{login:?}: {e}"));
            assert_eq!(got.id.as_deref(), Some(id.as_str()), "{login:?}");
        }
        assert_eq!(last_request_line(&org), *get_line, "{login:?}");
        let found = client.list_users().search(user::LOGIN.eq(*login)).send().await.unwrap();
        assert_eq!(found.iter().map(|u| u.id.clone().unwrap()).collect::<Vec<_>>(), [id], "{login:?}");
        assert_eq!(last_request_line(&org), *search_line, "{login:?}");
    }
}

#[tokio::test]
async fn a_plus_in_a_raw_search_string_is_sent_as_2b() {
    // The Java SDK's long-standing bug: `+` sent as is, read by the server as a space, finding nothing.
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let id = org
        .create_user_raw(json!({"profile": {
            "login": "first+tag@example.com", "email": "first+tag@example.com", "firstName": "P", "lastName": "Lus"}}))
        .unwrap();
    let found = client.list_users().search(r#"profile.email eq "first+tag@example.com""#).send().await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id.as_deref(), Some(id.as_str()));
    assert_eq!(last_request_line(&org), "GET /api/v1/users?search=profile.email+eq+%22first%2Btag%40example.com%22");
}

#[tokio::test]
async fn a_path_parameter_that_cannot_be_one_segment_is_refused_before_sending() {
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    for id in ["", ".", ".."] {
        match client.get_user().id(id).send().await {
            Err(okta_management::Error::InvalidRequest(why)) => assert!(why.contains("path parameter"), "{why}"),
            other => panic!("{id:?}: expected InvalidRequest, got {other:?}"),
        }
    }
    assert!(org.requests().is_empty(), "nothing was sent");
}
