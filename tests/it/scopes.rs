#![cfg(feature = "full")]
//! `okta_management::scopes`: the least set of OAuth scopes covering a list of operations. The expected sets are
//! Okta's documented scopes for these endpoints (its "OAuth 2.0 scopes" reference), written out by hand.

use okta_management::scopes::{self, UnknownOperation};

fn least(names: &[&str]) -> String {
    scopes::for_operations(names).unwrap().to_string()
}

#[test]
fn the_least_set_covers_each_operation_and_manage_covers_read() {
    assert_eq!(least(&["list_users"]), "okta.users.read");
    assert_eq!(least(&["list_users", "create_user"]), "okta.users.manage");
    assert_eq!(least(&["create_user", "list_users", "get_user"]), "okta.users.manage");
    assert_eq!(
        least(&["list_users", "list_groups", "list_log_events"]),
        "okta.groups.read okta.logs.read okta.users.read"
    );
    assert_eq!(
        least(&["assign_user_to_group", "list_users", "list_applications"]),
        "okta.apps.read okta.groups.manage okta.users.read"
    );
    // operationIds work as well as Rust method names.
    assert_eq!(least(&["listUsers", "addGroup"]), "okta.groups.manage okta.users.read");
    // Group push mappings need both their scopes (the spec's requirement lists two).
    assert_eq!(least(&["list_group_push_mappings"]), "okta.apps.read okta.groups.read");
    assert_eq!(least(&["list_group_push_mappings", "add_group"]), "okta.apps.read okta.groups.manage");
    assert_eq!(least(&[]), "");
}

#[test]
fn operations_no_access_token_can_call_are_named_and_unknown_names_refused() {
    let needed = scopes::for_operations(["revoke_current_api_token", "list_users"]).unwrap();
    assert_eq!(needed.api_token_only(), ["revoke_current_api_token"]);
    assert_eq!(needed.to_string(), "okta.users.read");
    assert_eq!(scopes::required_for("revoke_current_api_token"), Some(&[][..]));
    assert_eq!(scopes::required_for("listUsers"), Some(&["okta.users.read"][..]));
    assert_eq!(scopes::for_operations(["list_users", "list_userz"]), Err(UnknownOperation("list_userz".to_owned())));
    assert_eq!(scopes::required_for("nope"), None);
}

#[test]
fn the_set_feeds_the_client_builder() {
    let needed = scopes::for_operations(["list_users", "list_groups"]).unwrap();
    let granted: Vec<&str> = needed.iter().collect();
    assert_eq!(granted, ["okta.groups.read", "okta.users.read"]);
    // `ClientBuilder::scopes` takes the set as it is.
    let _builder = okta_management::Client::builder().scopes(&needed);
}
