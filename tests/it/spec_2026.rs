//! What spec 2026.06.3 needed from the generator, checked on the generated client: unions decode to the variant
//! their discriminator (or the value) names and keep everything, wrapper-object lists page like the others, and
//! merge-patch bodies go out typed with their own Content-Type.
#![cfg(all(feature = "full", okta_spec = "2026.06.3"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use okta_management::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(v: &Value) -> (T, Value) {
    let decoded: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v} does not decode: {e}"));
    let encoded = serde_json::to_value(&decoded).unwrap();
    (decoded, encoded)
}

#[test]
fn a_jwk_set_tells_encryption_keys_from_signing_keys_and_signing_keys_by_kty() {
    // `keys` is a `oneOf` of a signing key (itself a union on `kty`) and an encryption key (`use: enc`, RSA).
    let rsa_signing = json!({"kty": "RSA", "kid": "s1", "e": "AQAB", "n": "abc", "status": "ACTIVE"});
    let ec_signing = json!({"kty": "EC", "kid": "s2", "x": "x1", "y": "y1", "alg": "ES256"});
    let encryption = json!({"kty": "RSA", "kid": "e1", "use": "enc", "e": "AQAB", "n": "def"});
    let future = json!({"kty": "OKP", "kid": "f1", "crv": "Ed25519", "x": "zz"});
    let set = json!({"keys": [rsa_signing, ec_signing, encryption, future]});
    let (decoded, encoded) = round_trip::<types::OpenIdConnectApplicationSettingsClientKeys>(&set);
    assert_eq!(encoded, set);
    use types::OAuth2ClientJsonSigningKeyResponse as Signing;
    use types::OpenIdConnectApplicationSettingsClientKeysKeysItem as Key;
    let keys = decoded.keys.into_option().unwrap();
    assert!(
        matches!(&keys[0], Key::OAuth2ClientJsonSigningKeyResponse(Signing::OAuth2ClientJsonWebKeyRsaResponse(k)) if k.n.as_deref() == Some("abc")),
        "{:?}",
        keys[0]
    );
    assert!(
        matches!(&keys[1], Key::OAuth2ClientJsonSigningKeyResponse(Signing::OAuth2ClientJsonWebKeyEcResponse(k)) if k.x.as_deref() == Some("x1")),
        "{:?}",
        keys[1]
    );
    assert!(
        matches!(&keys[2], Key::OAuth2ClientJsonEncryptionKeyResponse(k) if k.n.as_deref() == Some("def")),
        "{:?}",
        keys[2]
    );
    // An RSA key whose modulus is not a string is still an RSA key: the odd modulus is kept in its `extra` map (and
    // written back), and the rest decode.
    let odd = json!({"keys": [{"kty": "RSA", "kid": "x", "n": 5}, {"kty": "EC", "kid": "s2"}]});
    let (odd_decoded, odd_encoded) = round_trip::<types::OpenIdConnectApplicationSettingsClientKeys>(&odd);
    assert_eq!(odd_encoded, odd);
    let odd_keys = odd_decoded.keys.into_option().unwrap();
    assert!(
        matches!(&odd_keys[0], Key::OAuth2ClientJsonSigningKeyResponse(Signing::OAuth2ClientJsonWebKeyRsaResponse(k)) if k.n.is_none() && k.extra["n"] == 5),
        "{:?}",
        odd_keys[0]
    );
    assert!(matches!(&odd_keys[1], Key::OAuth2ClientJsonSigningKeyResponse(_)), "{:?}", odd_keys[1]);
    // A key type the spec does not list is kept whole inside the signing-key union.
    assert!(
        matches!(&keys[3], Key::OAuth2ClientJsonSigningKeyResponse(Signing::Unknown(raw)) if raw["crv"] == "Ed25519"),
        "{:?}",
        keys[3]
    );
}

#[test]
fn identity_provider_protocols_follow_the_inline_discriminator() {
    let idp = json!({"id": "0oa1", "type": "OIDC", "protocol": {"type": "OIDC", "scopes": ["openid"]}});
    let (decoded, encoded) = round_trip::<types::IdentityProvider>(&idp);
    assert_eq!(encoded, idp);
    assert!(matches!(decoded.protocol, Some(types::IdentityProviderProtocol::ProtocolOidc(_))), "{decoded:?}");
    let saml = json!({"protocol": {"type": "SAML2", "endpoints": {"sso": {"url": "https://idp.example.com/sso"}}}});
    let (decoded, _) = round_trip::<types::IdentityProvider>(&saml);
    assert!(matches!(decoded.protocol, Some(types::IdentityProviderProtocol::ProtocolSaml(_))), "{decoded:?}");
    let id_proofing = json!({"protocol": {"type": "ID_PROOFING", "credentials": {"bearer": {"apiKey": "k"}}}});
    let (decoded, encoded) = round_trip::<types::IdentityProvider>(&id_proofing);
    assert_eq!(encoded, id_proofing);
    assert!(matches!(decoded.protocol, Some(types::IdentityProviderProtocol::ProtocolIdVerification(_))));
}

#[test]
fn device_integration_metadata_decodes_by_integration_type() {
    use types::DeviceIntegrationsMetadata as M;
    let chrome = json!({"type": "CHROME", "serviceAccountName": "sa", "serviceAccountEmail": "sa@example.com"});
    let (decoded, encoded) = round_trip::<M>(&chrome);
    assert_eq!(encoded, chrome);
    assert!(
        matches!(&decoded, M::DeviceIntegrationsMetadataChrome(c) if c.service_account_email.as_deref() == Some("sa@example.com"))
    );
    let ws1 =
        json!({"type": "WORKSPACE_ONE", "provider": "p", "enrollmentUrl": "https://e.example.com", "idpId": "0oa1"});
    assert!(matches!(round_trip::<M>(&ws1).0, M::DeviceIntegrationsMetadataWorkspaceOne(_)));
    let idp = json!({"type": "DEVICE_IDP", "idpId": "0oa2"});
    assert!(matches!(round_trip::<M>(&idp).0, M::DeviceIntegrationsMetadataDeviceIdp(_)));
    let future = json!({"type": "INTUNE", "tenant": "t"});
    let (decoded, encoded) = round_trip::<M>(&future);
    assert!(matches!(decoded, M::Unknown(_)));
    assert_eq!(encoded, future);
}

#[test]
fn the_inline_hook_body_decodes_by_the_event_type_each_member_documents() {
    use types::ExecuteInlineHookBody as B;
    let token = json!({"eventType": "com.okta.oauth2.tokens.transform", "eventId": "e1", "data": {"context": {}}});
    let (decoded, encoded) = round_trip::<B>(&token);
    assert_eq!(encoded, token);
    assert!(matches!(decoded, B::TokenRequest(_)), "{decoded:?}");
    let import =
        json!({"eventType": "com.okta.import.transform", "data": {"appUser": {"profile": {"email": "a@b.c"}}}});
    assert!(matches!(round_trip::<B>(&import).0, B::UserImportRequestExecute(_)));
    let telephony =
        json!({"eventType": "com.okta.telephony.provider", "requestType": "com.okta.user.telephony.pre-enrollment"});
    assert!(matches!(round_trip::<B>(&telephony).0, B::TelephonyRequestExecute(_)));
    let unknown = json!({"eventType": "com.okta.something.new", "data": {"x": 1}});
    let (decoded, encoded) = round_trip::<B>(&unknown);
    assert!(matches!(decoded, B::Unknown(_)));
    assert_eq!(encoded, unknown);
}

#[test]
fn a_factor_verification_is_waiting_or_final_by_its_result() {
    use types::VerifyFactorResponse as R;
    let waiting = json!({"factorResult": "WAITING", "expiresAt": "2026-01-01T00:00:00.000Z", "_links": {}});
    let (decoded, encoded) = round_trip::<R>(&waiting);
    assert_eq!(encoded, waiting);
    assert!(matches!(decoded, R::UserFactorVerifyResponseWaiting(_)), "{decoded:?}");
    // `profile` values are whatever Okta sends (strings here), not objects as the spec says.
    let done = json!({"factorResult": "SUCCESS", "profile": {"phoneNumber": "+1 555 0100"}});
    let (decoded, encoded) = round_trip::<R>(&done);
    assert_eq!(encoded, done);
    assert!(matches!(decoded, R::UserFactorVerifyResponse(_)), "{decoded:?}");
}

#[test]
fn values_that_may_be_of_several_types_keep_theirs() {
    // GracePeriod.expiry: a date-time or an ISO 8601 duration, both strings: kept as the string sent.
    for expiry in ["2026-12-01T00:00:00Z", "P30D"] {
        let grace = json!({"type": "BY_DURATION", "expiry": expiry});
        let (decoded, encoded) = round_trip::<types::GracePeriod>(&grace);
        assert_eq!(decoded.expiry.as_deref(), Some(expiry));
        assert_eq!(encoded, grace);
    }
    // UserSchemaAttribute.default: any JSON type; each decodes as itself.
    use types::UserSchemaAttributeDefault as D;
    for (value, check) in [
        (json!("x"), (|d: &D| matches!(d, D::String(s) if s == "x")) as fn(&D) -> bool),
        (json!(true), |d| matches!(d, D::Boolean(true))),
        (json!(10), |d| matches!(d, D::Integer(10))),
        (json!(2.5), |d| matches!(d, D::Number(n) if n.as_f64() == Some(2.5))),
        (json!(["a"]), |d| matches!(d, D::Array(a) if a.len() == 1)),
        (json!({"k": "v"}), |d| matches!(d, D::Object(o) if o["k"] == "v")),
    ] {
        let attribute = json!({"type": "string", "default": value});
        let (decoded, encoded) = round_trip::<types::UserSchemaAttribute>(&attribute);
        assert!(check(decoded.default.as_ref().unwrap()), "{value}: {:?}", decoded.default);
        assert_eq!(encoded, attribute);
    }
}

/// A server for the client tests: records (method, path, content-type, body) and answers from `script`.
type Seen = Arc<Mutex<Vec<(String, String, Option<String>, String)>>>;

/// (method, path and query, the server's origin) → (status, Link header, JSON body).
type Script = fn(&str, &str, &str) -> (StatusCode, Option<String>, Value);

async fn server(script: Script) -> (String, Seen) {
    #[derive(Clone)]
    struct S {
        seen: Seen,
        origin: Arc<Mutex<String>>,
        script: Script,
    }
    async fn handle(State(s): State<S>, request: Request) -> Response {
        let method = request.method().to_string();
        let path = request.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default();
        let content_type = request.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_string());
        let body = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap();
        let body = String::from_utf8_lossy(&body).into_owned();
        s.seen.lock().unwrap().push((method.clone(), path.clone(), content_type, body));
        let origin = s.origin.lock().unwrap().clone();
        let (status, link, json) = (s.script)(&method, &path, &origin);
        let mut response = (status, axum::Json(json)).into_response();
        if let Some(link) = link {
            response.headers_mut().insert("link", HeaderValue::from_str(&link).unwrap());
        }
        response
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let state = S { seen: Seen::default(), origin: Arc::new(Mutex::new(origin.clone())), script };
    let seen = state.seen.clone();
    let app = Router::new().fallback(handle).with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (origin, seen)
}

fn client(origin: &str) -> okta_management::Client {
    okta_management::Client::builder().org_url(origin).token("00test-token").disable_https_check(true).build().unwrap()
}

#[tokio::test]
async fn wrapper_object_lists_page_through_links_in_the_body() {
    // `listRoles` answers `{"roles": [...], "_links": {"next": {"href": …}}}` and no Link header.
    let (origin, seen) = server(|_, path, origin| {
        let body = if path.contains("after=c2") {
            json!({"roles": [{"id": "r3", "label": "three"}], "_links": {}})
        } else if path.contains("after=c1") {
            json!({"roles": [{"id": "r2"}], "_links": {"next": {"href": format!("{origin}/api/v1/iam/roles?after=c2")}}})
        } else {
            json!({"roles": [{"id": "r1"}], "_links": {"next": {"href": format!("{origin}/api/v1/iam/roles?after=c1")}}})
        };
        (StatusCode::OK, None, body)
    })
    .await;
    let client = client(&origin);
    let roles: Vec<types::IamRole> = client.list_roles().stream().try_collect().await.unwrap();
    let ids: Vec<_> = roles.iter().map(|r| r.id.clone().unwrap()).collect();
    assert_eq!(ids, ["r1", "r2", "r3"]);
    assert_eq!(roles[2].label.as_deref(), Some("three"));
    let paths: Vec<String> = seen.lock().unwrap().iter().map(|(_, p, _, _)| p.clone()).collect();
    assert_eq!(paths, ["/api/v1/iam/roles", "/api/v1/iam/roles?after=c1", "/api/v1/iam/roles?after=c2"]);

    // A body link to another origin is refused like a Link header would be.
    let (origin, _) = server(|_, _, _| {
        (StatusCode::OK, None, json!({"roles": [{"id": "r1"}], "_links": {"next": {"href": "https://evil.example.com/api/v1/iam/roles?after=x"}}}))
    })
    .await;
    let client =
        okta_management::Client::builder().org_url(&origin).token("00t").disable_https_check(true).build().unwrap();
    let mut pages = client.list_roles().pages();
    assert_eq!(pages.try_next().await.unwrap().unwrap().items.len(), 1);
    let err = pages.try_next().await.unwrap_err();
    assert!(err.to_string().contains("evil.example.com"), "{err}");
}

#[tokio::test]
async fn a_merge_patch_body_is_typed_and_sent_as_merge_patch_json() {
    let (origin, seen) = server(|_, _, _| {
        (StatusCode::OK, None, json!({"aaguid": "cb69481e-8ff7-4039-93ec-0a2729a154a8", "name": "Key"}))
    })
    .await;
    let client = client(&origin);
    let body = types::CustomAaguidUpdateRequestObject { name: Some("Renamed key".into()), ..Default::default() };
    let answer = client
        .update_custom_aaguid()
        .authenticator_id("aut1")
        .aaguid("cb69481e-8ff7-4039-93ec-0a2729a154a8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.name.as_deref(), Some("Key"));
    let seen = seen.lock().unwrap();
    let (method, path, content_type, body) = &seen[0];
    assert_eq!(method, "PATCH");
    assert_eq!(path, "/api/v1/authenticators/aut1/aaguids/cb69481e-8ff7-4039-93ec-0a2729a154a8");
    assert_eq!(content_type.as_deref(), Some("application/merge-patch+json"));
    assert_eq!(serde_json::from_str::<Value>(body).unwrap(), json!({"name": "Renamed key"}));
}

#[tokio::test]
async fn keyword_and_dotted_parameters_go_on_the_wire_as_the_spec_names_them() {
    let (origin, seen) = server(|_, _, _| (StatusCode::OK, None, json!([]))).await;
    let client = client(&origin);
    // `match` is a Rust keyword: the setter is `match_`, the query key stays `match`.
    client.list_app_service_accounts().match_("sales").limit(5).send().await.unwrap();
    // A path parameter whose value has a dot.
    let _ = client
        .get_root_brand_well_known_uri()
        .brand_id("bnd1")
        .path(types::WellKnownUriPathParam::AssetlinksJson)
        .send()
        .await;
    let paths: Vec<String> = seen.lock().unwrap().iter().map(|(_, p, _, _)| p.clone()).collect();
    assert!(paths[0].ends_with("?limit=5&match=sales") || paths[0].ends_with("?match=sales&limit=5"), "{paths:?}");
    assert_eq!(paths[1], "/api/v1/brands/bnd1/well-known-uris/assetlinks.json");
}
