//! Spec-example conformance: every JSON example of a 2xx response and of a request body in Okta's spec decodes
//! into the generated type of that operation, and encodes back without losing anything.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(feature = "full")]

use crate::common;

use serde_json::Value;
use std::collections::BTreeMap;

mod generated_bodies {
    include!(concat!(env!("OKTA_GENERATED_DIR"), "/okta_conformance.rs"));
}

/// Examples that cannot decode because the spec's example contradicts the spec's own schema (an object where the
/// schema says array, a string where it says boolean, ...): `(operationId, body, example, reason)`. The models
/// follow the schema (what Okta sends) rather than a wrong example. Each entry must still fail, so this list
/// cannot hide a regression or outlive a fix: an entry that decodes is reported as a failure.
const KNOWN_BAD_EXAMPLES: &[(&str, &str, &str, &str)] = &[
    (
        "createIdentityProvider",
        "request",
        "CreateGenericOidcIdPRequest",
        // Hidden until the OIDC protocol decoded as its own type (it used to land in the SAML variant's extras).
        "the example contradicts the spec's schema: `pkce_required: 'true'` is a string, the schema says boolean",
    ),
    (
        "createIdentityProvider",
        "200",
        "CreateGenericOidcIdpResponse",
        // Hidden until the OIDC protocol decoded as its own type (it used to land in the SAML variant's extras).
        "the example contradicts the spec's schema: `pkce_required: 'true'` is a string, the schema says boolean",
    ),
    (
        "getIdentityProvider",
        "200",
        "GenericOidcIdpResponse",
        // Hidden until the OIDC protocol decoded as its own type (it used to land in the SAML variant's extras).
        "the example contradicts the spec's schema: `pkce_required: 'true'` is a string, the schema says boolean",
    ),
    (
        "listJwk",
        "200",
        "OAuthClientJsonWebKeyListResponseExample",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "listAuthenticatorMethods",
        "200",
        "WebAuthn",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "getRefreshTokenForAuthorizationServerAndClient",
        "200",
        "RetrieveRefreshTokenClient",
        "the example contradicts the spec's schema: invalid type: sequence, expected struct OAuth2RefreshToken",
    ),
    (
        "createBrand",
        "201",
        "Create brand response",
        "the example contradicts the spec's schema: invalid type: string \"false,\", expected a boolean",
    ),
    (
        "listEmailDomains",
        "200",
        "List email domain response",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "startImportFromIdentitySource",
        "200",
        "triggeredSession",
        "the example contradicts the spec's schema: invalid type: sequence, expected struct IdentitySourceSession",
    ),
    (
        "listLogEvents",
        "200",
        "ListLogs",
        "the example contradicts the spec's schema: invalid type: null, expected a map",
    ),
    (
        "listLogEvents",
        "200",
        "LogTargetChangeDetails",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "replacesOrgCaptchaSettings",
        "200",
        "Disable",
        "the example contradicts the spec's schema: invalid type: string \"[]\", expected a sequence",
    ),
    (
        "createPolicySimulation",
        "200",
        "SimulatePolicy",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "createPolicyRule",
        "200",
        "CreateAuthPolicyRuleDevicePlatformCondition",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "createPolicyRule",
        "200",
        "Enable2FAPreciseAuth",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "listPushProviders",
        "200",
        "example",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "enrollFactor",
        "200",
        "call",
        "the example contradicts the spec's schema: invalid type: sequence, expected struct HrefObject",
    ),
    (
        "enrollFactor",
        "200",
        "email",
        "the example contradicts the spec's schema: invalid type: sequence, expected struct HrefObject",
    ),
    (
        "enrollFactor",
        "200",
        "sms",
        "the example contradicts the spec's schema: invalid type: sequence, expected struct HrefObject",
    ),
    (
        "resendEnrollFactor",
        "200",
        "sms",
        "the example contradicts the spec's schema: invalid type: sequence, expected struct HrefObject",
    ),
    (
        "updateGroupAssignmentToApplication",
        "request",
        "groupAssignmentPatchRequetExample",
        "the example contradicts the spec's schema: invalid type: string \"Carlo Ancelotti\", expected a map",
    ),
    (
        "createAssociatedServers",
        "request",
        "CreateAssocAuthServer",
        "the example contradicts the spec's schema: invalid type: sequence, expected struct AssociatedServerMediated",
    ),
    (
        "replacesOrgCaptchaSettings",
        "request",
        "Disable",
        "the example contradicts the spec's schema: invalid type: string \"null\", expected a sequence",
    ),
    (
        "createPolicySimulation",
        "request",
        "SimulatePolicy",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "createPolicyRule",
        "request",
        "Enable2FAPreciseAuth",
        "the example contradicts the spec's schema: invalid type: map, expected a sequence",
    ),
    (
        "createOAuth2Claim",
        "request",
        "CreateCustomTokenClaim",
        "the example is an array where the spec declares one claim",
    ),
    (
        "replaceOAuth2Claim",
        "request",
        "ReplaceCustomTokenClaim",
        "the example is an array where the spec declares one claim",
    ),
    (
        "replaceOAuth2Claim",
        "200",
        "ReplaceCustomTokenClaim",
        "the example is an array where the spec declares one claim",
    ),
    (
        "createGovernanceBundle",
        "request",
        "GovernanceBundleCreateRequestCustomRole",
        "the example contradicts the spec's schema at `entitlements`: invalid type: map, expected a sequence",
    ),
    (
        "createGovernanceBundle",
        "request",
        "GovernanceBundleCreateRequestScopedStandardRole",
        "the example contradicts the spec's schema at `entitlements`: invalid type: map, expected a sequence",
    ),
    (
        "createGovernanceBundle",
        "request",
        "GovernanceBundleCreateRequestStandardRole",
        "the example contradicts the spec's schema at `entitlements`: invalid type: map, expected a sequence",
    ),
    (
        "replaceGovernanceBundle",
        "request",
        "GovernanceBundleUpdateRequestCustomRole",
        "the example contradicts the spec's schema at `entitlements`: invalid type: map, expected a sequence",
    ),
    (
        "replaceGovernanceBundle",
        "request",
        "GovernanceBundleUpdateRequestScopedStandardRole",
        "the example contradicts the spec's schema at `entitlements`: invalid type: map, expected a sequence",
    ),
    (
        "replaceGovernanceBundle",
        "request",
        "GovernanceBundleUpdateRequestStandardRole",
        "the example contradicts the spec's schema at `entitlements`: invalid type: map, expected a sequence",
    ),
    (
        "executeInlineHook",
        "request",
        "ProfileEnrollmentRequest",
        "the example contradicts the spec's schema at `.`: invalid type: floating point `0.1`, expected a string",
    ),
    (
        "executeInlineHook",
        "request",
        "TelephonyPayloadExample",
        "the example contradicts the spec's schema at `.`: invalid type: integer `11111`, expected a string",
    ),
    (
        "executeInlineHook",
        "request",
        "UserImportPayloadExample",
        "the example contradicts the spec's schema at `.`: invalid type: null, expected a string",
    ),
    (
        "createPolicyRule",
        "request",
        "CreateAuthPolicyRule2FADisablePostAuthKmsi",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "replacePolicyRule",
        "request",
        "UpdateAuthPolicyRule2FADisablePostAuthKmsi",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "createTacAuthenticatorEnrollment",
        "request",
        "TacEx",
        "the example contradicts the spec's schema at `profile.ttl`: invalid type: integer `11`, expected a string",
    ),
    (
        "createApiServiceIntegrationInstance",
        "request",
        "postAPIServiceWithPropertiesIntegrationRequestExample",
        "the example contradicts the spec's schema at `properties.baseUrl`: invalid type: string \"https://example.com\", expected struct AppPropertiesValue",
    ),
    (
        "listAgentPools",
        "200",
        "ListAllAgentPoolsResponse",
        "the example contradicts the spec's schema at `[0].agents`: invalid type: map, expected a sequence",
    ),
    (
        "listAgentPoolsUpdates",
        "200",
        "ListAllAgentPoolUpdatesResponse",
        "the example contradicts the spec's schema at `[0].agents`: invalid type: map, expected a sequence",
    ),
    (
        "createInterclientTrustMapping",
        "201",
        "createInterclientTrustMappingResponse",
        "the example contradicts the spec's schema at `.`: invalid type: sequence, expected struct InterclientTrustMapping",
    ),
    (
        "listAuthenticatorMethods",
        "200",
        "TAC",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "listAuthenticatorMethods",
        "200",
        "WebAuthnWithRebrandSettings",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "listAuthenticatorMethods",
        "200",
        "WebAuthnWithRpId",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "listGovernanceBundles",
        "200",
        "GovernanceBundlesResponse",
        "the example contradicts the spec's schema at `bundles[0]._links.entitlements`: invalid type: string \"http://your-subdomain.okta.com/api/v1/iam/governance/bundles/0bbfxqCAJWWGELFT…",
    ),
    (
        "createGovernanceBundle",
        "200",
        "GovernanceBundleCreateRequestStandardRole",
        "the example contradicts the spec's schema at `_links.entitlements`: invalid type: string \"http://your-subdomain.okta.com/api/v1/iam/governance/bundles/0bbfxqCAJWWGELFT…",
    ),
    (
        "getGovernanceBundle",
        "200",
        "GovernanceBundle",
        "the example contradicts the spec's schema at `_links.entitlements`: invalid type: string \"http://your-subdomain.okta.com/api/v1/iam/governance/bundles/0bbfxqCAJWWGELFT…",
    ),
    (
        "replaceGovernanceBundle",
        "200",
        "GovernanceBundle",
        "the example contradicts the spec's schema at `_links.entitlements`: invalid type: string \"http://your-subdomain.okta.com/api/v1/iam/governance/bundles/0bbfxqCAJWWGELFT…",
    ),
    (
        "listBundleEntitlements",
        "200",
        "BundleEntitlementsResponse",
        "the example contradicts the spec's schema at `entitlements[0]._links.values`: invalid type: string \"http://your-subdomain.okta.com/api/v1/iam/governance/bundles/0bbfxqCAJWWGELFT…",
    ),
    (
        "listBundleEntitlementValues",
        "200",
        "EntitlementValuesResponse",
        "the example contradicts the spec's schema at `entitlementValues[0]._links.group`: invalid type: string \"http://your-subdomain.okta.com/api/v1/groups/00guaxWZ0AOa5NFAj0g3\", expected struct HrefObjectGroupLink",
    ),
    (
        "listLogEvents",
        "200",
        "ListLogsWithAdditionalSecurityContext",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "listOktaSupportCases",
        "200",
        "OktaSupportCasesEx",
        "the example contradicts the spec's schema at `.`: invalid type: sequence, expected struct OktaSupportCases",
    ),
    (
        "createPolicyRule",
        "200",
        "CreateAuthPolicyRule2FADisablePostAuthKmsi",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "createPolicyRule",
        "200",
        "CreateAuthPolicyRule2FAEnablePostAuthKmsi",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "getPolicyRule",
        "200",
        "AuthPolicyRule2FADisablePostAuthKmsi",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "getPolicyRule",
        "200",
        "AuthPolicyRule2FAEnablePostAuthKmsi",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "replacePolicyRule",
        "200",
        "UpdateAuthPolicyRule2FADisablePostAuthKmsi",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "replacePolicyRule",
        "200",
        "UpdateAuthPolicyRule2FAEnablePostAuthKmsi",
        "the example contradicts the spec's schema at `.`: invalid type: map, expected a sequence",
    ),
    (
        "createRealm",
        "200",
        "Realm Lists",
        "the example contradicts the spec's schema at `.`: invalid type: sequence, expected struct Realm",
    ),
    (
        "getAuthenticatorEnrollment",
        "200",
        "PhoneDisclosedEx",
        "the example contradicts the spec's schema at `profile.phoneNumber`: invalid type: integer `14085551235`, expected a string",
    ),
    (
        "createApiServiceIntegrationInstance",
        "201",
        "APIServiceWithPropertiesIntegrationResponseExample",
        "the example contradicts the spec's schema at `properties.baseUrl`: invalid type: string \"https://example.com\", expected struct AppPropertiesValue",
    ),
    (
        "getApiServiceIntegrationInstance",
        "200",
        "APIServiceWithPropertiesIntegrationResponseExample",
        "the example contradicts the spec's schema at `properties.baseUrl`: invalid type: string \"https://example.com\", expected struct AppPropertiesValue",
    ),
    (
        "assignRoleToClient",
        "200",
        "IAM-based role assignment",
        "the example contradicts the spec's schema at `.`: invalid type: sequence, expected a map",
    ),
    (
        "createOAuth2Claim",
        "201",
        "CreateCustomTokenClaim",
        "the example contradicts the spec's schema at `.`: an array of claims where one `OAuth2Claim` is declared",
    ),
    (
        "getOAuth2Claim",
        "200",
        "RetrieveCustomTokenClaim",
        "the example contradicts the spec's schema at `.`: an array of claims where one `OAuth2Claim` is declared",
    ),
];

struct Outcome {
    /// KNOWN_BAD_EXAMPLES entries met (by index).
    met: std::collections::BTreeSet<usize>,
    known_bad: usize,
    decoded: usize,
    lossless: usize,
    failures: Vec<String>,
}

fn examples_of<'a>(spec: &'a Value, media: &'a Value) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    if let Some(example) = media.get("example") {
        out.push(("example".to_string(), example));
    }
    for (name, ex) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
        if let Some(value) = common::resolve(spec, ex).get("value") {
            out.push((name.clone(), value));
        }
    }
    out
}

fn check(kind: &str) -> Outcome {
    let spec = common::spec();
    let decoders: BTreeMap<(&str, &str), _> =
        generated_bodies::BODIES.iter().map(|(id, which, f)| ((*id, *which), *f)).collect();
    let mut outcome = Outcome { met: Default::default(), known_bad: 0, decoded: 0, lossless: 0, failures: Vec::new() };
    for (id, _, path, op) in common::operations(spec) {
        if path.starts_with("x-webhooks:") {
            // Inline-hook payloads are the hooks crate's types; tests/it/hooks.rs checks them on these examples.
            continue;
        }
        let mut bodies: Vec<(String, &Value)> = Vec::new();
        if kind == "request" {
            if let Some(media) = op
                .get("requestBody")
                .map(|b| common::resolve(spec, b))
                .and_then(|b| b.pointer("/content/application~1json"))
            {
                bodies.push(("request".into(), media));
            }
        } else {
            for (code, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                if code.starts_with('2') {
                    if let Some(media) = common::resolve(spec, response).pointer("/content/application~1json") {
                        bodies.push((code.clone(), media));
                    }
                }
            }
        }
        for (which, media) in bodies {
            for (name, example) in examples_of(spec, media) {
                let entry = KNOWN_BAD_EXAMPLES.iter().position(|(i, w, n, _)| *i == id && *w == which && *n == name);
                let known_bad = entry.is_some();
                outcome.met.extend(entry);
                let Some(decode) = decoders.get(&(id.as_str(), which.as_str())) else {
                    outcome.failures.push(format!("{id} {which} {name}: no generated type"));
                    continue;
                };
                if known_bad {
                    outcome.known_bad += 1;
                    if decode(example.clone()).is_ok_and(|encoded| lossless(example, &encoded)) {
                        outcome.failures.push(format!("{id} {which} {name}: listed as known bad but decodes now; remove it from KNOWN_BAD_EXAMPLES"));
                    }
                    continue;
                }
                match decode(example.clone()) {
                    Ok(encoded) => {
                        outcome.decoded += 1;
                        if lossless(example, &encoded) {
                            outcome.lossless += 1;
                        } else {
                            outcome.failures.push(format!("{id} {which} {name}: re-encoding changed the example:\n  in:  {example}\n  out: {encoded}"));
                        }
                    }
                    Err(e) => outcome.failures.push(format!("{id} {which} {name}: {e}")),
                }
            }
        }
    }
    // An entry no example of this spec matches is stale: it would hide nothing, so it must go.
    for (index, (id, which, name, _)) in KNOWN_BAD_EXAMPLES.iter().enumerate() {
        if (*which == "request") == (kind == "request") && !outcome.met.contains(&index) {
            outcome
                .failures
                .push(format!("{id} {which} {name}: in KNOWN_BAD_EXAMPLES but not an example of this spec"));
        }
    }
    outcome
}

/// Equal, except that numbers compare by value (`1.0` == `1`) and an explicit `null` equals an absent property
/// (generated models hold both as `None`; Okta treats them alike).
fn lossless(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let non_null = |m: &serde_json::Map<String, Value>| m.iter().filter(|(_, v)| !v.is_null()).count();
            non_null(x) == non_null(y)
                && x.iter().all(|(k, v)| {
                    v.is_null() && y.get(k).is_none_or(Value::is_null) || y.get(k).is_some_and(|w| lossless(v, w))
                })
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| lossless(v, w)),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Runs the check on one kind of body, prints the count and fails on any failure or on too few examples decoded.
fn check_and_report(kind: &str, at_least: usize) {
    let outcome = check(kind);
    println!(
        "{kind} examples of spec {}: {}/{} decode and re-encode losslessly; {} contradict the spec's schema \
         (KNOWN_BAD_EXAMPLES); {} failures",
        okta_management::SPEC_VERSION,
        outcome.lossless,
        outcome.decoded,
        outcome.known_bad,
        outcome.failures.len()
    );
    assert!(outcome.failures.is_empty(), "{} failures:\n{}", outcome.failures.len(), outcome.failures.join("\n"));
    assert!(outcome.decoded >= at_least, "decoded only {} {kind} examples", outcome.decoded);
}

#[test]
fn every_2xx_response_example_decodes_losslessly() {
    check_and_report("response", 590);
}

#[test]
fn every_request_body_example_decodes_losslessly() {
    check_and_report("request", 240);
}
