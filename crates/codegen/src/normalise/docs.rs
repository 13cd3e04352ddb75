//! Rules on documentation: examples (not needed to generate) and code blocks in descriptions (would be doctests).

use super::Normalised;
use super::walk::for_each_operation;
use serde_json::Value;

/// Examples are not needed by progenitor (the conformance test reads them from the original spec); dropping
/// them makes the document progenitor digests a third smaller.
pub(super) fn drop_examples(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    if let Some(c) = doc.get_mut("components").and_then(Value::as_object_mut) {
        if c.remove("examples").is_some() {
            count += 1;
        }
    }
    if let Some(root) = doc.as_object_mut() {
        root.remove("x-webhooks");
    }
    for_each_operation(doc, |_, _, _, op| {
        let Some(op) = op.as_object_mut() else { return };
        let bodies = op.iter_mut().filter(|(k, _)| *k == "requestBody" || *k == "responses").flat_map(|(k, v)| {
            if k == "requestBody" {
                vec![v]
            } else {
                v.as_object_mut().map(|r| r.values_mut().collect()).unwrap_or_default()
            }
        });
        for body in bodies {
            if let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) {
                for media in content.values_mut().filter_map(Value::as_object_mut) {
                    count += usize::from(media.remove("examples").is_some())
                        + usize::from(media.remove("example").is_some());
                }
            }
        }
    });
    count
}

/// Descriptions become rustdoc comments, where a Markdown code block (JSON, HTTP, curl in Okta's prose) is a
/// Rust doctest that cannot compile; every fenced block is marked `text`.
pub(super) fn plain_text_code_blocks(doc: &mut Value, _: &mut Normalised) -> usize {
    fn visit(v: &mut Value, count: &mut usize) {
        match v {
            Value::Object(o) => {
                for (k, child) in o.iter_mut() {
                    match (k.as_str(), child) {
                        ("description" | "summary", Value::String(text)) if text.contains("```") => {
                            *text = fence_as_text(text);
                            *count += 1;
                        }
                        (_, child) => visit(child, count),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| visit(c, count)),
            _ => {}
        }
    }
    let mut count = 0;
    visit(doc, &mut count);
    count
}

fn fence_as_text(text: &str) -> String {
    let mut inside = false;
    let mut out = String::with_capacity(text.len() + 32);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if inside {
                out.push_str(line);
            } else {
                let indent = &line[..line.len() - trimmed.len()];
                out.push_str(indent);
                out.push_str("```text");
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            inside = !inside;
        } else {
            out.push_str(line);
        }
    }
    out
}
