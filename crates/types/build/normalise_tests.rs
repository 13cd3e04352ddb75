//! One small spec fragment in, the expected fragment out, for the rules added for spec 2026.06.3 and the checks
//! around them (run by `cargo test -p okta-management-types --test rules`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use super::*;

/// A document from YAML; `paths` and `components.schemas` default to empty.
fn doc(yaml: &str) -> Value {
    let mut d: Value = serde_norway::from_str(yaml).expect("fixture is YAML");
    if d.get("paths").is_none() {
        d["paths"] = json!({});
    }
    if d.pointer("/components/schemas").is_none() {
        d["components"]["schemas"] = json!({});
    }
    d
}

fn apply(rule: Transform, d: &mut Value) -> (usize, Normalised) {
    let mut n = Normalised::default();
    let touched = rule(d, &mut n);
    (touched, n)
}

#[test]
fn json_suffix_media_bodies_become_typed_json_with_their_media_type_kept() {
    let mut d = doc(r#"
paths:
  /aaguids/{id}:
    patch:
      operationId: updateCustomAAGUID
      requestBody:
        content:
          application/merge-patch+json:
            schema: {$ref: '#/components/schemas/Patch'}
"#);
    let (touched, n) = apply(json_bodies_for_json_suffix_media, &mut d);
    assert_eq!(touched, 1);
    let content = &d["paths"]["/aaguids/{id}"]["patch"]["requestBody"]["content"];
    assert_eq!(content, &json!({"application/json": {"schema": {"$ref": "#/components/schemas/Patch"}}}));
    assert_eq!(n.body_media_types["updateCustomAAGUID"], "application/merge-patch+json");
}

#[test]
fn untyped_json_responses_get_a_schema_also_through_a_ref() {
    let mut d = doc(r#"
paths:
  /f:
    get:
      operationId: getF
      responses:
        '200': {description: ok, content: {application/json: {}}}
        '401': {$ref: '#/components/responses/NotEnabled'}
components:
  responses:
    NotEnabled: {description: no, content: {application/json: {examples: {}}}}
"#);
    let (touched, _) = apply(schema_for_untyped_json_responses, &mut d);
    assert_eq!(touched, 2);
    let responses = &d["paths"]["/f"]["get"]["responses"];
    assert_eq!(responses["200"]["content"]["application/json"]["schema"], json!({}));
    assert_eq!(
        responses["401"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Error"})
    );
}

#[test]
fn error_responses_of_one_operation_share_the_most_used_schema() {
    let mut d = doc(r#"
paths:
  /s:
    put:
      operationId: replaceEmailSettings
      responses:
        '200': {description: ok}
        '400': {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        '404': {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        '409': {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Error409'}}}}
"#);
    let (touched, _) = apply(one_error_type_per_operation, &mut d);
    assert_eq!(touched, 1);
    let schema = &d["paths"]["/s"]["put"]["responses"]["409"]["content"]["application/json"]["schema"];
    assert_eq!(schema, &json!({"$ref": "#/components/schemas/Error"}));
}

#[test]
fn two_success_types_become_one_union_and_a_bodyless_success_takes_the_typed_one() {
    let mut d = doc(r#"
paths:
  /v:
    post:
      operationId: verifyFactor
      responses:
        '200': {description: a, content: {application/json: {schema: {$ref: '#/components/schemas/Done'}}}}
        '201': {description: b, content: {application/json: {schema: {$ref: '#/components/schemas/Waiting'}}}}
  /r:
    post:
      operationId: assignRole
      responses:
        '200': {description: a, content: {application/json: {schema: {$ref: '#/components/schemas/Role'}}}}
        '201': {description: b}
"#);
    let (touched, _) = apply(one_success_type_per_operation, &mut d);
    assert_eq!(touched, 4);
    let v = &d["paths"]["/v"]["post"]["responses"];
    let named = json!({"$ref": "#/components/schemas/VerifyFactorResponse"});
    assert_eq!(v["200"]["content"]["application/json"]["schema"], named);
    assert_eq!(v["201"]["content"]["application/json"]["schema"], named);
    assert_eq!(
        d["components"]["schemas"]["VerifyFactorResponse"],
        json!({"oneOf": [{"$ref": "#/components/schemas/Done"}, {"$ref": "#/components/schemas/Waiting"}]})
    );
    let r = &d["paths"]["/r"]["post"]["responses"];
    assert_eq!(r["201"]["content"]["application/json"]["schema"], json!({"$ref": "#/components/schemas/Role"}));
}

#[test]
fn a_list_declared_with_one_object_returns_an_array_but_wrappers_stay() {
    let mut d = doc(r#"
paths:
  /enrollments:
    get:
      operationId: listAuthenticatorEnrollments
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Enrollment'}}}}}
  /roles:
    get:
      operationId: listRoles
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Roles'}}}}}
  /role:
    get:
      operationId: getRole
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Enrollment'}}}}}
components:
  schemas:
    Enrollment: {type: object, properties: {id: {type: string}}}
    Roles: {type: object, properties: {roles: {type: array, items: {type: object}}}}
"#);
    let (touched, n) = apply(array_response_for_list_operations, &mut d);
    assert_eq!((touched, n.array_responses), (1, vec!["listAuthenticatorEnrollments".to_string()]));
    let schema = |p: &str| d["paths"][p]["get"]["responses"]["200"]["content"]["application/json"]["schema"].clone();
    assert_eq!(schema("/enrollments"), json!({"type": "array", "items": {"$ref": "#/components/schemas/Enrollment"}}));
    assert_eq!(schema("/roles"), json!({"$ref": "#/components/schemas/Roles"}));
    assert_eq!(schema("/role"), json!({"$ref": "#/components/schemas/Enrollment"}));
}

#[test]
fn map_values_declared_as_empty_objects_become_any_json() {
    let mut d = doc(r#"
components:
  schemas:
    Verify:
      type: object
      properties:
        profile: {type: object, additionalProperties: {type: object, properties: {}}}
        typed: {type: object, additionalProperties: {type: object, properties: {a: {type: string}}}}
"#);
    let (touched, _) = apply(untyped_map_values_are_any_json, &mut d);
    assert_eq!(touched, 1);
    let props = &d["components"]["schemas"]["Verify"]["properties"];
    assert_eq!(props["profile"]["additionalProperties"], json!({}));
    assert_eq!(props["typed"]["additionalProperties"]["properties"]["a"], json!({"type": "string"}));
}

#[test]
fn inline_union_members_are_named_after_the_value_they_pin() {
    let mut d = doc(r#"
components:
  schemas:
    Metadata:
      oneOf:
        - {type: object, properties: {type: {type: string, enum: [CHROME]}, email: {type: string}}}
        - {type: object, properties: {type: {type: string, enum: [WORKSPACE_ONE]}}}
        - {type: object, properties: {x: {type: string}}}
"#);
    let (touched, _) = apply(name_inline_union_members, &mut d);
    assert_eq!(touched, 3);
    let s = &d["components"]["schemas"];
    assert_eq!(
        s["Metadata"]["oneOf"],
        json!([{"$ref": "#/components/schemas/MetadataChrome"}, {"$ref": "#/components/schemas/MetadataWorkspaceOne"},
               {"$ref": "#/components/schemas/MetadataVariant2"}])
    );
    assert_eq!(s["MetadataChrome"]["properties"]["email"], json!({"type": "string"}));
}

#[test]
fn unions_of_one_primitive_type_collapse_to_it() {
    let mut d = doc(r#"
components:
  schemas:
    DateTime: {type: string, format: date-time}
    Duration: {type: string}
    Grace:
      type: object
      properties:
        expiry: {oneOf: [{$ref: '#/components/schemas/DateTime'}, {$ref: '#/components/schemas/Duration'}]}
        mixed: {oneOf: [{type: string}, {type: integer}]}
"#);
    let (touched, _) = apply(collapse_same_type_unions, &mut d);
    assert_eq!(touched, 1);
    let props = &d["components"]["schemas"]["Grace"]["properties"];
    assert_eq!(props["expiry"], json!({"type": "string"}));
    assert!(props["mixed"].get("oneOf").is_some(), "different types stay a union");
}

#[test]
fn inline_discriminated_unions_under_properties_become_components() {
    let mut d = doc(r#"
components:
  schemas:
    IdentityProvider:
      type: object
      properties:
        protocol:
          oneOf: [{$ref: '#/components/schemas/Saml'}, {$ref: '#/components/schemas/Oidc'}]
          discriminator: {propertyName: type, mapping: {SAML2: '#/components/schemas/Saml', OIDC: '#/components/schemas/Oidc'}}
        name: {type: string}
"#);
    let (touched, _) = apply(name_inline_discriminated_unions, &mut d);
    assert_eq!(touched, 1);
    let s = &d["components"]["schemas"];
    assert_eq!(
        s["IdentityProvider"]["properties"]["protocol"],
        json!({"$ref": "#/components/schemas/IdentityProviderProtocol"})
    );
    assert_eq!(s["IdentityProviderProtocol"]["discriminator"]["propertyName"], "type");
}

/// The members of an untagged union, with the open enums `open_string_enums` would have made.
fn union_fixture(members: &str) -> (Value, Normalised) {
    let d = doc(members);
    let mut n = Normalised::default();
    n.open_enums.insert("EncUse".into(), vec!["enc".into()]);
    n.open_enums.insert("RoleType".into(), vec!["SUPER_ADMIN".into(), "ORG_ADMIN".into()]);
    n.open_enums.insert("CustomType".into(), vec!["CUSTOM".into()]);
    n.open_enums.insert("Status".into(), vec!["ACTIVE".into(), "INACTIVE".into()]);
    (d, n)
}

#[test]
fn untagged_unions_get_a_discriminator_from_pinned_values() {
    let (mut d, mut n) = union_fixture(
        r#"
components:
  schemas:
    Standard: {type: object, properties: {type: {$ref: '#/components/schemas/RoleType'}}}
    Custom: {type: object, properties: {type: {$ref: '#/components/schemas/CustomType'}}}
    Role: {oneOf: [{$ref: '#/components/schemas/Standard'}, {$ref: '#/components/schemas/Custom'}]}
"#,
    );
    assert_eq!(discriminate_untagged_one_of(&mut d, &mut n), 1);
    let disc = &d["components"]["schemas"]["Role"]["discriminator"];
    assert_eq!(disc["propertyName"], "type");
    assert_eq!(disc["mapping"]["CUSTOM"], "#/components/schemas/Custom");
    assert_eq!(disc["mapping"]["ORG_ADMIN"], "#/components/schemas/Standard");
    assert!(disc.get("x-fallback").is_none());
}

#[test]
fn a_member_that_does_not_declare_the_property_is_the_fallback_but_never_on_its_own_discriminator() {
    // A JWK set: encryption keys pin `use: enc`; signing keys are themselves a union on `kty` and have no `use`.
    let (mut d, mut n) = union_fixture(
        r#"
components:
  schemas:
    Rsa: {type: object, properties: {kty: {type: string}}}
    Signing:
      oneOf: [{$ref: '#/components/schemas/Rsa'}]
      discriminator: {propertyName: kty, mapping: {RSA: '#/components/schemas/Rsa'}}
    Encryption: {type: object, properties: {use: {$ref: '#/components/schemas/EncUse'}, kty: {$ref: '#/components/schemas/CustomType'}}}
    Keys: {oneOf: [{$ref: '#/components/schemas/Signing'}, {$ref: '#/components/schemas/Encryption'}]}
"#,
    );
    assert_eq!(discriminate_untagged_one_of(&mut d, &mut n), 1);
    let disc = &d["components"]["schemas"]["Keys"]["discriminator"];
    assert_eq!(disc["propertyName"], "use", "not `kty`, the fallback member's own discriminator");
    assert_eq!(disc["mapping"], json!({"enc": "#/components/schemas/Encryption"}));
    assert_eq!(disc["x-fallback"], "#/components/schemas/Signing");
}

#[test]
fn documented_constants_discriminate_but_a_multi_valued_enum_is_never_a_fallback_key() {
    let (mut d, mut n) = union_fixture(
        r#"
components:
  schemas:
    Token: {type: object, properties: {eventType: {type: string, description: 'The token inline hook type is `com.okta.oauth2.tokens.transform`.'}}}
    Import: {type: object, properties: {eventType: {type: string, description: 'The user import inline hook type is `com.okta.import.transform`.'}}}
    Hook: {oneOf: [{$ref: '#/components/schemas/Token'}, {$ref: '#/components/schemas/Import'}]}
    A: {type: object, properties: {status: {$ref: '#/components/schemas/Status'}}}
    B: {type: object, properties: {name: {type: string}}}
    AorB: {oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}
"#,
    );
    assert_eq!(discriminate_untagged_one_of(&mut d, &mut n), 1);
    let s = &d["components"]["schemas"];
    assert_eq!(s["Hook"]["discriminator"]["mapping"]["com.okta.import.transform"], "#/components/schemas/Import");
    assert!(s["AorB"].get("discriminator").is_none(), "`status: ACTIVE|INACTIVE` says nothing about B");
}

#[test]
fn a_rule_that_touches_nothing_on_a_vetted_spec_fails_the_build_by_name() {
    let groups = crate::groups::TagGroups::from_tag_groups(&Value::Null);
    let mut d = doc("openapi: 3.0.3\n");
    let err = run(&mut d, &groups, Some("2026.06.3")).err().expect("an empty spec matches no rule");
    assert!(err.contains("touched nothing on vetted spec 2026.06.3"), "{err}");
    assert!(err.contains("hoist_inline_hook_payloads") && err.contains("not_on"), "{err}");
    // An unvetted spec is not held to it.
    let mut d = doc("openapi: 3.0.3\n");
    assert!(run(&mut d, &groups, None).is_ok());
}

#[test]
fn operations_are_grouped_by_x_tag_groups_with_overrides_and_a_catch_all() {
    let groups = crate::groups::TagGroups::from_tag_groups(&json!([
        {"name": "Users", "tags": ["User", "UserRisk"]},
        {"name": "Access Controls", "tags": ["Policy", "NetworkZone"]},
        {"name": "Something New", "tags": ["Brand New"]}
    ]));
    let op = |tag: &str| json!({"operationId": "x", "tags": [tag]});
    assert_eq!(groups.feature_of(&op("UserRisk")), "users");
    assert_eq!(groups.feature_of(&op("NetworkZone")), "security");
    assert_eq!(groups.feature_of(&op("Policy")), "policies", "override");
    assert_eq!(groups.feature_of(&op("Brand New")), crate::groups::CATCH_ALL, "unknown tag group");
    assert_eq!(groups.feature_of(&op("Untagged")), crate::groups::CATCH_ALL);
}
