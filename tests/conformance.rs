//! Spec-example conformance: every JSON example of a 2xx response and of a request body in Okta's spec decodes
//! into the generated type of that operation, and encodes back without losing anything.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;

mod generated_bodies {
    include!(concat!(env!("OUT_DIR"), "/okta_conformance.rs"));
}

/// Examples that cannot decode because the spec's example contradicts the spec's own schema, with the reason.
/// Empty: every example decodes.
const KNOWN_BAD_EXAMPLES: &[(&str, &str, &str, &str)] = &[];

struct Outcome {
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
    let decoders: BTreeMap<(&str, &str), _> = generated_bodies::BODIES.iter().map(|(id, which, f)| ((*id, *which), *f)).collect();
    let mut outcome = Outcome { decoded: 0, lossless: 0, failures: Vec::new() };
    for (id, _, _, op) in common::operations(spec) {
        let mut bodies: Vec<(String, &Value)> = Vec::new();
        if kind == "request" {
            if let Some(media) = op.get("requestBody").map(|b| common::resolve(spec, b)).and_then(|b| b.pointer("/content/application~1json")) {
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
                if KNOWN_BAD_EXAMPLES.iter().any(|(i, w, n, _)| *i == id && *w == which && *n == name) {
                    continue;
                }
                let Some(decode) = decoders.get(&(id.as_str(), which.as_str())) else {
                    outcome.failures.push(format!("{id} {which} {name}: no generated type"));
                    continue;
                };
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
    outcome
}

/// Equal, except that numbers compare by value (`1.0` == `1`) and date-times by instant (Okta's examples
/// write fractional seconds in several ways).
fn lossless(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| lossless(v, w))),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| lossless(v, w)),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) if x != y => {
            match (chrono::DateTime::parse_from_rfc3339(x), chrono::DateTime::parse_from_rfc3339(y)) {
                (Ok(p), Ok(q)) => p == q,
                _ => false,
            }
        }
        _ => a == b,
    }
}

#[test]
fn every_2xx_response_example_decodes_losslessly() {
    let outcome = check("response");
    eprintln!("response examples: {} decoded, {} lossless, {} failures", outcome.decoded, outcome.lossless, outcome.failures.len());
    assert!(outcome.failures.is_empty(), "{} failures:\n{}", outcome.failures.len(), outcome.failures.join("\n"));
    assert!(outcome.decoded >= 586, "the spec has at least 586 2xx JSON response examples, decoded {}", outcome.decoded);
}

#[test]
fn every_request_body_example_decodes_losslessly() {
    let outcome = check("request");
    eprintln!("request examples: {} decoded, {} lossless, {} failures", outcome.decoded, outcome.lossless, outcome.failures.len());
    assert!(outcome.failures.is_empty(), "{} failures:\n{}", outcome.failures.len(), outcome.failures.join("\n"));
    assert!(outcome.decoded > 0);
}
