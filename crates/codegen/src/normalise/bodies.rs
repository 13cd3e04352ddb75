//! Rules on request bodies (and the inline-hook payloads): shared bodies copied into their operations, media
//! types progenitor cannot send (multipart, `+json`, PEM/DER/JWT).

use super::Normalised;
use super::walk::for_each_operation;
use serde_json::{Value, json};

/// Request bodies and 2xx responses given as `$ref` to `components/requestBodies|responses` are copied into
/// their operations, so that every operation's body types can be named (and listed for the conformance test).
pub(super) fn inline_shared_bodies(doc: &mut Value, _: &mut Normalised) -> usize {
    let snapshot = doc.clone();
    let resolve = |v: &mut Value| -> bool {
        let Some(target) =
            v.get("$ref").and_then(Value::as_str).and_then(|r| snapshot.pointer(&r.replacen('#', "", 1)))
        else {
            return false;
        };
        *v = target.clone();
        true
    };
    let mut count = 0;
    for_each_operation(doc, |_, _, _, op| {
        if let Some(body) = op.get_mut("requestBody") {
            count += usize::from(resolve(body));
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (code, r) in responses.iter_mut() {
                if code.starts_with('2') {
                    count += usize::from(resolve(r));
                }
            }
        }
    });
    count
}

/// progenitor cannot express multipart/form-data bodies: the five logo/favicon/background-image uploads are taken
/// out of its input and written by hand in `src/uploads.rs` with the same method names.
pub(super) fn take_out_multipart_operations(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut taken = Vec::new();
    for_each_operation(doc, |id, method, path, op| {
        let multipart = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
            .is_some_and(|c| c.contains_key("multipart/form-data"));
        if multipart {
            taken.push((id.to_string(), method.to_string(), path.to_string()));
        }
    });
    for (id, method, path) in &taken {
        if let Some(item) = doc.get_mut("paths").and_then(|p| p.get_mut(path.as_str())).and_then(Value::as_object_mut) {
            item.remove(method.as_str());
        }
        n.hand_written.insert(id.clone());
    }
    taken.len()
}

/// progenitor types only `application/json` bodies; a JSON-based media type (`updateCustomAAGUID`'s
/// `application/merge-patch+json`) is typed as JSON and the transport sends it with its real Content-Type.
pub(super) fn json_bodies_for_json_suffix_media(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut count = 0;
    for_each_operation(doc, |id, _, _, op| {
        let Some(content) = op.pointer_mut("/requestBody/content").and_then(Value::as_object_mut) else { return };
        if content.contains_key("application/json") || content.len() != 1 {
            return;
        }
        let Some(real) = content.keys().find(|k| k.ends_with("+json")).cloned() else { return };
        if let Some(media) = content.remove(&real) {
            content.insert("application/json".into(), media);
            n.body_media_types.insert(id.to_string(), real);
            count += 1;
        }
    });
    count
}

/// progenitor rejects request media other than JSON/form/text/octet-stream and several media types per body
/// (`publishCsrFromApplication`, `publishCsrForIdentityProvider`: PEM/DER certificates; `publishSecurityEventTokens`:
/// secevent+jwt). Keeps one media type as a raw body; the transport sets the real Content-Type from the table.
pub(super) fn raw_bodies_for_non_json_media(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut count = 0;
    for_each_operation(doc, |id, _, _, op| {
        let Some(content) = op.pointer_mut("/requestBody/content").and_then(Value::as_object_mut) else { return };
        if content.contains_key("application/json") || content.contains_key("application/x-www-form-urlencoded") {
            return;
        }
        let Some(real) =
            content.keys().find(|k| *k == "application/x-pem-file").or_else(|| content.keys().next()).cloned()
        else {
            return;
        };
        let (progenitor_type, schema) = if real.contains("jwt") {
            ("text/plain", json!({"type": "string"}))
        } else {
            ("application/octet-stream", json!({"type": "string", "format": "binary"}))
        };
        content.clear();
        content.insert(progenitor_type.to_string(), json!({ "schema": schema }));
        n.body_media_types.insert(id.to_string(), real);
        count += 1;
    });
    count
}
