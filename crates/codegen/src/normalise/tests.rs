//! The rules' unit tests: one small spec fragment in, the expected fragment out and the count of places touched;
//! one test at least per entry of [`RULES`] ([`every_rule_has_a_test`]), plus the checks around the pass (run by
//! `cargo test -p okta-management-codegen`).

use super::*;
use serde_json::json;

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
        json!({"$ref": "#/components/schemas/ErrorBody"})
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
        - {type: object, title: 'token:software:totp', properties: {passCode: {type: string}}}
"#);
    let (touched, _) = apply(name_inline_union_members, &mut d);
    assert_eq!(touched, 4);
    let s = &d["components"]["schemas"];
    assert_eq!(
        s["Metadata"]["oneOf"],
        json!([{"$ref": "#/components/schemas/MetadataChrome"}, {"$ref": "#/components/schemas/MetadataWorkspaceOne"},
               {"$ref": "#/components/schemas/MetadataVariant2"}, {"$ref": "#/components/schemas/MetadataTokenSoftwareTotp"}])
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
    let mut d = doc("openapi: 3.0.3\n");
    let err = run(&mut d, &|_| "users", Some("2026.06.3")).err().expect("an empty spec matches no rule");
    assert!(err.contains("touched nothing on vetted spec 2026.06.3"), "{err}");
    assert!(err.contains("rename_case_colliding_schemas") && err.contains("not_on"), "{err}");
    // An unvetted spec is not held to it.
    let mut d = doc("openapi: 3.0.3\n");
    assert!(run(&mut d, &|_| "users", None).is_ok());
}

// ---------------------------------------------------------------------------------------------------------------
// The other rules, in `RULES` order.

#[test]
fn case_colliding_schema_names_are_renamed_and_references_follow() {
    let mut d = doc(r#"
components:
  schemas:
    AppLink: {type: object, properties: {href: {type: string}}}
    appLink: {type: object, properties: {self: {$ref: '#/components/schemas/HrefLink'}, next: {$ref: '#/components/schemas/HrefLink'}}}
    UserType: {type: string}
    userType: {type: object, properties: {id: {type: string}}}
    App:
      type: object
      properties: {links: {$ref: '#/components/schemas/appLink'}, kind: {$ref: '#/components/schemas/userType'}}
"#);
    let (touched, _) = apply(rename_case_colliding_schemas, &mut d);
    assert_eq!(touched, 2);
    let s = &d["components"]["schemas"];
    assert!(s.get("appLink").is_none() && s.get("userType").is_none());
    assert_eq!(s["AppLinkLinks"]["properties"]["next"], json!({"$ref": "#/components/schemas/HrefLink"}), "all links");
    assert_eq!(s["UserTypeObject"]["properties"]["id"], json!({"type": "string"}));
    assert_eq!(s["App"]["properties"]["links"], json!({"$ref": "#/components/schemas/AppLinkLinks"}));
    assert_eq!(s["App"]["properties"]["kind"], json!({"$ref": "#/components/schemas/UserTypeObject"}));
    assert_eq!(s["AppLink"]["properties"]["href"], json!({"type": "string"}), "the upper-case name keeps its schema");
}

#[test]
fn annotations_attached_to_a_reference_as_all_of_parts_become_the_reference() {
    let mut d = doc(r#"
components:
  schemas:
    User:
      type: object
      properties:
        created: {allOf: [{$ref: '#/components/schemas/Created'}, {readOnly: true}, {example: '2024-01-01'}], description: When}
        both: {allOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}
        own: {type: object, allOf: [{$ref: '#/components/schemas/A'}, {readOnly: true}]}
        alone: {allOf: [{$ref: '#/components/schemas/Kind'}], description: Which kind}
    Simple: {allOf: [{$ref: '#/components/schemas/Base'}], description: A subtype declaration}
"#);
    let (touched, _) = apply(unwrap_annotated_refs, &mut d);
    assert_eq!(touched, 2);
    assert_eq!(
        d["components"]["schemas"]["User"]["properties"]["alone"],
        json!({"$ref": "#/components/schemas/Kind", "description": "Which kind"}),
        "a reference wrapped alone to annotate it is the reference"
    );
    assert!(d["components"]["schemas"]["Simple"].get("allOf").is_some(), "a component declaring a subtype stays one");
    let props = &d["components"]["schemas"]["User"]["properties"];
    assert_eq!(props["created"], json!({"$ref": "#/components/schemas/Created", "description": "When"}));
    assert!(props["both"].get("allOf").is_some(), "two references stay a composition");
    assert!(props["own"].get("allOf").is_some(), "a schema with a type of its own is not only annotations");
}

#[test]
fn shared_bodies_are_copied_into_their_operations_but_shared_errors_stay_references() {
    let mut d = doc(r#"
paths:
  /users:
    post:
      operationId: createUser
      requestBody: {$ref: '#/components/requestBodies/UserBody'}
      responses:
        '200': {$ref: '#/components/responses/UserResponse'}
        '400': {$ref: '#/components/responses/ErrorResponse'}
components:
  requestBodies:
    UserBody: {content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
  responses:
    UserResponse: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
    ErrorResponse: {description: e}
"#);
    let (touched, _) = apply(inline_shared_bodies, &mut d);
    assert_eq!(touched, 2);
    let op = &d["paths"]["/users"]["post"];
    let user = json!({"application/json": {"schema": {"$ref": "#/components/schemas/User"}}});
    assert_eq!(op["requestBody"]["content"], user);
    assert_eq!(op["responses"]["200"], json!({"description": "ok", "content": user}));
    assert_eq!(op["responses"]["400"], json!({"$ref": "#/components/responses/ErrorResponse"}));
}

#[test]
fn multipart_operations_are_taken_out_and_listed_as_hand_written() {
    let mut d = doc(r#"
paths:
  /brands/{id}/logo:
    post:
      operationId: uploadBrandThemeLogo
      requestBody: {content: {multipart/form-data: {schema: {type: object}}}}
      responses: {'201': {description: ok}}
    delete:
      operationId: deleteBrandThemeLogo
      responses: {'204': {description: ok}}
"#);
    let (touched, n) = apply(take_out_multipart_operations, &mut d);
    assert_eq!(touched, 1);
    let item = &d["paths"]["/brands/{id}/logo"];
    assert!(item.get("post").is_none());
    assert_eq!(item["delete"]["operationId"], "deleteBrandThemeLogo");
    assert_eq!(n.hand_written.into_iter().collect::<Vec<_>>(), vec!["uploadBrandThemeLogo".to_string()]);
}

#[test]
fn non_json_bodies_become_one_raw_body_with_the_real_media_type_kept() {
    let mut d = doc(r#"
paths:
  /csr:
    post:
      operationId: publishCsrFromApplication
      requestBody:
        content:
          application/x-x509-ca-cert: {schema: {type: string, format: binary}}
          application/pkix-cert: {schema: {type: string, format: binary}}
          application/x-pem-file: {schema: {type: string}}
  /set:
    post:
      operationId: publishSecurityEventTokens
      requestBody: {content: {application/secevent+jwt: {schema: {type: string}}}}
  /json:
    post:
      operationId: createThing
      requestBody: {content: {application/json: {schema: {type: object}}}}
"#);
    let (touched, n) = apply(raw_bodies_for_non_json_media, &mut d);
    assert_eq!(touched, 2);
    let content = |p: &str| d["paths"][p]["post"]["requestBody"]["content"].clone();
    assert_eq!(
        content("/csr"),
        json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}),
        "PEM preferred among the certificate types, sent as bytes"
    );
    assert_eq!(content("/set"), json!({"text/plain": {"schema": {"type": "string"}}}), "a JWT is text");
    assert_eq!(content("/json"), json!({"application/json": {"schema": {"type": "object"}}}));
    assert_eq!(n.body_media_types["publishCsrFromApplication"], "application/x-pem-file");
    assert_eq!(n.body_media_types["publishSecurityEventTokens"], "application/secevent+jwt");
    assert!(!n.body_media_types.contains_key("createThing"));
}

#[test]
fn bodyless_errors_beside_typed_ones_get_the_error_schema() {
    let mut d = doc(r#"
paths:
  /sessions/{id}:
    get:
      operationId: getSession
      responses:
        '200': {description: ok}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {description: not found}
  /other:
    get:
      operationId: getOther
      responses:
        '200': {description: ok}
        '404': {description: not found}
"#);
    let (touched, _) = apply(error_schema_for_bodyless_errors, &mut d);
    assert_eq!(touched, 1);
    let session = &d["paths"]["/sessions/{id}"]["get"]["responses"];
    assert_eq!(
        session["404"]["content"],
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}})
    );
    assert!(session["200"].get("content").is_none(), "successes are not errors");
    assert!(d["paths"]["/other"]["get"]["responses"]["404"].get("content").is_none(), "no typed error beside it");
}

#[test]
fn path_parameters_are_always_required() {
    let mut d = doc(r#"
paths:
  /hooks/{id}/keys/{keyId}:
    get:
      operationId: getHookKey
      parameters:
        - {name: keyId, in: path, schema: {type: string}}
        - {name: q, in: query, schema: {type: string}}
components:
  parameters:
    pathId: {name: id, in: path, required: false, schema: {type: string}}
"#);
    let (touched, _) = apply(require_path_parameters, &mut d);
    assert_eq!(touched, 2);
    let params = &d["paths"]["/hooks/{id}/keys/{keyId}"]["get"]["parameters"];
    assert_eq!(params[0]["required"], true);
    assert!(params[1].get("required").is_none(), "query parameters stay optional");
    assert_eq!(d["components"]["parameters"]["pathId"]["required"], true);
}

#[test]
fn inline_bodies_are_named_after_their_operation_and_listed() {
    let mut d = doc(r#"
paths:
  /users:
    post:
      operationId: createUser
      requestBody: {content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {type: object, properties: {id: {type: string}}}}}}}
        '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
components:
  schemas:
    CreateUserBody: {type: string}
"#);
    let (touched, n) = apply(name_inline_bodies, &mut d);
    assert_eq!(touched, 2);
    let s = &d["components"]["schemas"];
    assert_eq!(
        s["CreateUserBodyObject"]["properties"]["name"],
        json!({"type": "string"}),
        "a taken name says what the schema is"
    );
    assert_eq!(s["CreateUserResponseItem"]["properties"]["id"], json!({"type": "string"}));
    let pointers: Vec<(&str, &str)> = n.bodies.iter().map(|(id, which, _)| (id.as_str(), which.as_str())).collect();
    assert_eq!(pointers, [("createUser", "request"), ("createUser", "200"), ("createUser", "201")]);
    assert_eq!(d.pointer(&n.bodies[0].2), Some(&json!({"$ref": "#/components/schemas/CreateUserBodyObject"})));
    assert_eq!(
        d.pointer(&n.bodies[1].2).unwrap()["items"],
        json!({"$ref": "#/components/schemas/CreateUserResponseItem"})
    );
    assert_eq!(d.pointer(&n.bodies[2].2), Some(&json!({"$ref": "#/components/schemas/User"})));
}

#[test]
fn unexploded_array_query_parameters_become_comma_separated_lists() {
    let mut d = doc(r#"
paths:
  /users/{id}:
    get:
      operationId: getUser
      parameters:
        - {name: expand, in: query, explode: false, schema: {type: array, items: {type: string}}}
        - {name: filter, in: query, schema: {type: array, items: {type: string}}}
components:
  parameters:
    queryExpand: {name: expand, in: query, explode: false, schema: {type: array, items: {type: string}}}
"#);
    let (touched, _) = apply(comma_separated_expand_parameters, &mut d);
    assert_eq!(touched, 2);
    let list = json!({"$ref": "#/components/schemas/CommaSeparatedList"});
    let params = &d["paths"]["/users/{id}"]["get"]["parameters"];
    assert_eq!(params[0]["schema"], list);
    assert_eq!(params[1]["schema"]["type"], "array", "exploded arrays repeat the key, as progenitor sends them");
    assert_eq!(d["components"]["parameters"]["queryExpand"]["schema"], list);
    assert_eq!(d["components"]["schemas"]["CommaSeparatedList"], json!({"type": "array", "items": {"type": "string"}}));
}

#[test]
fn validation_keywords_and_strict_formats_are_removed() {
    let mut d = doc(r#"
components:
  schemas:
    Account:
      type: object
      properties:
        name: {type: string, pattern: '(?i)^[a-z]+$', minLength: 1, maxLength: 64}
        email: {type: string, format: email}
        created: {type: string, format: date-time}
        count: {type: integer, format: int32, minimum: 0}
        tags: {type: array, items: {type: string}, minItems: 2, maxItems: 2, uniqueItems: true}
"#);
    let (touched, _) = apply(relax_validation_constraints, &mut d);
    assert_eq!(touched, 9);
    let props = &d["components"]["schemas"]["Account"]["properties"];
    assert_eq!(props["name"], json!({"type": "string"}));
    assert_eq!(props["email"], json!({"type": "string"}));
    assert_eq!(props["created"], json!({"type": "string"}), "timestamps stay the strings Okta sent");
    assert_eq!(props["count"], json!({"type": "integer", "format": "int32"}), "numeric formats stay");
    assert_eq!(props["tags"], json!({"type": "array", "items": {"type": "string"}}));
}

#[test]
fn pass_codes_declared_integer_become_strings() {
    let mut d = doc(r#"
components:
  schemas:
    VerifySymantec:
      type: object
      properties:
        passCode: {type: string}
        nextPassCode: {type: integer, format: int32}
        other: {type: integer}
"#);
    let (touched, _) = apply(pass_codes_are_strings, &mut d);
    assert_eq!(touched, 1);
    let props = &d["components"]["schemas"]["VerifySymantec"]["properties"];
    assert_eq!(props["nextPassCode"], json!({"type": "string"}));
    assert_eq!(props["other"], json!({"type": "integer"}));
}

#[test]
fn defaults_are_dropped_valid_or_not() {
    let mut d = doc(r#"
components:
  schemas:
    Policy:
      type: object
      properties:
        priority: {type: integer, default: first}
        status: {type: string, default: null}
        name: {type: string}
"#);
    let (touched, _) = apply(drop_defaults, &mut d);
    assert_eq!(touched, 2);
    let props = &d["components"]["schemas"]["Policy"]["properties"];
    assert_eq!(props["priority"], json!({"type": "integer"}));
    assert_eq!(props["status"], json!({"type": "string"}));
}

#[test]
fn required_is_dropped_from_every_object() {
    let mut d = doc(r#"
components:
  schemas:
    User:
      type: object
      required: [id, profile]
      properties:
        id: {type: string, readOnly: true}
        profile: {type: object, required: [login], properties: {login: {type: string}}}
"#);
    let (touched, _) = apply(drop_required, &mut d);
    assert_eq!(touched, 2);
    let user = &d["components"]["schemas"]["User"];
    assert!(user.get("required").is_none() && user["properties"]["profile"].get("required").is_none());
}

#[test]
fn non_string_enums_lose_their_values_and_duplicates_go() {
    let mut d = doc(r#"
components:
  schemas:
    Flag: {type: boolean, enum: [true]}
    Level: {type: integer, enum: [1, 2]}
    Schedule: {type: string, enum: [BY_DATE_TIME, BY_DATE_TIME, DAILY]}
    Status: {type: string, enum: [ACTIVE]}
"#);
    let (touched, _) = apply(close_non_string_enums, &mut d);
    assert_eq!(touched, 3);
    let s = &d["components"]["schemas"];
    assert_eq!(s["Flag"], json!({"type": "boolean"}));
    assert_eq!(s["Level"], json!({"type": "integer"}));
    assert_eq!(s["Schedule"]["enum"], json!(["BY_DATE_TIME", "DAILY"]));
    assert_eq!(s["Status"]["enum"], json!(["ACTIVE"]));
}

#[test]
fn string_enums_become_open_enums_and_inline_ones_are_hoisted() {
    let mut d = doc(r#"
components:
  schemas:
    Status: {type: string, enum: [ACTIVE, INACTIVE]}
    User:
      type: object
      properties:
        status: {$ref: '#/components/schemas/Status'}
        kind: {type: string, enum: [A, B], description: The kind}
        mode: {type: string, enum: [X]}
    Group:
      type: object
      properties:
        kind: {type: string, enum: [A, B]}
"#);
    let (touched, n) = apply(open_string_enums, &mut d);
    assert_eq!(touched, 4);
    let s = &d["components"]["schemas"];
    assert_eq!(s["Status"], json!({"type": "string"}), "the values move to the open enum");
    assert_eq!(
        s["User"]["properties"]["kind"],
        json!({"$ref": "#/components/schemas/UserKind", "description": "The kind"})
    );
    assert_eq!(s["UserKind"], json!({"type": "string"}));
    assert_eq!(s["Group"]["properties"]["kind"], json!({"$ref": "#/components/schemas/GroupKind"}));
    let enums: Vec<(&str, usize)> = n.open_enums.iter().map(|(k, v)| (k.as_str(), v.len())).collect();
    assert_eq!(enums, [("GroupKind", 2), ("Status", 2), ("UserKind", 2), ("UserMode", 1)]);
}

#[test]
fn inline_objects_under_properties_get_unique_component_names() {
    let mut d = doc(r#"
components:
  schemas:
    AppLink: {type: object, properties: {href: {type: string}}}
    App:
      type: object
      properties:
        link:
          type: object
          properties: {href: {type: string}, nested: {type: object, properties: {a: {type: string}}}}
        entries: {type: array, items: {type: object, properties: {id: {type: string}}}}
        plain: {type: string}
"#);
    let (touched, _) = apply(name_inline_objects, &mut d);
    assert_eq!(touched, 3);
    let s = &d["components"]["schemas"];
    assert_eq!(
        s["App"]["properties"]["link"],
        json!({"$ref": "#/components/schemas/AppLinkObject"}),
        "AppLink is taken"
    );
    assert_eq!(s["App"]["properties"]["entries"]["items"], json!({"$ref": "#/components/schemas/AppEntriesItem"}));
    assert_eq!(s["App"]["properties"]["plain"], json!({"type": "string"}));
    assert_eq!(s["AppLinkObject"]["properties"]["nested"], json!({"$ref": "#/components/schemas/AppLinkObjectNested"}));
    assert_eq!(s["AppLinkObjectNested"]["properties"]["a"], json!({"type": "string"}));
}

#[test]
fn all_of_inheritance_is_flattened_with_the_subtype_overriding() {
    let mut d = doc(r#"
components:
  schemas:
    Name: {type: string}
    Policy:
      type: object
      discriminator: {propertyName: type}
      properties: {id: {type: string}, type: {type: string}, conditions: {type: object}}
    PasswordPolicy:
      description: A password policy
      allOf:
        - $ref: '#/components/schemas/Policy'
        - type: object
          properties: {conditions: {$ref: '#/components/schemas/PasswordConditions'}}
    Named:
      allOf: [{$ref: '#/components/schemas/Name'}]
"#);
    let (touched, _) = apply(flatten_all_of, &mut d);
    assert_eq!(touched, 2);
    let s = &d["components"]["schemas"];
    assert_eq!(
        s["PasswordPolicy"],
        json!({
            "type": "object",
            "description": "A password policy",
            "properties": {
                "id": {"type": "string"},
                "type": {"type": "string"},
                "conditions": {"$ref": "#/components/schemas/PasswordConditions"}
            }
        })
    );
    assert!(s["Policy"].get("discriminator").is_some(), "the base keeps its discriminator");
    assert_eq!(s["Named"], json!({"$ref": "#/components/schemas/Name"}), "`allOf: [$ref]` is the reference");
}

#[test]
fn objects_with_properties_keep_unknown_ones_in_an_extra_map() {
    let mut d = doc(r#"
components:
  schemas:
    User: {type: object, properties: {id: {type: string}}}
    Closed: {type: object, additionalProperties: false, properties: {id: {type: string}}}
    Map: {type: object, additionalProperties: {type: string}}
    Empty: {type: object, properties: {}}
"#);
    let (touched, _) = apply(keep_unknown_properties, &mut d);
    assert_eq!(touched, 2);
    let s = &d["components"]["schemas"];
    assert_eq!(s["User"]["additionalProperties"], json!({}));
    assert_eq!(s["Closed"]["additionalProperties"], json!({}), "even where the spec closes the object");
    assert_eq!(s["Map"]["additionalProperties"], json!({"type": "string"}), "a map keeps its value type");
    assert!(s["Empty"].get("additionalProperties").is_none());
}

#[test]
fn optional_arrays_and_maps_become_nullable_so_empty_is_written() {
    let mut d = doc(r#"
components:
  schemas:
    Rule:
      type: object
      properties:
        exclude: {type: array, items: {type: string}}
        settings: {type: object, additionalProperties: {type: string}}
        detailEntry: {type: object}
        free: {additionalProperties: true}
        profile: {type: object, properties: {a: {type: string}}}
        other: {$ref: '#/components/schemas/Other'}
        name: {type: string}
        choice: {type: object, oneOf: [{type: string}]}
"#);
    let (touched, _) = apply(optional_collections_keep_empty, &mut d);
    assert_eq!(touched, 4);
    let props = &d["components"]["schemas"]["Rule"]["properties"];
    for collection in ["exclude", "settings", "detailEntry", "free"] {
        assert_eq!(props[collection]["nullable"], true, "{collection}");
    }
    for other in ["profile", "other", "name", "choice"] {
        assert!(props[other].get("nullable").is_none(), "{other}");
    }
}

#[test]
fn unions_of_objects_whose_shared_properties_agree_merge_into_one_object() {
    let mut d = doc(r#"
components:
  schemas:
    OktaProfile: {type: object, properties: {name: {type: string}, description: {type: string}}}
    AdProfile: {type: object, properties: {name: {type: string, description: AD name}, samAccountName: {type: string}}}
    GroupProfile: {anyOf: [{$ref: '#/components/schemas/OktaProfile'}, {$ref: '#/components/schemas/AdProfile'}]}
    Conflict: {oneOf: [{$ref: '#/components/schemas/OktaProfile'}, {type: object, properties: {name: {type: integer}}}]}
"#);
    let (touched, _) = apply(merge_object_unions, &mut d);
    assert_eq!(touched, 1);
    let s = &d["components"]["schemas"];
    let profile = &s["GroupProfile"];
    assert!(profile.get("anyOf").is_none());
    assert_eq!((&profile["type"], &profile["additionalProperties"]), (&json!("object"), &json!({})));
    let mut names: Vec<&String> = profile["properties"].as_object().unwrap().keys().collect();
    names.sort();
    assert_eq!(names, ["description", "name", "samAccountName"]);
    assert!(s["Conflict"].get("oneOf").is_some(), "`name` is a string in one member, an integer in the other");
}

#[test]
fn discriminated_bases_become_tagged_unions_with_their_fallback() {
    let mut d = doc(r#"
components:
  schemas:
    Application:
      type: object
      properties: {signOnMode: {type: string}}
      discriminator:
        propertyName: signOnMode
        mapping: {BOOKMARK: '#/components/schemas/BookmarkApplication', SAML_2_0: '#/components/schemas/SamlApplication'}
    Keys:
      oneOf: [{$ref: '#/components/schemas/Signing'}, {$ref: '#/components/schemas/Encryption'}]
      discriminator: {propertyName: use, mapping: {enc: '#/components/schemas/Encryption'}, x-fallback: '#/components/schemas/Signing'}
    NoMapping: {type: object, discriminator: {propertyName: type}}
"#);
    let (touched, n) = apply(tagged_discriminator_unions, &mut d);
    assert_eq!(touched, 2);
    let app = &n.polymorphic["Application"];
    assert_eq!(app.property, "signOnMode");
    assert_eq!(
        app.mapping,
        [("BOOKMARK".to_string(), "BookmarkApplication".to_string()), ("SAML_2_0".into(), "SamlApplication".into())]
    );
    assert!(app.fallback.is_none());
    let keys = &n.polymorphic["Keys"];
    assert_eq!((keys.property.as_str(), keys.fallback.as_deref()), ("use", Some("Signing")));
    assert!(!n.polymorphic.contains_key("NoMapping"), "a discriminator without a mapping names no subtype");
}

#[test]
fn examples_are_dropped_from_components_and_bodies() {
    let mut d = doc(r#"
paths:
  /users:
    post:
      operationId: createUser
      requestBody: {content: {application/json: {schema: {type: object}, examples: {a: {value: {}}}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}, example: {id: '1'}}}}
components:
  examples:
    User: {value: {id: '1'}}
x-webhooks: {}
"#);
    let (touched, _) = apply(drop_examples, &mut d);
    assert_eq!(touched, 3);
    assert!(d["components"].get("examples").is_none());
    assert!(d.get("x-webhooks").is_none(), "progenitor does not read it; the hooks crate has the payload types");
    let op = &d["paths"]["/users"]["post"];
    assert_eq!(op["requestBody"]["content"]["application/json"], json!({"schema": {"type": "object"}}));
    assert_eq!(op["responses"]["200"]["content"]["application/json"], json!({"schema": {"type": "object"}}));
}

#[test]
fn code_blocks_in_descriptions_are_marked_text() {
    let mut d = doc(r#"
paths:
  /x:
    get:
      operationId: getX
      summary: No code here
      description: |
        Call it:
        ```json
        {"a": 1}
        ```
        or:
          ```
          curl x
          ```
components:
  schemas:
    X: {type: object, description: "```http\nGET /x\n```"}
"#);
    let (touched, _) = apply(plain_text_code_blocks, &mut d);
    assert_eq!(touched, 2);
    assert_eq!(
        d["paths"]["/x"]["get"]["description"],
        "Call it:\n```text\n{\"a\": 1}\n```\nor:\n  ```text\n  curl x\n  ```\n"
    );
    assert_eq!(d["paths"]["/x"]["get"]["summary"], "No code here");
    assert_eq!(d["components"]["schemas"]["X"]["description"], "```text\nGET /x\n```");
}

/// The rules the tests above cover, written by hand: a rule added to [`RULES`] without a test fails
/// [`every_rule_has_a_test`].
const TESTED: &[&str] = &[
    "rename_case_colliding_schemas",
    "rename_schemas_named_like_sdk_types",
    "unwrap_annotated_refs",
    "timestamps_keep_their_text",
    "inline_shared_bodies",
    "take_out_multipart_operations",
    "json_bodies_for_json_suffix_media",
    "raw_bodies_for_non_json_media",
    "schema_for_untyped_json_responses",
    "error_schema_for_bodyless_errors",
    "one_error_type_per_operation",
    "one_success_type_per_operation",
    "require_path_parameters",
    "name_inline_bodies",
    "array_response_for_list_operations",
    "comma_separated_expand_parameters",
    "relax_validation_constraints",
    "untyped_map_values_are_any_json",
    "pass_codes_are_strings",
    "drop_defaults",
    "drop_required",
    "close_non_string_enums",
    "name_inline_union_members",
    "open_string_enums",
    "name_inline_objects",
    "flatten_all_of",
    "keep_unknown_properties",
    "optional_collections_keep_empty",
    "collapse_same_type_unions",
    "name_inline_discriminated_unions",
    "discriminate_untagged_one_of",
    "merge_object_unions",
    "tagged_discriminator_unions",
    "drop_examples",
    "plain_text_code_blocks",
];

#[test]
fn every_rule_has_a_test() {
    let rules: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    let untested: Vec<&&str> = rules.iter().filter(|r| !TESTED.contains(r)).collect();
    assert!(untested.is_empty(), "rules without a unit test (add one, then its name to TESTED): {untested:?}");
    let unknown: Vec<&&str> = TESTED.iter().filter(|t| !rules.contains(t)).collect();
    assert!(unknown.is_empty(), "TESTED names rules that are not in RULES: {unknown:?}");
    assert_eq!(rules.len(), TESTED.len(), "a rule listed twice");
}

#[test]
fn date_time_strings_become_timestamps_that_keep_their_text() {
    let mut d = doc(r#"
paths:
  /logs:
    get:
      operationId: listLogEvents
      parameters:
        - {name: since, in: query, schema: {type: string, format: date-time}}
      responses: {'200': {description: ok}}
components:
  schemas:
    User:
      type: object
      properties:
        created: {type: string, format: date-time, readOnly: true, description: When}
        activated: {type: string, format: date-time, nullable: true}
        birthday: {type: string, format: date}
        odd: {type: string, format: date-time, enum: ['2024-01-01T00:00:00Z']}
"#);
    let (touched, _) = apply(timestamps_keep_their_text, &mut d);
    assert_eq!(touched, 3);
    let props = &d["components"]["schemas"]["User"]["properties"];
    assert_eq!(props["created"], json!({"$ref": "#/components/schemas/Timestamp", "description": "When"}));
    assert_eq!(props["activated"], json!({"$ref": "#/components/schemas/Timestamp", "nullable": true}));
    assert_eq!(props["birthday"], json!({"type": "string", "format": "date"}), "dates are not timestamps");
    assert!(props["odd"].get("enum").is_some(), "a constrained date-time is left alone");
    assert_eq!(
        d.pointer("/paths/~1logs/get/parameters/0/schema"),
        Some(&json!({"$ref": "#/components/schemas/Timestamp"}))
    );
    assert_eq!(d["components"]["schemas"]["Timestamp"]["type"], "string");
}

#[test]
fn the_rule_table_in_spec_readme_lists_every_rule_in_order() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/README.md")).unwrap();
    let listed: Vec<&str> = readme
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .filter(|name| {
            RULES.iter().any(|r| r.name == *name) || name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
        .collect();
    let rules: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    assert_eq!(listed, rules, "spec/README.md's table must list the rules of RULES, in order");
}

#[test]
fn models_named_like_the_sdks_own_types_are_renamed_and_references_follow() {
    let mut d = doc(r#"
paths:
  /users:
    get:
      operationId: listUsers
      responses:
        '400': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
components:
  schemas:
    Error: {type: object, properties: {errorCode: {type: string}}}
    Client: {type: object, properties: {client_id: {type: string}}}
    OAuthClient: {type: string}
    Registration: {type: object, properties: {client: {$ref: '#/components/schemas/Client'}}}
"#);
    let (touched, _) = apply(rename_schemas_named_like_sdk_types, &mut d);
    assert_eq!(touched, 2);
    let s = &d["components"]["schemas"];
    assert!(s.get("Error").is_none() && s.get("Client").is_none());
    assert_eq!(s["ErrorBody"]["properties"]["errorCode"], json!({"type": "string"}));
    assert_eq!(
        s["OAuthClientModel"]["properties"]["client_id"],
        json!({"type": "string"}),
        "a taken name is not reused"
    );
    assert_eq!(s["Registration"]["properties"]["client"], json!({"$ref": "#/components/schemas/OAuthClientModel"}));
    assert_eq!(
        d.pointer("/paths/~1users/get/responses/400/content/application~1json/schema"),
        Some(&json!({"$ref": "#/components/schemas/ErrorBody"}))
    );
}

#[test]
fn oauth_scopes_are_read_from_each_operations_security_or_the_documents() {
    let mut d = doc(r#"
security: [{oauth2: [okta.default.read]}]
paths:
  /api/v1/users:
    get: {operationId: listUsers, security: [{apiToken: []}, {oauth2: [okta.users.read]}]}
  /api/v1/groups/{id}/push:
    get: {operationId: listPushMappings, security: [{oauth2: [okta.apps.read, okta.groups.read]}]}
  /api/v1/tokens/current:
    delete: {operationId: revokeCurrent, security: [{apiToken: []}]}
  /.well-known/x:
    get: {operationId: wellKnown, security: []}
  /api/v1/other:
    get: {operationId: inherits}
"#);
    let scopes = oauth_scopes(&mut d);
    let of = |id: &str| scopes[id].iter().map(String::as_str).collect::<Vec<_>>();
    assert_eq!(of("listUsers"), ["okta.users.read"]);
    assert_eq!(of("listPushMappings"), ["okta.apps.read", "okta.groups.read"]);
    assert!(of("revokeCurrent").is_empty(), "an API token only");
    assert!(of("wellKnown").is_empty(), "no authentication");
    assert_eq!(of("inherits"), ["okta.default.read"]);
}
