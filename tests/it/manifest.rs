//! Every path operation of the spec exists as a method, under its snake_case(operationId) name.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(feature = "full")]

use crate::common;

use okta_management::manifest::{GENERATED_METHODS, OPERATIONS, PAGINATED_OPERATIONS};
use std::collections::BTreeSet;

#[test]
fn manifest_lists_every_operation_of_the_spec() {
    let spec = common::spec();
    let from_spec: BTreeSet<(String, String, String)> = common::operations(spec)
        .into_iter()
        .filter(|(_, _, path, _)| path.starts_with("paths:"))
        .map(|(id, method, path, _)| (id, method, path.trim_start_matches("paths:").to_string()))
        .collect();
    let from_manifest: BTreeSet<(String, String, String)> =
        OPERATIONS.iter().map(|op| (op.operation_id.to_string(), op.method.to_string(), op.path.to_string())).collect();
    assert_eq!(from_spec, from_manifest);
    for op in OPERATIONS {
        assert_eq!(op.rust_method, snake(op.operation_id), "{}", op.operation_id);
    }
}

#[test]
fn progenitor_emitted_a_method_for_every_operation_it_was_given() {
    // GENERATED_METHODS is read from progenitor's output by build.rs; the spec is parsed here, independently.
    let spec = common::spec();
    let emitted: BTreeSet<&str> = GENERATED_METHODS.iter().copied().collect();
    let hand_written: BTreeSet<&str> = OPERATIONS.iter().filter(|o| o.hand_written).map(|o| o.operation_id).collect();
    let mut missing = Vec::new();
    for (id, _, path, _) in common::operations(spec) {
        if !path.starts_with("paths:") || hand_written.contains(id.as_str()) {
            continue;
        }
        if !emitted.contains(snake(&id).as_str()) {
            missing.push(id);
        }
    }
    assert!(missing.is_empty(), "operations of the spec with no generated method: {missing:?}");
    // Multipart uploads are the only hand-written operations, and each is a method of the public Client.
    for id in &hand_written {
        let op = common::operations(spec).into_iter().find(|(i, ..)| i == id).expect("in the spec").3;
        assert!(op.pointer("/requestBody/content/multipart~1form-data").is_some(), "{id} is not multipart");
    }
    println!(
        "spec {}: {} operations, {} generated methods, {} hand-written",
        okta_management::SPEC_VERSION,
        OPERATIONS.len(),
        emitted.len(),
        hand_written.len()
    );
}

#[test]
fn every_list_operation_with_a_cursor_can_be_streamed() {
    // From the spec, parsed here: a GET with an `after` query parameter (its own or its path's) lists pages.
    let spec = common::spec();
    let mut expected = BTreeSet::new();
    for (id, method, path, op) in common::operations(spec) {
        let Some(path) = path.strip_prefix("paths:") else { continue };
        let item = &spec["paths"][path];
        let params = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(item["parameters"].as_array().into_iter().flatten());
        let has_cursor = params.map(|p| common::resolve(spec, p)).any(|p| p["name"] == "after" && p["in"] == "query");
        if method == "GET" && has_cursor {
            expected.insert(id);
        }
    }
    let paginated: BTreeSet<String> = PAGINATED_OPERATIONS.iter().map(|s| s.to_string()).collect();
    let missing: Vec<&String> = expected.difference(&paginated).collect();
    assert!(missing.is_empty(), "list operations without .stream(): {missing:?}");
    println!("{} list operations page with .pages()/.stream()", paginated.len());
}

#[test]
#[cfg(okta_spec = "2026.06.3")]
fn the_default_spec_is_2026_06_3_with_732_operations() {
    assert_eq!(okta_management::SPEC_VERSION, "2026.06.3");
    assert_eq!(okta_management::SPEC_SHA256, "291293032a071bc368f139fea20442cc72e30fe1adfcff3b9753a2b9ddfece52");
    assert_eq!(OPERATIONS.len(), 732);
    let hand_written: Vec<&str> = OPERATIONS.iter().filter(|o| o.hand_written).map(|o| o.operation_id).collect();
    assert_eq!(
        hand_written,
        ["uploadApplicationLogo", "uploadBrandThemeBackgroundImage", "uploadBrandThemeFavicon", "uploadBrandThemeLogo"]
    );
    // Every operation is in a named feature group: 2026.06.3 has x-tagGroups for all its tags.
    let other: Vec<&str> = OPERATIONS.iter().filter(|o| o.group == "other").map(|o| o.operation_id).collect();
    assert!(other.is_empty(), "{other:?}");
    // Ten lists wrap their items in an object (`{"roles": [...], "_links": …}`) and page all the same.
    for id in ["listRoles", "listResourceSets", "listGovernanceBundles", "listUsersWithRoleAssignments"] {
        assert!(PAGINATED_OPERATIONS.contains(&id), "{id}");
    }
}

fn snake(id: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = id.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

/// Compile-level check: these names must exist as builder methods on `okta_management::Client`.
#[allow(dead_code)]
fn methods_exist(client: &okta_management::Client) {
    let _ = client.list_users();
    let _ = client.get_user();
    let _ = client.create_user();
    let _ = client.update_user();
    let _ = client.replace_user();
    let _ = client.delete_user();
    let _ = client.activate_user();
    let _ = client.deactivate_user();
    let _ = client.suspend_user();
    let _ = client.unsuspend_user();
    let _ = client.list_groups();
    let _ = client.add_group();
    let _ = client.assign_user_to_group();
    let _ = client.unassign_user_from_group();
    let _ = client.list_group_users();
    let _ = client.list_applications();
    let _ = client.get_application();
    let _ = client.create_application();
    let _ = client.replace_application();
    let _ = client.list_event_hooks();
    let _ = client.create_event_hook();
    let _ = client.get_event_hook();
    let _ = client.replace_event_hook();
    let _ = client.activate_event_hook();
    let _ = client.deactivate_event_hook();
    let _ = client.verify_event_hook();
    let _ = client.delete_event_hook();
    let _ = client.list_log_events();
    let _ = client.list_policies();
    let _ = client.get_policy();
    let _ = client.list_policy_rules();
    let _ = client.list_authorization_servers();
    let _ = client.list_identity_providers();
    let _ = client.list_brands();
    let _ = client.list_authenticators();
    let _ = client.list_devices();
    let _ = client.list_inline_hooks();
    let _ = client.list_factors();
    let _ = client.verify_factor();
    let _ = client.get_hook_key();
    let _ = client.publish_csr_from_application();
    let _ = client.publish_security_event_tokens();
    let _ = client.get_org_settings();
    let _ = client.list_network_zones();
    let _ = client.upload_application_logo();
    let _ = client.upload_brand_theme_logo();
    let _ = client.upload_brand_theme_favicon();
    let _ = client.upload_brand_theme_background_image();
}
