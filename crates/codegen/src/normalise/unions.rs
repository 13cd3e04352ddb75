//! Rules on unions (`oneOf`/`anyOf`, discriminators): typify makes an untagged enum whose first member always
//! matches, and ignores discriminators; unions become one type, a merged object, or a tagged union emitted by codegen.

use super::walk::{ANNOTATIONS, hoist_property_schemas, schemas, walk_all_schemas};
use super::{Normalised, Union};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// A `oneOf`/`anyOf` whose members are all the same primitive type once validation is relaxed
/// (`GracePeriod.expiry`: a date-time or an ISO 8601 duration, both strings) is an untagged enum whose first
/// member always matches; it becomes that type, which keeps the value whichever member it is.
pub(super) fn collapse_same_type_unions(doc: &mut Value, _: &mut Normalised) -> usize {
    let components = schemas(doc).clone();
    let primitive = |m: &Value| -> Option<String> {
        // Through references, a few levels deep (`DateTime` → `Timestamp` → string).
        let mut m = m;
        for _ in 0..4 {
            match m.get("$ref").and_then(Value::as_str) {
                Some(r) => m = components.get(r.rsplit('/').next()?)?,
                None => break,
            }
        }
        let o = m.as_object()?;
        let ty = o.get("type")?.as_str()?;
        let plain =
            o.keys().all(|k| k == "type" || k == "format" || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"));
        (plain && matches!(ty, "string" | "integer" | "number" | "boolean")).then(|| ty.to_string())
    };
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        let Some((keyword, members)) = ["oneOf", "anyOf"].into_iter().find_map(|k| Some((k, s.get(k)?.as_array()?)))
        else {
            return;
        };
        let types: Option<BTreeSet<String>> = members.iter().map(primitive).collect();
        let Some(types) = types.filter(|t| t.len() == 1 && members.len() > 1) else { return };
        let ty = types.into_iter().next().unwrap_or_default();
        s.remove(keyword);
        s.insert("type".into(), json!(ty));
        count += 1;
    });
    count
}

/// `oneOf` without a discriminator is an untagged enum whose first member always matches (all properties are
/// optional): an OIDC identity provider's `protocol` decoded as SAML, a custom role as a standard one. When every
/// member pins a shared property to its own values (`type`: `SAML2` / `OIDC` / …, `CUSTOM`; the constant an
/// `eventType` description names), a discriminator mapping is derived (a value listed by several members goes to
/// the one listing fewest); one member that does not declare the property may take every other value (a signing
/// JWK beside the encryption key pinned to `use: enc`). Inline unions under component properties and their array
/// items get a component name first. Touches `DeviceIntegrationsMetadata`, the `executeInlineHook` body, the JWK
/// set's keys, the role responses (`StandardRole | CustomRole`), `verifyFactor`'s response.
pub(super) fn discriminate_untagged_one_of(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut count = 0;
    let components = schemas(doc).clone();
    // The members are existing components, so `components` still resolves them after the hoisting.
    hoist_property_schemas(doc, |slot| union_mapping(slot, &components, &n.open_enums).is_some());
    for s in schemas(doc).values_mut() {
        let Some(found) = union_mapping(s, &components, &n.open_enums) else { continue };
        let mapping: Map<String, Value> = found
            .mapping
            .into_iter()
            .map(|(value, target)| (value, json!(format!("#/components/schemas/{target}"))))
            .collect();
        if let Some(o) = s.as_object_mut() {
            let mut discriminator = json!({"propertyName": found.property, "mapping": mapping});
            if let (Some(fallback), Some(d)) = (found.fallback, discriminator.as_object_mut()) {
                d.insert("x-fallback".into(), json!(format!("#/components/schemas/{fallback}")));
            }
            o.insert("discriminator".into(), discriminator);
            count += 1;
        }
    }
    count
}

/// What tells the members of an untagged union apart (see [`discriminate_untagged_one_of`]).
struct DerivedDiscriminator {
    property: String,
    mapping: BTreeMap<String, String>,
    /// The member that does not declare the property: it takes any other value, and its absence.
    fallback: Option<String>,
}

/// For a `oneOf` of component references without a discriminator: the property and the value → member mapping
/// that tell its members apart, if there is one (see [`discriminate_untagged_one_of`]).
fn union_mapping(
    s: &Value,
    components: &Map<String, Value>,
    open_enums: &BTreeMap<String, Vec<String>>,
) -> Option<DerivedDiscriminator> {
    if s.get("discriminator").is_some() {
        return None;
    }
    let members: Vec<&str> = s
        .get("oneOf")?
        .as_array()?
        .iter()
        .map(|m| m.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()))
        .collect::<Option<_>>()?;
    if members.len() < 2 {
        return None;
    }
    // The values each member allows for `property`: the open enum its property refers to (`true`), else the one
    // constant its description names in backticks (`The token inline hook type is `com.okta.oauth2.tokens.transform``).
    let values_of = |member: &str, property: &str| -> Option<(Vec<String>, bool)> {
        let prop = components.get(member)?.get("properties")?.get(property)?;
        if let Some(target) = prop.get("$ref").and_then(Value::as_str) {
            return open_enums.get(target.rsplit('/').next()?).filter(|v| !v.is_empty()).map(|v| (v.clone(), true));
        }
        let description = prop.get("description")?.as_str()?;
        let quoted: Vec<&str> = description.split('`').skip(1).step_by(2).collect();
        match quoted.as_slice() {
            [only] if !only.is_empty() && !only.contains(' ') => Some((vec![only.to_string()], false)),
            _ => None,
        }
    };
    // A member that is itself a union discriminated by `property` cannot be the fallback for it.
    let discriminated_by = |member: &str, property: &str| {
        components.get(member).and_then(|m| m.pointer("/discriminator/propertyName")).and_then(Value::as_str)
            == Some(property)
    };
    let mut candidates: BTreeSet<&String> = BTreeSet::new();
    for member in &members {
        if let Some(props) = components.get(*member).and_then(|m| m.get("properties")).and_then(Value::as_object) {
            candidates.extend(props.keys());
        }
    }
    let mut candidates: Vec<&String> = candidates.into_iter().collect();
    // `type` first: it is Okta's discriminating property wherever one exists.
    candidates.sort_by_key(|p| p.as_str() != "type");
    // A property every member pins is preferred; only then one that all but one member pin to an enum constant.
    for allow_fallback in [false, true] {
        'property: for property in &candidates {
            let mut sets = Vec::new();
            let mut fallback = None;
            for member in &members {
                match values_of(member, property) {
                    Some((values, _)) if !allow_fallback => sets.push((*member, values)),
                    Some((values, true)) if values.len() == 1 => sets.push((*member, values)),
                    None if allow_fallback && fallback.is_none() && !discriminated_by(member, property) => {
                        fallback = Some(member.to_string())
                    }
                    _ => continue 'property,
                }
            }
            if sets.is_empty() {
                continue;
            }
            let mut mapping = BTreeMap::new();
            let all: BTreeSet<&String> = sets.iter().flat_map(|(_, v)| v.iter()).collect();
            for value in all {
                let mut owners: Vec<&(&str, Vec<String>)> = sets.iter().filter(|(_, v)| v.contains(value)).collect();
                owners.sort_by_key(|(_, v)| v.len());
                match owners.as_slice() {
                    [only] => mapping.insert(value.clone(), only.0.to_string()),
                    [a, b, ..] if a.1.len() < b.1.len() => mapping.insert(value.clone(), a.0.to_string()),
                    _ => continue 'property,
                };
            }
            if sets.iter().all(|(m, _)| mapping.values().any(|t| t == m)) {
                return Some(DerivedDiscriminator { property: property.to_string(), mapping, fallback });
            }
        }
    }
    None
}

/// `anyOf`, and `oneOf` without a discriminator, over objects become untagged enums whose first member always
/// matches (all properties are optional): a group's `profile` always decoded as `OktaUserGroupProfile` with the
/// Active Directory fields only in `extra`. Members whose shared properties agree are merged into one object.
/// Runs after [`discriminate_untagged_one_of`], which handles the unions a property can tell apart. Touches
/// `GroupProfile`, `UserFactorToken.verify`, two `_links` objects and five request bodies.
pub(super) fn merge_object_unions(doc: &mut Value, _: &mut Normalised) -> usize {
    let components = schemas(doc).clone();
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        if s.contains_key("discriminator") {
            return;
        }
        let Some((keyword, members)) = ["anyOf", "oneOf"].into_iter().find_map(|k| Some((k, s.get(k)?.as_array()?)))
        else {
            return;
        };
        let mut properties = Map::new();
        for member in members {
            let member = match member.get("$ref").and_then(Value::as_str) {
                Some(r) => match components.get(r.rsplit('/').next().unwrap_or_default()) {
                    Some(target) => target,
                    None => return,
                },
                None => member,
            };
            let Some(props) = member.get("properties").and_then(Value::as_object) else { return };
            if member.get("anyOf").is_some() || member.get("oneOf").is_some() || member.get("discriminator").is_some() {
                return;
            }
            for (name, schema) in props {
                match properties.get(name) {
                    Some(existing) if !same_schema(existing, schema) => return,
                    _ => {
                        properties.insert(name.clone(), schema.clone());
                    }
                }
            }
        }
        s.remove(keyword);
        s.insert("type".into(), json!("object"));
        s.insert("properties".into(), Value::Object(properties));
        s.insert("additionalProperties".into(), json!({}));
        count += 1;
    });
    count
}

/// Two property schemas agree when they are equal apart from their [`ANNOTATIONS`] and `x-` extensions.
fn same_schema(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
        }
        v
    };
    strip(a) == strip(b)
}

/// typify ignores `discriminator`: the 28 base schemas with a discriminator mapping (`Application`, `Policy`,
/// `PolicyRule`, `UserFactor`, ...) would become plain structs that drop every subtype field. Each becomes a
/// tagged union emitted by codegen (a variant per subtype plus `Unknown` keeping the whole JSON); the subtypes'
/// `allOf` still merges the base schema's properties.
pub(super) fn tagged_discriminator_unions(doc: &mut Value, n: &mut Normalised) -> usize {
    for (name, s) in schemas(doc).iter() {
        let Some(d) = s.get("discriminator") else { continue };
        let Some(property) = d.get("propertyName").and_then(Value::as_str) else { continue };
        let Some(mapping) = d.get("mapping").and_then(Value::as_object) else { continue };
        let mapping = mapping
            .iter()
            .filter_map(|(value, target)| Some((value.clone(), target.as_str()?.rsplit('/').next()?.to_string())))
            .collect();
        let fallback =
            d.get("x-fallback").and_then(Value::as_str).and_then(|t| t.rsplit('/').next()).map(str::to_string);
        n.polymorphic.insert(name.clone(), Union { property: property.to_string(), mapping, fallback });
    }
    n.polymorphic.len()
}
