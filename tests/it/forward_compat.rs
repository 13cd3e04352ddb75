//! Forward compatibility and losslessness of the generated models: values the spec does not list, discriminator
//! values it does not map, custom profile attributes, fields it does not declare, and nulls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(feature = "full")]

use crate::common;

use okta_management::types;
use serde_json::{Value, json};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: &Value) -> (T, Value) {
    let decoded: T = serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("decode failed: {e}\n{input}"));
    let encoded = serde_json::to_value(&decoded).expect("encode");
    (decoded, encoded)
}

#[test]
fn unknown_enum_values_decode_and_encode_back() {
    let user = json!({"id": "00u1", "status": "HIBERNATING", "profile": {"login": "a@example.com"}});
    let (decoded, encoded) = round_trip::<types::User>(&user);
    assert_eq!(decoded.status, Some(types::UserStatus::Unknown("HIBERNATING".into())));
    assert!(decoded.status.as_ref().is_some_and(|s| s.is_unknown()));
    assert_eq!(encoded, user);

    let known: types::UserStatus = serde_json::from_value(json!("ACTIVE")).unwrap();
    assert_eq!(known, types::UserStatus::Active);
    assert_eq!(known.to_string(), "ACTIVE");
    assert_eq!("SUSPENDED".parse::<types::UserStatus>().unwrap(), types::UserStatus::Suspended);
}

#[test]
fn application_with_unknown_sign_on_mode_keeps_the_whole_object() {
    let app = json!({
        "id": "0oa1", "name": "future_app", "label": "Future", "signOnMode": "QUANTUM_SSO",
        "settings": {"quantum": {"entangled": true}}, "credentials": {"scheme": "NEW_SCHEME"},
        "_links": {"self": {"href": "https://example.okta.com/api/v1/apps/0oa1"}}
    });
    let (decoded, encoded) = round_trip::<types::Application>(&app);
    match &decoded {
        types::Application::Unknown(object) => assert_eq!(object.get("signOnMode"), Some(&json!("QUANTUM_SSO"))),
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(encoded, app);
}

#[test]
fn saml_oidc_and_bookmark_apps_keep_every_field() {
    let saml = json!({
        "id": "0oa2", "name": "saml_app", "label": "SAML", "signOnMode": "SAML_2_0", "status": "ACTIVE",
        "accessibility": {"selfService": false, "errorRedirectUrl": "https://e.example.com"},
        "visibility": {"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}},
        "settings": {
            "app": {"customAppSetting": "x"},
            "signOn": {
                "defaultRelayState": "", "ssoAcsUrl": "https://sp.example.com/acs", "audience": "https://sp.example.com",
                "recipient": "https://sp.example.com/acs", "destination": "https://sp.example.com/acs",
                "subjectNameIdTemplate": "${user.userName}", "subjectNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                "responseSigned": true, "assertionSigned": true, "signatureAlgorithm": "RSA_SHA256", "digestAlgorithm": "SHA256",
                "honorForceAuthn": true, "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                "attributeStatements": [{"type": "EXPRESSION", "name": "email", "namespace": "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified", "values": ["user.email"]}],
                "aNewSamlSetting": {"nested": [1, 2, 3]}
            }
        },
        "credentials": {"signing": {"kid": "abc"}, "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}},
        "features": [], "futureTopLevel": "kept"
    });
    let (decoded, encoded) = round_trip::<types::Application>(&saml);
    let types::Application::SamlApplication(app) = &decoded else { panic!("expected a SAML app: {decoded:?}") };
    assert!(app.settings.is_some(), "subtype field `settings` must be kept");
    assert_eq!(encoded, saml);

    let oidc = json!({
        "id": "0oa3", "name": "oidc_client", "label": "OIDC", "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"client_id": "0oa3", "autoKeyRotation": true, "token_endpoint_auth_method": "client_secret_basic"}},
        "settings": {"oauthClient": {
            "redirect_uris": ["https://app.example.com/callback"], "response_types": ["code"],
            "grant_types": ["authorization_code", "refresh_token"], "application_type": "web",
            "consent_method": "REQUIRED", "issuer_mode": "DYNAMIC", "wildcard_redirect": "DISABLED",
            "dpop_bound_access_tokens": false, "someFutureClientSetting": 42
        }}
    });
    let (decoded, encoded) = round_trip::<types::Application>(&oidc);
    assert!(matches!(decoded, types::Application::OpenIdConnectApplication(_)), "{decoded:?}");
    assert_eq!(encoded, oidc);

    let bookmark = json!({
        "id": "0oa4", "name": "bookmark", "label": "Bookmark", "signOnMode": "BOOKMARK",
        "settings": {"app": {"requestIntegration": false, "url": "https://example.com/bookmark"}}
    });
    let (decoded, encoded) = round_trip::<types::Application>(&bookmark);
    assert!(matches!(decoded, types::Application::BookmarkApplication(_)), "{decoded:?}");
    assert_eq!(encoded, bookmark);
}

/// Every discriminator value of the spec's mapping decodes into its subtype (never `Unknown`) and encodes back.
macro_rules! every_mapped_subtype {
    ($($union:ident),* $(,)?) => {$({
        let schema = &common::spec()["components"]["schemas"][stringify!($union)];
        let property = schema["discriminator"]["propertyName"].as_str().expect("discriminator");
        let mapping = schema["discriminator"]["mapping"].as_object().expect("mapping");
        assert!(!mapping.is_empty());
        for value in mapping.keys() {
            let input = json!({ property: value, "someFieldTheSpecDoesNotList": {"kept": [true, null, 1.5]} });
            let (decoded, encoded) = round_trip::<types::$union>(&input);
            assert!(!matches!(decoded, types::$union::Unknown(_)), "{}: {value} decoded as Unknown", stringify!($union));
            assert_eq!(encoded, input, "{}: {value}", stringify!($union));
        }
        let unknown = json!({ property: "A_VALUE_FROM_THE_FUTURE", "x": 1 });
        let (decoded, encoded) = round_trip::<types::$union>(&unknown);
        assert!(matches!(decoded, types::$union::Unknown(_)));
        assert_eq!(encoded, unknown);
    })*};
}

#[test]
fn every_discriminated_union_decodes_each_subtype_and_unknown_ones() {
    every_mapped_subtype!(
        Application,
        Policy,
        PolicyRule,
        UserFactor,
        AuthenticatorBase,
        AuthenticatorMethodBase,
        NetworkZone,
        BehaviorRule,
        DeviceAssurance,
        InlineHookChannel,
        LogStream,
        PushProvider,
        ApplicationFeature,
    );
}

#[test]
fn policies_of_each_type_keep_their_fields() {
    for (kind, settings) in [
        ("OKTA_SIGN_ON", json!({})),
        ("PASSWORD", json!({"password": {"complexity": {"minLength": 8, "futureRule": "x"}}})),
        (
            "MFA_ENROLL",
            json!({"type": "AUTHENTICATORS", "authenticators": [{"key": "okta_email", "enroll": {"self": "REQUIRED"}}]}),
        ),
        ("IDP_DISCOVERY", json!({})),
        ("ACCESS_POLICY", json!({})),
        ("PROFILE_ENROLLMENT", json!({})),
    ] {
        let policy = json!({
            "id": "00p1", "type": kind, "name": format!("{kind} policy"), "status": "ACTIVE", "priority": 1, "system": false,
            "settings": settings, "newPolicyAttribute": [1]
        });
        let (decoded, encoded) = round_trip::<types::Policy>(&policy);
        assert!(!matches!(decoded, types::Policy::Unknown(_)), "{kind}");
        assert_eq!(encoded, policy, "{kind}");
    }
}

#[test]
fn custom_profile_attributes_and_unknown_fields_survive_read_modify_write() {
    let user = json!({
        "id": "00u9", "status": "ACTIVE", "created": "2024-01-01T00:00:00.000Z",
        "profile": {"login": "k@example.com", "email": "k@example.com", "firstName": "K", "lastName": "L",
                    "employeeNumber": "4711", "badgeColours": {"code": 12, "tags": ["a", "b"]}, "nickName": null},
        "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
        "type": {"id": "oty1"}, "realmId": "future-field", "_embedded": {"anything": {"x": 1}}
    });
    let (mut decoded, encoded) = round_trip::<types::User>(&user);
    let mut expected = user.clone();
    assert_eq!(encoded, expected);
    // Modify one field; everything else is written back unchanged.
    if let Some(profile) = decoded.profile.as_mut() {
        profile.first_name = types::Field::Value("Kay".into());
    }
    let written = serde_json::to_value(&decoded).unwrap();
    expected["profile"]["firstName"] = json!("Kay");
    assert_eq!(written, expected);
}

#[test]
fn nulls_decode_everywhere() {
    let user = json!({"id": null, "status": null, "profile": null, "credentials": null, "_links": null, "type": null});
    let decoded: types::User = serde_json::from_value(user).expect("nulls decode");
    assert!(decoded.id.is_none() && decoded.status.is_none() && decoded.profile.is_none());
    let hook = json!({"id": "who1", "status": null, "verificationStatus": null, "events": null, "channel": null, "filter": null});
    serde_json::from_value::<types::EventHook>(hook).expect("nulls decode");
}

#[test]
fn empty_arrays_stay_distinct_from_absent_ones() {
    let rule = json!({"name": "r", "type": "group_rule", "conditions": {"people": {"groups": {"exclude": []}}}});
    let (_, encoded) = round_trip::<types::GroupRule>(&rule);
    assert_eq!(encoded, rule);
}

#[test]
fn expand_parameters_are_comma_separated() {
    let list: okta_management::query::CommaSeparated = ["themes", "domains"].into();
    assert_eq!(serde_json::to_value(&list).unwrap(), json!("themes,domains"));
    assert_eq!(serde_urlencoded::to_string([("expand", &list)]).unwrap(), "expand=themes%2Cdomains");
}

#[test]
fn struct_builders_need_no_value_for_the_unknown_properties_map() {
    let hook = types::EventHook::try_from(types::EventHook::builder().name(Some("h".to_string()))).expect("builds");
    assert_eq!(hook.name.as_deref(), Some("h"));
    assert!(hook.extra.is_empty());
    assert_eq!(serde_json::to_value(&hook).unwrap(), json!({"name": "h"}));
}

// Spec 2024.08.3 names the credentials model `UserCredentials`.
#[cfg(okta_spec = "2026.06.3")]
#[test]
fn every_model_struct_can_be_written_as_a_literal_with_defaults() {
    // Nested models have no builder (only request bodies do); `Default` makes literals short instead.
    let request = types::CreateUserRequest {
        profile: Some(types::UserProfile {
            login: Some("ada@example.com".into()),
            first_name: "Ada".to_string().into(),
            ..Default::default()
        }),
        credentials: Some(types::UserCredentialsWritable {
            password: Some(types::PasswordCredential { value: Some("s3cret".into()), ..Default::default() }),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"profile": {"login": "ada@example.com", "firstName": "Ada"}, "credentials": {"password": {"value": "s3cret"}}})
    );
    assert_eq!(serde_json::to_value(types::User::default()).unwrap(), json!({}));
    assert_eq!(serde_json::to_value(types::Group::default()).unwrap(), json!({}));
}

#[test]
fn request_bodies_keep_their_builders() {
    let request = types::CreateUserRequest::builder()
        .profile(Some(types::UserProfile { login: Some("b@example.com".into()), ..Default::default() }));
    let request = types::CreateUserRequest::try_from(request).expect("builds");
    assert_eq!(serde_json::to_value(&request).unwrap(), json!({"profile": {"login": "b@example.com"}}));
}

#[test]
fn identity_provider_protocols_decode_as_their_own_type() {
    // The spec's `oneOf` has no discriminator; with all-optional members an untagged enum would take the first
    // member (SAML) for every protocol. The `type` values of the members discriminate.
    let oidc = json!({"type": "OIDC", "scopes": ["openid", "email"],
        "endpoints": {"authorization": {"url": "https://idp.example.com/authorize", "binding": "HTTP-REDIRECT"}},
        "credentials": {"client": {"client_id": "abc", "pkce_required": true}}});
    let (decoded, encoded) = round_trip::<types::IdentityProviderProtocol>(&oidc);
    let types::IdentityProviderProtocol::ProtocolOidc(p) = &decoded else { panic!("expected OIDC, got {decoded:?}") };
    assert_eq!(p.scopes.as_deref(), Some(&["openid".to_owned(), "email".to_owned()][..]));
    assert_eq!(encoded, oidc);

    let saml = json!({"type": "SAML2", "endpoints": {"sso": {"url": "https://idp.example.com/sso"}}});
    let (decoded, encoded) = round_trip::<types::IdentityProviderProtocol>(&saml);
    assert!(matches!(decoded, types::IdentityProviderProtocol::ProtocolSaml(_)), "{decoded:?}");
    assert_eq!(encoded, saml);

    let future = json!({"type": "PASSKEY_FEDERATION", "endpoints": {"x": 1}});
    let (decoded, encoded) = round_trip::<types::IdentityProviderProtocol>(&future);
    assert!(matches!(decoded, types::IdentityProviderProtocol::Unknown(_)), "{decoded:?}");
    assert_eq!(encoded, future);
}

#[test]
fn custom_and_standard_role_assignments_are_told_apart() {
    let custom = json!({"id": "irb1", "type": "CUSTOM", "role": "cr0Yq6IJxGIr0ouum0g3", "resource-set": "iamoJDFKaJxGIr0oamd9g",
        "label": "UserCreator", "assignmentType": "USER", "status": "ACTIVE"});
    let (decoded, encoded) = round_trip::<types::ListAssignedRolesForUserResponseItem>(&custom);
    let types::ListAssignedRolesForUserResponseItem::CustomRole(role) = &decoded else {
        panic!("expected a custom role, got {decoded:?}")
    };
    assert_eq!(role.role.as_deref(), Some("cr0Yq6IJxGIr0ouum0g3"));
    assert_eq!(role.resource_set.as_deref(), Some("iamoJDFKaJxGIr0oamd9g"));
    assert_eq!(encoded, custom);

    let standard = json!({"id": "ra1", "type": "SUPER_ADMIN", "label": "Super Administrator", "status": "ACTIVE"});
    let (decoded, encoded) = round_trip::<types::ListAssignedRolesForUserResponseItem>(&standard);
    assert!(matches!(decoded, types::ListAssignedRolesForUserResponseItem::StandardRole(_)), "{decoded:?}");
    assert_eq!(encoded, standard);
}

#[test]
fn group_profiles_carry_active_directory_fields_as_fields() {
    // `anyOf` of the Okta and AD profiles is one struct: an untagged enum would always pick the Okta one.
    let ad = json!({"name": "West Coast Users", "description": "example.com/West Coast/West Coast Users",
        "dn": "CN=West Coast Users,OU=West Coast,DC=example,DC=com", "samAccountName": "West Coast Users",
        "externalId": "VKzYZ1C+IkSZxxxxxxxxxx==", "windowsDomainQualifiedName": "EXAMPLE\\West Coast Users"});
    let (profile, encoded) = round_trip::<types::GroupProfile>(&ad);
    assert_eq!(profile.name.as_deref(), Some("West Coast Users"));
    assert_eq!(profile.dn.as_deref(), Some("CN=West Coast Users,OU=West Coast,DC=example,DC=com"));
    assert!(profile.extra.is_empty(), "{:?}", profile.extra);
    assert_eq!(encoded, ad);
}

#[test]
fn system_log_events_with_null_detail_entries_decode() {
    let event = json!({
        "uuid": "e1", "eventType": "user.lifecycle.create", "published": "2024-01-01T00:00:00.000Z",
        "actor": {"id": "00u1", "type": "User", "alternateId": "a@example.com", "displayName": "A", "detailEntry": null},
        "target": [{"id": "00u2", "type": "User", "alternateId": "b@example.com", "detailEntry": null}],
        "outcome": {"result": "SUCCESS"}, "debugContext": {"debugData": {"requestId": "r1"}}
    });
    let decoded: types::LogEvent = serde_json::from_value(event).expect("decodes");
    assert_eq!(decoded.uuid.as_deref(), Some("e1"));
}
