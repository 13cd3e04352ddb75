//! Per-API-group cargo features: the spec's tags grouped into features (`users`, `groups`, `apps`, …); when not
//! every group is enabled, the spec is pruned to the enabled groups' operations and the schemas they reach
//! (following `$ref`s and discriminator mappings) before generation, so a slim build compiles a fraction of the
//! code. `full` (the default) enables every group.

use crate::normalise::Normalised;
use serde_json::Value;
use std::collections::BTreeSet;

/// Cargo feature → the spec tags it covers. Every tag of the spec must be listed (checked at build time).
pub const GROUPS: &[(&str, &[&str])] = &[
    (
        "users",
        &[
            "User",
            "UserCred",
            "UserFactor",
            "UserGrant",
            "UserLifecycle",
            "UserLinkedObject",
            "UserOAuth",
            "UserResources",
            "UserSessions",
            "UserType",
            "LinkedObject",
            "Session",
            "WebAuthnPreregistration",
        ],
    ),
    ("groups", &["Group", "GroupOwner", "GroupRule"]),
    (
        "apps",
        &[
            "Application",
            "ApplicationConnections",
            "ApplicationFeatures",
            "ApplicationGrants",
            "ApplicationGroups",
            "ApplicationLogos",
            "ApplicationPolicies",
            "ApplicationSSO",
            "ApplicationSSOCredentialKey",
            "ApplicationSSOCredentialOAuth2ClientAuth",
            "ApplicationTokens",
            "ApplicationUsers",
            "OktaApplicationSettings",
            "ApiServiceIntegrations",
            "ProfileMapping",
        ],
    ),
    (
        "authorization-servers",
        &[
            "AuthorizationServer",
            "AuthorizationServerAssoc",
            "AuthorizationServerClaims",
            "AuthorizationServerClients",
            "AuthorizationServerKeys",
            "AuthorizationServerPolicies",
            "AuthorizationServerRules",
            "AuthorizationServerScopes",
        ],
    ),
    ("policies", &["Policy"]),
    (
        "security",
        &[
            "AttackProtection",
            "Behavior",
            "CAPTCHA",
            "NetworkZone",
            "RiskEvent",
            "RiskProvider",
            "SSFReceiver",
            "SSFSecurityEventToken",
            "SSFTransmitter",
            "ThreatInsight",
            "TrustedOrigin",
        ],
    ),
    (
        "idps",
        &[
            "IdentityProvider",
            "IdentityProviderKeys",
            "IdentityProviderSigningKeys",
            "IdentityProviderUsers",
            "IdentitySource",
            "DirectoriesIntegration",
            "AgentPools",
        ],
    ),
    ("hooks", &["EventHook", "InlineHook", "HookKey"]),
    ("logs", &["SystemLog", "LogStream"]),
    (
        "org",
        &[
            "OrgCreator",
            "OrgSettingAdmin",
            "OrgSettingCommunication",
            "OrgSettingContact",
            "OrgSettingCustomization",
            "OrgSettingGeneral",
            "OrgSettingMetadata",
            "OrgSettingSupport",
            "Feature",
            "RateLimitSettings",
            "PrincipalRateLimit",
            "Subscription",
            "ApiToken",
            "Realm",
            "RealmAssignment",
        ],
    ),
    (
        "brands",
        &[
            "Brands",
            "Themes",
            "CustomDomain",
            "CustomPages",
            "CustomTemplates",
            "EmailCustomization",
            "EmailDomain",
            "EmailServer",
            "Template",
        ],
    ),
    ("authenticators", &["Authenticator", "PushProvider"]),
    ("devices", &["Device", "DeviceAccess", "DeviceAssurance"]),
    (
        "roles",
        &[
            "RoleAssignmentAUser",
            "RoleAssignmentBGroup",
            "RoleAssignmentClient",
            "RoleBTargetAdmin",
            "RoleBTargetBGroup",
            "RoleBTargetClient",
            "RoleCResourceSet",
            "RoleCResourceSetResource",
            "RoleDResourceSetBinding",
            "RoleDResourceSetBindingMember",
            "RoleECustom",
            "RoleECustomPermission",
        ],
    ),
    ("schemas", &["Schema", "UISchema"]),
];

/// Schemas the hand-written modules use whatever the enabled groups (hooks receive `LogEvent`s; uploads answer
/// `ImageUploadResponse`; every error body is an `Error`).
const ALWAYS_KEPT: &[&str] = &["Error", "LogEvent", "ImageUploadResponse"];

/// The groups enabled by cargo features (`CARGO_FEATURE_<NAME>`).
pub fn enabled() -> BTreeSet<&'static str> {
    GROUPS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| std::env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"))).is_some())
        .collect()
}

/// The group of an operation, by its first tag.
pub fn group_of(op: &Value) -> Option<&'static str> {
    let tag = op.get("tags")?.as_array()?.first()?.as_str()?;
    GROUPS.iter().find(|(_, tags)| tags.contains(&tag)).map(|(name, _)| *name)
}

/// Fails the build when the spec has a tag no group covers, so a new spec version cannot silently drop operations.
pub fn check_every_tag_is_grouped(doc: &Value) -> Result<(), String> {
    let mut missing = BTreeSet::new();
    for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            if op.get("operationId").is_some() && group_of(op).is_none() {
                missing.insert(op.get("tags").map(Value::to_string).unwrap_or_default());
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("spec tags not covered by any cargo feature group (build/groups.rs): {missing:?}"))
    }
}

/// Removes the operations of disabled groups (including hand-written ones) and every schema no kept operation
/// reaches. Returns how many operations were removed.
pub fn prune(doc: &mut Value, n: &mut Normalised, enabled: &BTreeSet<&str>) -> usize {
    let mut removed = BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            let drop: Vec<String> = item
                .iter()
                .filter(|(_, op)| op.get("operationId").is_some() && !group_of(op).is_some_and(|g| enabled.contains(g)))
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
    let mut roots: Vec<String> = ALWAYS_KEPT.iter().map(|s| s.to_string()).collect();
    if enabled.contains("hooks") {
        for (_, request, response) in &n.webhooks {
            roots.push(request.clone());
            roots.extend(response.clone());
        }
    } else {
        n.webhooks.clear();
    }
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
    n.raw_body_media_types.retain(|id, _| !removed.contains(id));
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
