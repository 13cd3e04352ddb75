//! Per-API-group cargo features: the spec's tags grouped into features (`users`, `groups`, `apps`, …); when not
//! every group is enabled, the spec is pruned to the enabled groups' operations and the schemas they reach
//! (following `$ref`s and discriminator mappings) before generation, so a slim build compiles a fraction of the
//! code. `full` (the default) enables every group.

use crate::normalise::Normalised;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The API-group cargo features (each declared in Cargo.toml; `full` enables them all).
pub const FEATURES: &[&str] = &[
    "users",
    "groups",
    "apps",
    "authorization-servers",
    "policies",
    "security",
    "idps",
    "hooks",
    "logs",
    "org",
    "brands",
    "authenticators",
    "devices",
    "roles",
    "schemas",
    CATCH_ALL,
];

/// Operations whose tag is in no group go here, with a cargo warning, so a new spec never fails the build.
pub const CATCH_ALL: &str = "other";

/// The spec's `x-tagGroups` (by name) → cargo feature.
const TAG_GROUP_FEATURES: &[(&str, &str)] = &[
    ("Access Controls", "security"),
    ("Admin Roles", "roles"),
    ("Applications", "apps"),
    ("Authenticators", "authenticators"),
    ("Authorization Servers", "authorization-servers"),
    ("Customizations", "brands"),
    ("Devices", "devices"),
    ("External Identity Sources", "idps"),
    ("Groups", "groups"),
    ("Hooks", "hooks"),
    ("Org Management", "org"),
    ("Rate Limits", "org"),
    ("Realms", "org"),
    ("Schemas", "schemas"),
    ("Service Accounts", "users"),
    ("Signal Sharing", "security"),
    ("System Log", "logs"),
    ("Users", "users"),
];

/// Tags whose feature is not their tag group's: kept where 0.1.0 had them (`Policy` has a feature of its own),
/// and tags of older specs that the default spec's `x-tagGroups` no longer lists.
const TAG_OVERRIDES: &[(&str, &str)] = &[
    ("Policy", "policies"),
    ("ApiToken", "org"),
    ("Session", "users"),
    ("WebAuthnPreregistration", "users"),
    ("LinkedObject", "users"),
    ("ProfileMapping", "apps"),
    ("EmailCustomization", "brands"),
    ("RiskEvent", "security"),
    ("RiskProvider", "security"),
    ("DeviceAccess", "devices"),
    ("ApplicationSSOCredentialOAuth2ClientAuth", "apps"),
];

/// Schemas the hand-written modules use whatever the enabled groups (hooks receive `LogEvent`s; uploads answer
/// `ImageUploadResponse`; every error body is an `ErrorBody`, the spec's `Error` renamed by the normalisation).
const ALWAYS_KEPT: &[&str] = &["ErrorBody", "LogEvent", "ImageUploadResponse"];

/// Tag → cargo feature for one spec.
pub struct TagGroups {
    by_tag: BTreeMap<String, &'static str>,
    /// What the build must print as cargo warnings: tag groups with no feature, tags in no group.
    pub warnings: Vec<String>,
}

impl TagGroups {
    /// Groups from the spec's `x-tagGroups`; a spec without them (2024.08.3) borrows the default spec's. Tags in no
    /// group are reported in [`TagGroups::warnings`] and compiled under [`CATCH_ALL`].
    pub fn of(doc: &Value, manifest_dir: &Path) -> Result<Self, String> {
        let borrowed;
        let tag_groups = match doc.get("x-tagGroups") {
            Some(groups) => groups,
            None => {
                let path = manifest_dir.join(crate::spec_source::DEFAULT_FILE);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {} for its x-tagGroups: {e}", path.display()))?;
                let default: Value =
                    serde_norway::from_str(&text).map_err(|e| format!("{} is not valid YAML: {e}", path.display()))?;
                borrowed = default.get("x-tagGroups").cloned().unwrap_or(Value::Null);
                &borrowed
            }
        };
        let mut groups = Self::from_tag_groups(tag_groups);
        let unplaced = groups.unplaced_tags(doc);
        if !unplaced.is_empty() {
            groups.warnings.push(format!(
                "okta-management: spec tags in no feature group, compiled under the `{CATCH_ALL}` feature: {}",
                unplaced.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(groups)
    }

    /// The tag → feature table for an `x-tagGroups` list, with [`TAG_OVERRIDES`] applied; a group with no feature
    /// is reported in [`TagGroups::warnings`].
    pub fn from_tag_groups(tag_groups: &Value) -> Self {
        let mut by_tag = BTreeMap::new();
        let mut warnings = Vec::new();
        for group in tag_groups.as_array().into_iter().flatten() {
            let name = group.get("name").and_then(Value::as_str).unwrap_or_default();
            let Some(feature) = TAG_GROUP_FEATURES.iter().find(|(g, _)| *g == name).map(|(_, f)| *f) else {
                warnings.push(format!(
                    "okta-management: x-tagGroup {name:?} has no cargo feature (crates/codegen/src/groups.rs), its \
                     operations are compiled under `{CATCH_ALL}`"
                ));
                continue;
            };
            for tag in group.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                by_tag.insert(tag.to_string(), feature);
            }
        }
        for (tag, feature) in TAG_OVERRIDES {
            by_tag.insert(tag.to_string(), *feature);
        }
        TagGroups { by_tag, warnings }
    }

    /// The feature of an operation, by its first tag.
    pub fn feature_of(&self, op: &Value) -> &'static str {
        let tag = op.get("tags").and_then(Value::as_array).and_then(|t| t.first()).and_then(Value::as_str);
        tag.and_then(|t| self.by_tag.get(t).copied()).unwrap_or(CATCH_ALL)
    }

    /// First tags of operations that no group places.
    fn unplaced_tags(&self, doc: &Value) -> BTreeSet<String> {
        let mut unplaced = BTreeSet::new();
        for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
            for op in item.as_object().into_iter().flat_map(|o| o.values()) {
                if op.get("operationId").is_none() {
                    continue;
                }
                let tag = op.get("tags").and_then(Value::as_array).and_then(|t| t.first()).and_then(Value::as_str);
                match tag {
                    Some(t) if self.by_tag.contains_key(t) => {}
                    Some(t) => {
                        unplaced.insert(t.to_string());
                    }
                    None => {
                        unplaced.insert("(untagged)".to_string());
                    }
                }
            }
        }
        unplaced
    }
}

/// The groups enabled by cargo features (`CARGO_FEATURE_<NAME>`).
pub fn enabled() -> BTreeSet<&'static str> {
    FEATURES
        .iter()
        .copied()
        .filter(|name| std::env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"))).is_some())
        .collect()
}

/// Removes the operations of disabled groups (including hand-written ones) and every schema no kept operation
/// reaches. Returns how many operations were removed.
pub fn prune(doc: &mut Value, n: &mut Normalised, groups: &TagGroups, enabled: &BTreeSet<&str>) -> usize {
    let mut removed = BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            let drop: Vec<String> = item
                .iter()
                .filter(|(_, op)| op.get("operationId").is_some() && !enabled.contains(groups.feature_of(op)))
                .map(|(m, _)| m.clone())
                .collect();
            for method in drop {
                if let Some(id) = item
                    .remove(&method)
                    .and_then(|op| op.get("operationId").and_then(Value::as_str).map(str::to_string))
                {
                    removed.insert(id);
                }
            }
        }
        paths.retain(|_, item| {
            item.as_object().is_some_and(|o| o.keys().any(|k| k != "parameters" && !k.starts_with("x-")))
        });
    }
    let roots: Vec<String> = ALWAYS_KEPT.iter().map(|s| s.to_string()).collect();
    let mut reachable = BTreeSet::new();
    let mut pending = roots;
    collect_refs(doc.get("paths").unwrap_or(&Value::Null), &mut pending);
    collect_refs(doc.pointer("/components/parameters").unwrap_or(&Value::Null), &mut pending);
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    while let Some(name) = pending.pop() {
        if reachable.insert(name.clone()) {
            if let Some(schema) = schemas.get(&name) {
                collect_refs(schema, &mut pending);
            }
        }
    }
    if let Some(s) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        s.retain(|name, _| reachable.contains(name));
    }
    n.open_enums.retain(|name, _| reachable.contains(name));
    n.polymorphic.retain(|name, _| reachable.contains(name));
    for (id, _, _, group) in &n.operations {
        if !enabled.contains(group) {
            removed.insert(id.clone());
        }
    }
    n.bodies.retain(|(id, _, _)| !removed.contains(id));
    n.paged.retain(|id| !removed.contains(id));
    n.body_media_types.retain(|id, _| !removed.contains(id));
    n.operations.retain(|(id, _, _, _)| !removed.contains(id));
    n.hand_written.retain(|id| !removed.contains(id));
    removed.len()
}

/// Every schema name referenced below `v`: `$ref`s and discriminator mapping targets.
fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                match (k.as_str(), child) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            out.push(name.to_string());
                        }
                    }
                    ("mapping", Value::Object(m)) => {
                        for target in m.values().filter_map(Value::as_str) {
                            if let Some(name) = target.strip_prefix("#/components/schemas/") {
                                out.push(name.to_string());
                            }
                        }
                    }
                    _ => collect_refs(child, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_are_grouped_by_x_tag_groups_with_overrides_and_a_catch_all() {
        let groups = TagGroups::from_tag_groups(&json!([
            {"name": "Users", "tags": ["User", "UserRisk"]},
            {"name": "Access Controls", "tags": ["Policy", "NetworkZone"]},
            {"name": "Something New", "tags": ["Brand New"]}
        ]));
        let op = |tag: &str| json!({"operationId": "x", "tags": [tag]});
        assert_eq!(groups.feature_of(&op("UserRisk")), "users");
        assert_eq!(groups.feature_of(&op("NetworkZone")), "security");
        assert_eq!(groups.feature_of(&op("Policy")), "policies", "override");
        assert_eq!(groups.feature_of(&op("Brand New")), CATCH_ALL, "unknown tag group");
        assert_eq!(groups.feature_of(&op("Untagged")), CATCH_ALL);
    }
}
