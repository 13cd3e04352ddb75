//! The per-group cargo features: a build contains exactly the operations of its enabled groups.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use okta_management::manifest::OPERATIONS;

fn enabled(group: &str) -> bool {
    match group {
        "users" => cfg!(feature = "users"),
        "groups" => cfg!(feature = "groups"),
        "apps" => cfg!(feature = "apps"),
        "authorization-servers" => cfg!(feature = "authorization-servers"),
        "policies" => cfg!(feature = "policies"),
        "security" => cfg!(feature = "security"),
        "idps" => cfg!(feature = "idps"),
        "hooks" => cfg!(feature = "hooks"),
        "logs" => cfg!(feature = "logs"),
        "org" => cfg!(feature = "org"),
        "brands" => cfg!(feature = "brands"),
        "authenticators" => cfg!(feature = "authenticators"),
        "devices" => cfg!(feature = "devices"),
        "roles" => cfg!(feature = "roles"),
        "schemas" => cfg!(feature = "schemas"),
        other => panic!("operation in unknown group {other}"),
    }
}

#[test]
fn the_manifest_holds_the_enabled_groups_only() {
    assert!(!OPERATIONS.is_empty() || !cfg!(feature = "users"));
    for op in OPERATIONS {
        assert!(enabled(op.group), "{} ({}) is compiled but its group is off", op.operation_id, op.group);
    }
    if cfg!(feature = "full") && okta_management::SPEC_VERSION == "2026.06.3" {
        assert_eq!(OPERATIONS.len(), 732);
    }
    if cfg!(feature = "users") {
        let users = OPERATIONS.iter().filter(|o| o.group == "users").count();
        assert!(users >= 70, "users group has {users} operations");
        assert!(OPERATIONS.iter().any(|o| o.operation_id == "listUsers"));
    }
}

/// Compiles with only `users`: the users operations and the models they use exist.
#[cfg(feature = "users")]
#[allow(dead_code)]
fn users_methods_exist(client: &okta_management::Client) {
    let _ = client.list_users().limit(10).stream();
    let _ = client.create_user();
    let _ = client.deactivate_user();
    let _: Option<okta_management::types::UserStatus> = None;
}
