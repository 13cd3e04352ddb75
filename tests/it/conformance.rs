//! Spec-example conformance: every JSON example of a 2xx response and of a request body in Okta's spec decodes
//! into the generated type of that operation, and encodes back without losing anything: compared with
//! `serde_json::Value`'s equality, so `10` is not `10.0` and `null` is not absent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(feature = "full")]

use crate::common;

use okta_management::decode::Decoding;
use serde_json::Value;
use std::collections::BTreeMap;

pub(crate) mod generated_bodies {
    include!(concat!(env!("OKTA_GENERATED_DIR"), "/okta_conformance.rs"));
}

/// Examples whose top level contradicts the operation's declared body (one object where it declares an array, or an
/// array where it declares one object): `(operationId, body, example, reason)`. Decoding fails only there, by
/// design: a value of the wrong kind anywhere below the top is kept in its object's `extra` map (every other example
/// decodes). Each entry must still fail, at the top level, so the list cannot hide a regression or outlive a fix.
/// These are in both vetted specs; the per-spec ones follow.
const KNOWN_BAD_BOTH: &[(&str, &str, &str, &str)] = &[
    (
        "listJwk",
        "200",
        "OAuthClientJsonWebKeyListResponseExample",
        "the example is one object where the operation declares an array",
    ),
    ("listAuthenticatorMethods", "200", "WebAuthn", "the example is one object where the operation declares an array"),
    (
        "getRefreshTokenForAuthorizationServerAndClient",
        "200",
        "RetrieveRefreshTokenClient",
        "the example is an array where the operation declares one object",
    ),
    (
        "listEmailDomains",
        "200",
        "List email domain response",
        "the example is one object where the operation declares an array",
    ),
    (
        "startImportFromIdentitySource",
        "200",
        "triggeredSession",
        "the example is an array where the operation declares one object",
    ),
    (
        "listLogEvents",
        "200",
        "LogTargetChangeDetails",
        "the example is one object where the operation declares an array",
    ),
    (
        "createPolicySimulation",
        "200",
        "SimulatePolicy",
        "the example is one object where the operation declares an array",
    ),
    ("listPushProviders", "200", "example", "the example is one object where the operation declares an array"),
    (
        "createAssociatedServers",
        "request",
        "CreateAssocAuthServer",
        "the example is an array where the operation declares one object",
    ),
    (
        "createPolicySimulation",
        "request",
        "SimulatePolicy",
        "the example is one object where the operation declares an array",
    ),
    (
        "createOAuth2Claim",
        "request",
        "CreateCustomTokenClaim",
        "the example is an array where the operation declares one object",
    ),
    (
        "replaceOAuth2Claim",
        "request",
        "ReplaceCustomTokenClaim",
        "the example is an array where the operation declares one object",
    ),
    (
        "replaceOAuth2Claim",
        "200",
        "ReplaceCustomTokenClaim",
        "the example is an array where the operation declares one object",
    ),
    (
        "createOAuth2Claim",
        "201",
        "CreateCustomTokenClaim",
        "the example is an array where the operation declares one object",
    ),
    (
        "getOAuth2Claim",
        "200",
        "RetrieveCustomTokenClaim",
        "the example is an array where the operation declares one object",
    ),
];

/// Only in spec 2026.06.3.
const KNOWN_BAD_2026_ONLY: &[(&str, &str, &str, &str)] = &[
    (
        "createInterclientTrustMapping",
        "201",
        "createInterclientTrustMappingResponse",
        "the example is an array where the operation declares one object",
    ),
    ("listAuthenticatorMethods", "200", "TAC", "the example is one object where the operation declares an array"),
    (
        "listAuthenticatorMethods",
        "200",
        "WebAuthnWithRebrandSettings",
        "the example is one object where the operation declares an array",
    ),
    (
        "listAuthenticatorMethods",
        "200",
        "WebAuthnWithRpId",
        "the example is one object where the operation declares an array",
    ),
    (
        "listLogEvents",
        "200",
        "ListLogsWithAdditionalSecurityContext",
        "the example is one object where the operation declares an array",
    ),
    (
        "listOktaSupportCases",
        "200",
        "OktaSupportCasesEx",
        "the example is an array where the operation declares one object",
    ),
    ("createRealm", "200", "Realm Lists", "the example is an array where the operation declares one object"),
    (
        "assignRoleToClient",
        "200",
        "IAM-based role assignment",
        "the example is an array where the operation declares one object",
    ),
];

/// Only in spec 2024.08.3 (CI decodes its examples too).
const KNOWN_BAD_2024_ONLY: &[(&str, &str, &str, &str)] = &[
    (
        "listInlineHooks",
        "200",
        "AuthenticatorConfiguration",
        "the example is one object where the operation declares an array",
    ),
    ("listPolicies", "200", "idp-discovery", "the example is one object where the operation declares an array"),
    ("listPolicies", "200", "mfa-enroll", "the example is one object where the operation declares an array"),
    ("listPolicies", "200", "password", "the example is one object where the operation declares an array"),
    ("listPolicies", "200", "profile-enrollment", "the example is one object where the operation declares an array"),
    (
        "assignRoleToClient",
        "200",
        "IAM-based Role Assignment",
        "the example is an array where the operation declares one object",
    ),
];

/// The known-bad examples of the spec this build was generated from.
fn known_bad_examples() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let only = if okta_management::SPEC_VERSION == "2024.08.3" { KNOWN_BAD_2024_ONLY } else { KNOWN_BAD_2026_ONLY };
    KNOWN_BAD_BOTH.iter().chain(only).copied().collect()
}

struct Outcome {
    /// Entries of the known-bad list met (by index).
    met: std::collections::BTreeSet<usize>,
    known_bad: usize,
    /// Known-bad examples that decode exactly in the shape they have.
    reshaped: usize,
    decoded: usize,
    lossless: usize,
    failures: Vec<String>,
}

fn examples_of(spec: &'static Value, media: &'static Value) -> Vec<(String, &'static Value)> {
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

/// A JSON example of a body, with the operation, which body (`"request"` or a status) and the example's name.
pub(crate) struct Example {
    pub(crate) id: String,
    pub(crate) which: String,
    pub(crate) name: String,
    pub(crate) value: &'static Value,
}

/// Every example of the spec's request bodies (`kind == "request"`) or 2xx responses, hook payloads aside.
pub(crate) fn examples(kind: &str) -> Vec<Example> {
    let spec = common::spec();
    let mut out = Vec::new();
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
            for (name, value) in examples_of(spec, media) {
                out.push(Example { id: id.clone(), which: which.clone(), name, value });
            }
        }
    }
    out
}

/// The generated decoder of an operation's body (`which`: `"request"` or a status).
pub(crate) type Decoder = fn(Value, Decoding) -> Result<Value, String>;

/// The decoders of every body, by `(operationId, which)`.
pub(crate) fn decoders() -> BTreeMap<(&'static str, &'static str), Decoder> {
    generated_bodies::BODIES.iter().map(|(id, which, f)| ((*id, *which), *f)).collect()
}

/// Whether an example is in the known-bad list (its top level contradicts the declared body).
pub(crate) fn is_known_bad(example: &Example) -> bool {
    known_bad_examples().iter().any(|(i, w, n, _)| *i == example.id && *w == example.which && *n == example.name)
}

fn check(kind: &str) -> Outcome {
    let decoders = decoders();
    let known_bad_list = known_bad_examples();
    let mut outcome =
        Outcome { met: Default::default(), known_bad: 0, reshaped: 0, decoded: 0, lossless: 0, failures: Vec::new() };
    for Example { id, which, name, value: example } in examples(kind) {
        let entry = known_bad_list.iter().position(|(i, w, n, _)| *i == id && *w == which && *n == name);
        let known_bad = entry.is_some();
        outcome.met.extend(entry);
        let Some(decode) = decoders.get(&(id.as_str(), which.as_str())) else {
            outcome.failures.push(format!("{id} {which} {name}: no generated type"));
            continue;
        };
        if known_bad {
            outcome.known_bad += 1;
            match decode(example.clone(), Decoding::Lenient) {
                Ok(encoded) if encoded == *example => outcome.failures.push(format!(
                    "{id} {which} {name}: listed as known bad but decodes now; remove it from the known-bad list"
                )),
                // Only the top level may fail a decode: an error with a JSON path is a regression.
                Err(e) if e.contains(" at `") => {
                    outcome.failures.push(format!("{id} {which} {name}: fails below the top level: {e}"))
                }
                _ => {}
            }
            // In the shape it actually has, the example decodes and round-trips exactly: each element of an array
            // where one object is declared, or one object where an array is declared.
            let reshaped = match example {
                Value::Array(items) => {
                    items.iter().all(|item| decode(item.clone(), Decoding::Lenient).is_ok_and(|e| e == *item))
                }
                other => {
                    let listed = Value::Array(vec![other.clone()]);
                    decode(listed.clone(), Decoding::Lenient).is_ok_and(|e| e == listed)
                }
            };
            if reshaped {
                outcome.reshaped += 1;
            } else {
                outcome.failures.push(format!("{id} {which} {name}: does not decode in the shape it has either"));
            }
            continue;
        }
        match decode(example.clone(), Decoding::Lenient) {
            Ok(encoded) => {
                outcome.decoded += 1;
                if encoded == *example {
                    outcome.lossless += 1;
                } else {
                    outcome.failures.push(format!(
                        "{id} {which} {name}: re-encoding changed the example:\n  in:  {example}\n  out: {encoded}"
                    ));
                }
            }
            Err(e) => outcome.failures.push(format!("{id} {which} {name}: {e}")),
        }
    }
    // An entry no example of this spec matches is stale: it would hide nothing, so it must go.
    for (index, (id, which, name, _)) in known_bad_list.iter().enumerate() {
        if (*which == "request") == (kind == "request") && !outcome.met.contains(&index) {
            outcome
                .failures
                .push(format!("{id} {which} {name}: in the known-bad list but not an example of this spec"));
        }
    }
    outcome
}

/// Runs the check on one kind of body, prints the count and fails on any failure or on too few examples decoded.
fn check_and_report(kind: &str, at_least: usize) {
    let outcome = check(kind);
    println!(
        "{kind} examples of spec {}: {}/{} decode and re-encode exactly; {} more contradict their operation's declared \
         top level (the known-bad list) and decode exactly in the shape they have: {}/{}; {} failures",
        okta_management::SPEC_VERSION,
        outcome.lossless,
        outcome.decoded,
        outcome.known_bad,
        outcome.reshaped,
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
