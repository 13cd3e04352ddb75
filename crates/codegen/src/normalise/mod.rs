//! The normalisation pass: small, named transformations of Okta's spec, each fixing one defect that stops
//! progenitor/typify or that would make the generated models lose data. [`RULES`] (below) lists them in the order
//! they run, each with the defect it fixes; `spec/README.md` has the same table with the places each touches.
//!
//! Every rule works on the parsed document as JSON and records what it touched in [`Normalised`], so that the
//! emitter can write the hand-written parts (open enums, tagged unions, raw-body content types) and the manifest
//! can say which operations are hand-written. The rules live in one file per family (names, bodies, responses,
//! parameters, schemas, enums, unions, docs); what they share is in `walk.rs`.

mod bodies;
mod docs;
mod enums;
mod names;
mod parameters;
mod responses;
mod schemas;
#[cfg(test)]
mod tests;
mod unions;
mod walk;

use bodies::{
    inline_shared_bodies, json_bodies_for_json_suffix_media, raw_bodies_for_non_json_media,
    take_out_multipart_operations,
};
use docs::{drop_examples, plain_text_code_blocks};
use enums::{close_non_string_enums, open_string_enums};
use names::{
    name_inline_bodies, name_inline_discriminated_unions, name_inline_objects, name_inline_union_members,
    rename_case_colliding_schemas, rename_schemas_named_like_sdk_types,
};
use parameters::{comma_separated_expand_parameters, require_path_parameters};
use responses::{
    array_response_for_list_operations, error_schema_for_bodyless_errors, one_error_type_per_operation,
    one_success_type_per_operation, schema_for_untyped_json_responses,
};
use schemas::{
    drop_defaults, drop_required, flatten_all_of, keep_unknown_properties, optional_collections_keep_empty,
    pass_codes_are_strings, relax_validation_constraints, timestamps_keep_their_text, untyped_map_values_are_any_json,
    unwrap_annotated_refs,
};
use unions::{
    collapse_same_type_unions, discriminate_untagged_one_of, merge_object_unions, tagged_discriminator_unions,
};
use walk::for_each_operation;
pub(crate) use walk::upper_camel;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

macro_rules! rule {
    ($f:ident) => {
        Rule { name: stringify!($f), apply: $f, not_on: &[] }
    };
    ($f:ident, not_on: [$($v:literal),+]) => {
        Rule { name: stringify!($f), apply: $f, not_on: &[$($v),+] }
    };
}

/// The rules, in the order they run (later rules rely on earlier ones; `spec/README.md` has the table with the places
/// each touches). Each line: the spec defect the rule fixes, and where. `not_on`: vetted specs without the defect.
pub const RULES: &[Rule] = &[
    // Names differing only in case are one Rust name: `appLink` beside `AppLink`.
    rule!(rename_case_colliding_schemas),
    // Models named like the SDK's own types (`types::Error` beside `okta_management::Error`): `Error`, `Client`.
    rule!(rename_schemas_named_like_sdk_types),
    // Annotations attached to a `$ref` as extra `allOf` parts would be empty objects: every schema.
    rule!(unwrap_annotated_refs),
    // Bodies `$ref`'d from `components/requestBodies|responses` cannot be named per operation.
    rule!(inline_shared_bodies),
    // progenitor rejects multipart/form-data bodies: the logo/favicon/background uploads.
    rule!(take_out_multipart_operations),
    // A `+json` body would be untyped bytes: `updateCustomAAGUID` (merge-patch+json).
    rule!(json_bodies_for_json_suffix_media, not_on: ["2024.08.3"]),
    // PEM/DER/JWT bodies, several media per body: `publishCsr…`, `publishSecurityEventTokens`.
    rule!(raw_bodies_for_non_json_media),
    // JSON responses without a schema panic progenitor: `Error-FF-NotEnabled-Response-401`.
    rule!(schema_for_untyped_json_responses, not_on: ["2024.08.3"]),
    // Typed beside body-less errors panic progenitor: sessions, role/user subscriptions.
    rule!(error_schema_for_bodyless_errors),
    // Errors of two schemas panic progenitor: `replaceEmailSettings` (`Error409` beside `Error`).
    rule!(one_error_type_per_operation, not_on: ["2024.08.3"]),
    // Two success types panic progenitor: `assignRoleToGroup`, `verifyFactor` (200 and 201).
    rule!(one_success_type_per_operation),
    // A path parameter not marked required panics progenitor: `getHookKey`'s `id`.
    rule!(require_path_parameters),
    // Inline request/response schemas get unpredictable typify names: `{Operation}Body`/`…Response`.
    rule!(name_inline_bodies),
    // Lists declared as one object return arrays: `listAuthenticatorEnrollments`, `listPolicies`.
    rule!(array_response_for_list_operations),
    // `explode: false` arrays would be sent as repeated keys: the `expand` query parameters.
    rule!(comma_separated_expand_parameters),
    // `date-time` strings would be bare `String`s (or chrono times that re-format): `created`, `published`, `since`.
    rule!(timestamps_keep_their_text),
    // `(?i)` patterns, lengths, strict formats reject what Okta sends: every schema.
    rule!(relax_validation_constraints),
    // Map values declared as empty objects hold strings: `UserFactorVerifyResponse.profile`.
    rule!(untyped_map_values_are_any_json),
    // `nextPassCode` declared integer (leading zeros lost): `UserFactorTokenVerifySymantec`.
    rule!(pass_codes_are_strings),
    // Invalid defaults stop typify (`Policy.priority`); valid ones would be written back: every schema.
    rule!(drop_defaults),
    // `required` readOnly fields in requests, fields Okta omits or nulls: every object schema.
    rule!(drop_required),
    // Non-string (`enum: [true]`) and duplicate (`BY_DATE_TIME`) enum values panic typify.
    rule!(close_non_string_enums),
    // Inline objects of a `oneOf` cannot be told apart or named: `DeviceIntegrationsMetadata`.
    rule!(name_inline_union_members),
    // Closed enums fail a whole response on one new value: every string enum.
    rule!(open_string_enums),
    // typify's `{Parent}{Property}` names collide with components (`AppLink`, `UserType`).
    rule!(name_inline_objects),
    // typify's `allOf` merge collides names and drops subtype overrides: every `allOf`.
    rule!(flatten_all_of),
    // Properties the spec does not list would be dropped: every object with properties.
    rule!(keep_unknown_properties),
    // Empty arrays/maps would vanish on write (`exclude: []`): optional arrays and maps.
    rule!(optional_collections_keep_empty),
    // A union of one primitive type always takes its first member: `GracePeriod.expiry`.
    rule!(collapse_same_type_unions),
    // Inline discriminated `oneOf`s become untagged enums: `IdentityProvider.protocol`.
    rule!(name_inline_discriminated_unions, not_on: ["2024.08.3"]),
    // A `oneOf` without discriminator decodes as its first member: roles, JWKs, hook bodies.
    rule!(discriminate_untagged_one_of),
    // `anyOf`s of all-optional objects take the first member: `GroupProfile`, `_links`, bodies.
    rule!(merge_object_unions),
    // typify ignores discriminators (subtype fields lost): every discriminated base (`Application`, …).
    rule!(tagged_discriminator_unions),
    // Examples are not needed to generate (a third of the document): components, media types.
    rule!(drop_examples),
    // Code blocks in descriptions would be doctests that cannot compile: every fenced block.
    rule!(plain_text_code_blocks),
];

/// What the pass found and changed; consumed by the emitter (`emit/`) and the feature pruning (`groups.rs`).
#[derive(Default)]
pub struct Normalised {
    /// Every operation of the original spec: (operationId, METHOD, path, cargo feature group).
    pub operations: Vec<(String, String, String, &'static str)>,
    /// Operations taken out of progenitor's input and written by hand (multipart uploads).
    pub hand_written: BTreeSet<String>,
    /// operationId -> real request media type, for bodies progenitor sends as raw bytes/text or as plain JSON.
    pub body_media_types: BTreeMap<String, String>,
    /// Open string enums: schema name -> values.
    pub open_enums: BTreeMap<String, Vec<String>>,
    /// Discriminated unions, by base schema name.
    pub polymorphic: BTreeMap<String, Union>,
    /// Operations whose list response was corrected from an object to an array.
    pub array_responses: Vec<String>,
    /// Operations that have an `after` query parameter (paged lists).
    pub paged: BTreeSet<String>,
    /// operationId -> the OAuth 2.0 scopes its `security` requires of an access token (all of them; empty when no
    /// requirement names `oauth2`: an API token only, or no authentication).
    pub oauth_scopes: BTreeMap<String, Vec<String>>,
    /// JSON bodies: (operationId, "request" or the status code, JSON pointer to the schema in the document).
    pub bodies: Vec<(String, String, String)>,
    /// A line per transformation: (name, count of places touched).
    pub log: Vec<(&'static str, usize)>,
}

/// A discriminated union emitted as a `tagged_union!`.
pub struct Union {
    /// The discriminator property.
    pub property: String,
    /// (value, subtype schema), as the spec (or [`discriminate_untagged_one_of`]) maps them.
    pub mapping: Vec<(String, String)>,
    /// The subtype for values the mapping lacks (and for no value), where one member does not declare the property.
    pub fallback: Option<String>,
}

/// A named transformation; returns how many places it touched.
type Transform = fn(&mut Value, &mut Normalised) -> usize;

/// One rule of the pass: its name, its function, and the vetted spec versions it is known not to apply to (a rule
/// that touches nothing on any other vetted spec fails the build, so a rule that silently stopped matching after a
/// spec update is noticed).
pub struct Rule {
    pub name: &'static str,
    pub apply: Transform,
    pub not_on: &'static [&'static str],
}

/// The cargo feature group of an operation (from `groups::TagGroups::feature_of`; a function here, so that the pass
/// does not depend on `groups`, which depends on the pass's output).
pub type FeatureOf<'a> = &'a dyn Fn(&Value) -> &'static str;

/// Runs every rule, in order. `vetted` is the version of a vetted spec (rules must match on it), or `None`.
pub fn run(doc: &mut Value, feature_of: FeatureOf<'_>, vetted: Option<&str>) -> Result<Normalised, String> {
    if !doc.pointer("/components/schemas").is_some_and(Value::is_object)
        || !doc.get("paths").is_some_and(Value::is_object)
    {
        return Err("the spec has no `paths` or no `components.schemas` object".into());
    }
    let mut n = Normalised {
        operations: list_operations(doc, feature_of),
        paged: paged_operations(doc),
        oauth_scopes: oauth_scopes(doc),
        ..Normalised::default()
    };
    let mut idle = Vec::new();
    for rule in RULES {
        let touched = (rule.apply)(doc, &mut n);
        n.log.push((rule.name, touched));
        if let Some(version) = vetted {
            if touched == 0 && !rule.not_on.contains(&version) {
                idle.push(rule.name);
            }
        }
    }
    if !idle.is_empty() {
        return Err(format!(
            "normalisation rules touched nothing on vetted spec {}: {} (crates/codegen/src/normalise/). A rule \
             that stopped matching means the spec changed under it: fix the rule, or list the version in its `not_on`.",
            vetted.unwrap_or_default(),
            idle.join(", ")
        ));
    }
    Ok(n)
}

fn list_operations(doc: &mut Value, feature_of: FeatureOf<'_>) -> Vec<(String, String, String, &'static str)> {
    let mut ops = Vec::new();
    for_each_operation(doc, |id, method, path, op| {
        let group = feature_of(op);
        ops.push((id.to_string(), method.to_uppercase(), path.to_string(), group))
    });
    ops
}

/// Each operation's OAuth 2.0 scopes: those of the first `security` requirement naming `oauth2` (the operation's
/// own `security`, else the document's). OpenAPI requires every scope a requirement lists.
pub(crate) fn oauth_scopes(doc: &mut Value) -> BTreeMap<String, Vec<String>> {
    let global = doc.get("security").cloned();
    let mut scopes = BTreeMap::new();
    for_each_operation(doc, |id, _, _, op| {
        let security = op.get("security").or(global.as_ref()).and_then(Value::as_array);
        let listed = security
            .into_iter()
            .flatten()
            .find_map(|requirement| requirement.get("oauth2").and_then(Value::as_array))
            .map(|list| list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        scopes.insert(id.to_owned(), listed);
    });
    scopes
}

fn resolve_parameter<'a>(doc: &'a Value, p: &'a Value) -> &'a Value {
    match p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/parameters/")) {
        Some(name) => doc.pointer(&format!("/components/parameters/{name}")).unwrap_or(p),
        None => p,
    }
}

fn paged_operations(doc: &mut Value) -> BTreeSet<String> {
    let snapshot = doc.clone();
    let mut paged = BTreeSet::new();
    for_each_operation(doc, |id, _, path, op| {
        let path_params =
            snapshot.pointer(&format!("/paths/{}/parameters", path.replace('~', "~0").replace('/', "~1")));
        let params = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(path_params.and_then(Value::as_array).into_iter().flatten());
        for p in params {
            let p = resolve_parameter(&snapshot, p);
            if p.get("name").and_then(Value::as_str) == Some("after")
                && p.get("in").and_then(Value::as_str) == Some("query")
            {
                paged.insert(id.to_string());
            }
        }
    });
    paged
}
