//! Runs progenitor on the normalised document and writes, into `OUT_DIR`:
//! - `okta_generated.rs`: progenitor's client, builders and typify's models;
//! - `okta_models.rs`: the open enums and tagged unions that replace typify's closed ones (see normalise.rs);
//! - `okta_manifest.rs`: every operation of the spec with its Rust method name, plus tables the runtime uses.

use crate::normalise::{Normalised, upper_camel};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

const MODELS_PATH: &str = "crate::generated::models";

pub fn generate(
    doc: &Value,
    n: &Normalised,
    out_dir: &Path,
    spec_version: &str,
    spec_sha256: &str,
) -> Result<(), String> {
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(doc.clone()).map_err(|e| format!("the normalised spec is not OpenAPI 3.0: {e}"))?;

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote_path("std::sync::Arc<crate::transport::Runtime>"))
        .with_derive("PartialEq")
        .with_map_type("::std::collections::BTreeMap");
    for name in n.open_enums.keys() {
        let impls = [TypeImpl::Display, TypeImpl::FromStr];
        settings.with_replacement(
            upper_camel(name),
            format!("{MODELS_PATH}::{}", upper_camel(name)),
            impls.into_iter(),
        );
    }
    for name in n.polymorphic.keys() {
        settings.with_replacement(
            upper_camel(name),
            format!("{MODELS_PATH}::{}", upper_camel(name)),
            std::iter::empty(),
        );
    }
    settings.with_replacement("CommaSeparatedList", "crate::query::CommaSeparated", [TypeImpl::Display].into_iter());

    let mut generator = Generator::new(&settings);
    let tokens =
        generator.generate_tokens(&spec).map_err(|e| format!("progenitor failed on the normalised spec: {e}"))?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| format!("progenitor produced unparsable code: {e}"))?;
    slim_models(&mut file);
    let merged = merge_identical_match_arms(&mut file);
    if merged == 0 {
        return Err(
            "post-generation edit `merge_identical_match_arms` changed nothing: progenitor's output changed".into()
        );
    }
    let emitted = client_methods(&file);
    let operations = n.operations.len() - n.hand_written.len();
    // The models go to `okta_types.rs` (compiled by okta-management-types), the client to `okta_generated.rs`
    // (compiled by okta-management): two crates, so neither rustc holds the whole API.
    let (types, client) = split_types(file)?;
    let types = replace_counted(
        &prettyplease::unparse(&types),
        // The flattened `extra` map is optional in substance: struct builders start it empty, not as a missing value.
        "extra: Err(\"no value supplied for extra\".to_string()),",
        "extra: Ok(Default::default()),",
        "struct builders' extra map",
        |n| n > 0,
    )?;
    write(out_dir, "okta_types.rs", &types)?;
    let code = expose_builder_client(&prettyplease::unparse(&client), operations)?;
    write(out_dir, "okta_generated.rs", &code)?;
    write(out_dir, "okta_models.rs", &models(n))?;
    let (paginated_code, paginated_ops) = paginated(doc, n);
    write(out_dir, "okta_manifest.rs", &manifest(n, &emitted, &paginated_ops))?;
    write(
        out_dir,
        "okta_spec.rs",
        &format!(
            "/// `info.version` of the Okta spec this build was generated from.\npub const SPEC_VERSION: &str = {spec_version:?};\n/// SHA-256 of that spec file.\npub const SPEC_SHA256: &str = {spec_sha256:?};\n"
        ),
    )?;
    write(out_dir, "okta_conformance.rs", &conformance(doc, n))?;
    write(out_dir, "okta_paginated.rs", &paginated_code)?;
    // What each transformation touched, for whoever maintains the pass (not printed: users' builds stay quiet).
    let report: String = n.log.iter().map(|(name, touched)| format!("{name}: {touched}\n")).collect();
    write(out_dir, "normalisation-report.txt", &report)?;
    Ok(())
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().unwrap_or_default()
}

fn write(out_dir: &Path, name: &str, code: &str) -> Result<(), String> {
    let path = out_dir.join(name);
    // Writing an identical file keeps its mtime, so nothing downstream is rebuilt needlessly.
    if std::fs::read_to_string(&path).ok().as_deref() == Some(code) {
        return Ok(());
    }
    std::fs::write(&path, code).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// typify writes a builder for every model struct because progenitor's builder interface needs them for
/// request bodies (`body_map`); nothing else uses them, and the other ~1,200 were more than half of the generated
/// lines and of the crate's compile time. Only request bodies keep theirs. Every model whose fields are all
/// optional derives `Default` instead, so any model can be written as a struct literal with `..Default::default()`.
fn slim_models(file: &mut syn::File) {
    use quote::ToTokens;
    let mut outside = String::new();
    for item in &file.items {
        if !matches!(item, syn::Item::Mod(m) if m.ident == "types") {
            outside.push_str(&item.to_token_stream().to_string());
        }
    }
    let needed: std::collections::BTreeSet<String> = outside
        .split("types :: builder :: ")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .collect();
    let self_name = |ty: &syn::Type| match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let Some(types) = file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let items = &mut types.1;
    let mut manual_default = std::collections::BTreeSet::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, builders)) = m.content.as_mut() {
                    builders.retain(|b| match b {
                        syn::Item::Struct(s) => needed.contains(&s.ident.to_string()),
                        syn::Item::Impl(i) => self_name(&i.self_ty).is_some_and(|n| needed.contains(&n)),
                        _ => true,
                    });
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() && self_name(&i.self_ty).is_some_and(|n| !needed.contains(&n)) => {
                i.items.retain(|f| !matches!(f, syn::ImplItem::Fn(f) if f.sig.ident == "builder"));
            }
            syn::Item::Impl(i) => {
                let is_default =
                    i.trait_.as_ref().and_then(|t| t.1.segments.last()).is_some_and(|s| s.ident == "Default");
                if let (true, Some(name)) = (is_default, self_name(&i.self_ty)) {
                    manual_default.insert(name);
                }
            }
            _ => {}
        }
    }
    items.retain(|i| !matches!(i, syn::Item::Impl(i) if i.trait_.is_none() && i.items.is_empty()));
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else { continue };
        const DEFAULTABLE: [&str; 4] = [
            ":: std :: option :: Option",
            ":: serde_json :: Map",
            ":: std :: vec :: Vec",
            ":: std :: collections :: BTreeMap",
        ];
        let all_optional = fields.named.iter().all(|f| {
            let ty = f.ty.to_token_stream().to_string();
            DEFAULTABLE.iter().any(|prefix| ty.starts_with(prefix))
        });
        let derives_default =
            s.attrs.iter().any(|a| a.path().is_ident("derive") && a.to_token_stream().to_string().contains("Default"));
        if all_optional && !derives_default && !manual_default.contains(&s.ident.to_string()) {
            s.attrs.push(syn::parse_quote!(#[derive(Default)]));
        }
    }
}

/// Post-generation steps on the client: the pagination extension follows `Link` headers with the builder's client,
/// which progenitor keeps private to its `builder` module; success bodies are decoded by the crate. Each edit checks how many places it changed, so a progenitor upgrade
/// that changes its output fails the build here instead of silently skipping an edit.
fn expose_builder_client(code: &str, builders: usize) -> Result<String, String> {
    let code = replace_counted(
        code,
        "        client: &'a super::Client,\n",
        "        pub(crate) client: &'a super::Client,\n",
        "builder client field",
        |n| n == builders,
    )?;
    // Success bodies are decoded by the crate, so a decode error names the operation and status.
    replace_counted(
        &code,
        "=> ResponseValue::from_response(response).await,",
        "=> crate::transport::decode_response(response, info.operation_id).await,",
        "success body decoding",
        |n| n > 0,
    )
}

/// Splits progenitor's file into the `types` module (alone in a file) and everything else.
fn split_types(file: syn::File) -> Result<(syn::File, syn::File), String> {
    let (types, client): (Vec<syn::Item>, Vec<syn::Item>) =
        file.items.into_iter().partition(|i| matches!(i, syn::Item::Mod(m) if m.ident == "types"));
    if types.len() != 1 {
        return Err(format!("progenitor's output has {} `types` modules, expected 1", types.len()));
    }
    let shebang = None;
    Ok((
        syn::File { shebang, attrs: Vec::new(), items: types },
        syn::File { shebang: None, attrs: file.attrs, items: client },
    ))
}

/// progenitor writes one `match` arm per documented error status, each with the same body (`400u16 => Err(…
/// from_response(response).await?)`, `403u16 => …`); every arm is an `.await` point of the operation's `send`
/// state machine, and these copies were the largest share of the crate's borrow-checking time and memory. Arms of
/// one `match` whose patterns are literals and whose bodies are identical become one arm (`400u16 | 403u16 => …`),
/// which does exactly the same. Returns how many arms were folded into others.
fn merge_identical_match_arms(file: &mut syn::File) -> usize {
    use quote::ToTokens;
    use syn::visit_mut::VisitMut;
    struct Merge(usize);
    impl VisitMut for Merge {
        fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
            syn::visit_mut::visit_expr_match_mut(self, m);
            let literal = |arm: &syn::Arm| arm.guard.is_none() && matches!(arm.pat, syn::Pat::Lit(_));
            if !m.arms.iter().all(|a| literal(a) || matches!(a.pat, syn::Pat::Wild(_))) {
                return;
            }
            let mut kept: Vec<(String, syn::Arm)> = Vec::new();
            for arm in std::mem::take(&mut m.arms) {
                let body = arm.body.to_token_stream().to_string();
                match kept.iter_mut().find(|(b, k)| *b == body && literal(k) && literal(&arm)) {
                    Some((_, k)) => {
                        let previous = std::mem::replace(&mut k.pat, syn::Pat::Verbatim(Default::default()));
                        let mut cases = match previous {
                            syn::Pat::Or(or) => or.cases,
                            other => std::iter::once(other).collect(),
                        };
                        cases.push(arm.pat);
                        k.pat = syn::Pat::Or(syn::PatOr { attrs: Vec::new(), leading_vert: None, cases });
                        self.0 += 1;
                    }
                    None => kept.push((body, arm)),
                }
            }
            m.arms = kept.into_iter().map(|(_, arm)| arm).collect();
        }
    }
    let mut merge = Merge(0);
    merge.visit_file_mut(file);
    merge.0
}

/// `code.replace(from, to)`, failing unless the number of places matched is what `expected` accepts.
fn replace_counted(
    code: &str,
    from: &str,
    to: &str,
    edit: &str,
    expected: impl Fn(usize) -> bool,
) -> Result<String, String> {
    let found = code.matches(from).count();
    if !expected(found) {
        return Err(format!(
            "post-generation edit `{edit}` matched {found} places in progenitor's output, which is not what \
             build/codegen.rs expects: progenitor's output changed; update the edit"
        ));
    }
    Ok(code.replace(from, to))
}

/// `impl Paginated` for the builder of every paged list operation: those that return an array, and those that
/// wrap their items in an object's only array property (`listRoles`: `{"roles": [...], "_links": {"next": …}}`),
/// which also get `impl ListBody` for the wrapper.
fn paginated(doc: &Value, n: &Normalised) -> (String, Vec<String>) {
    let mut out = String::from("// Generated by build.rs: `.pages()` / `.stream()` for paged list operations.\n");
    let mut operations = Vec::new();
    for (id, which, pointer) in &n.bodies {
        if which != "200" || !n.paged.contains(id) {
            continue;
        }
        let Some(schema) = doc.pointer(pointer) else { continue };
        let (item, body) = if schema.get("type").and_then(Value::as_str) == Some("array") {
            let Some(item) = schema.get("items").and_then(|i| type_expr(i, "crate::types")) else { continue };
            (item.clone(), format!("Vec<{item}>"))
        } else {
            let Some((wrapper, item, field, links)) = wrapper_list(doc, schema) else { continue };
            let next = if links { "self.links.and_then(|l| l.next).and_then(|n| n.href)" } else { "None" };
            let _ = writeln!(
                out,
                "impl crate::pagination::ListBody for crate::types::{wrapper} {{\n    type Item = {item};\n    fn into_page_parts(self) -> (Vec<{item}>, Option<String>) {{ let next = {next}; (self.{field}.unwrap_or_default(), next) }}\n}}"
            );
            (item, format!("crate::types::{wrapper}"))
        };
        let builder = upper_camel(id);
        let method = heck::ToSnakeCase::to_snake_case(id.as_str());
        operations.push(id.clone());
        let _ = writeln!(
            out,
            "impl<'a> crate::pagination::Paginated<'a> for builder::{builder}<'a> {{\n    type Item = {item};\n    type Body = {body};\n    const OPERATION: &'static str = {method:?};\n    fn api(&self) -> &'a Client {{ self.client }}\n    fn first_page(self) -> impl ::std::future::Future<Output = Result<ResponseValue<Self::Body>, crate::Error>> + Send + 'a {{ async move {{ self.send().await.map_err(crate::Error::from) }} }}\n}}"
        );
    }
    (out, operations)
}

/// For a `$ref` to an object whose only array property holds the items: (wrapper type, item type, the Rust field
/// of the items, whether it has a typed `_links.next.href`, read straight from the decoded fields).
fn wrapper_list(doc: &Value, schema: &Value) -> Option<(String, String, String, bool)> {
    let name = schema.get("$ref")?.as_str()?.rsplit('/').next()?;
    let wrapper = doc.pointer(&format!("/components/schemas/{name}"))?;
    let props = wrapper.get("properties")?.as_object()?;
    let arrays: Vec<(&String, &Value)> =
        props.iter().filter(|(_, p)| p.get("type").and_then(Value::as_str) == Some("array")).collect();
    let [(field, array)] = arrays.as_slice() else { return None };
    let item = type_expr(array.get("items")?, "crate::types")?;
    let field = heck::ToSnakeCase::to_snake_case(field.as_str());
    Some((upper_camel(name), item, field, typed_next_href(doc, props.get("_links"))))
}

/// Whether a `_links` schema declares `next` with a string `href` (so `links.next.href` is an `Option<String>`).
fn typed_next_href(doc: &Value, links: Option<&Value>) -> bool {
    let resolve = |s: &Value| -> Option<Value> {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => doc.pointer(&format!("/components/schemas/{}", r.rsplit('/').next()?)).cloned(),
            None => Some(s.clone()),
        }
    };
    let href = links
        .and_then(resolve)
        .and_then(|l| l.pointer("/properties/next").and_then(resolve))
        .and_then(|n| n.pointer("/properties/href/type").cloned());
    href.as_ref().and_then(Value::as_str) == Some("string")
}

/// Open enums and tagged unions, as invocations of the hand-written `open_enum!` and `tagged_union!` macros.
fn models(n: &Normalised) -> String {
    let mut out = String::from("// Generated by build.rs from Okta's spec: open enums and discriminated unions.\n");
    for (name, values) in &n.open_enums {
        let _ = writeln!(out, "crate::open_enum! {{ {} {{", upper_camel(name));
        let mut used = std::collections::BTreeSet::new();
        for value in values {
            let mut variant = variant_name(value);
            while !used.insert(variant.clone()) {
                variant.push('_');
            }
            let _ = writeln!(out, "    {variant} => {value:?},");
        }
        out.push_str("} }\n");
    }
    for (name, union) in &n.polymorphic {
        let _ = writeln!(out, "crate::tagged_union! {{ {} tag {:?} {{", upper_camel(name), union.property);
        let mut seen = std::collections::BTreeMap::<String, Vec<&str>>::new();
        for (value, target) in &union.mapping {
            seen.entry(target.clone()).or_default().push(value);
        }
        let type_of = |target: &str| {
            if n.polymorphic.contains_key(target) && target != name {
                format!("{MODELS_PATH}::{}", upper_camel(target))
            } else if target == name {
                // The mapping points at the base itself: no subtype struct exists, keep the raw object.
                "::serde_json::Map<String, ::serde_json::Value>".to_string()
            } else {
                format!("crate::generated::types::{}", upper_camel(target))
            }
        };
        for (target, values) in seen {
            let values: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            let _ = writeln!(out, "    {}({}) = [{}],", upper_camel(&target), type_of(&target), values.join(", "));
        }
        if let Some(fallback) = &union.fallback {
            let _ = writeln!(out, "}} else {}({}) }}", upper_camel(fallback), type_of(fallback));
            continue;
        }
        out.push_str("} }\n");
    }
    out
}

/// `SAML_2_0` -> `Saml20`, `oidc_client` -> `OidcClient`, `3des` -> `V3des`, `*` -> `Any`.
fn variant_name(value: &str) -> String {
    let cleaned: String = value.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let mut name = upper_camel(cleaned.trim());
    if name.is_empty() {
        name = match value {
            "*" => "Any".into(),
            "" => "Empty".into(),
            _ => "Symbol".into(),
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Unknown" || name == "Self" {
        name.push('_');
    }
    name
}

/// The public methods progenitor emitted on `Client` (read from its output, not from the spec).
fn client_methods(file: &syn::File) -> Vec<String> {
    let mut methods = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(i) = item else { continue };
        let is_client = matches!(&*i.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || i.trait_.is_some() {
            continue;
        }
        for f in &i.items {
            if let syn::ImplItem::Fn(f) = f {
                if matches!(f.vis, syn::Visibility::Public(_)) {
                    methods.push(f.sig.ident.to_string());
                }
            }
        }
    }
    methods.sort();
    methods
}

fn manifest(n: &Normalised, emitted: &[String], paginated: &[String]) -> String {
    let mut out = String::from("// Generated by build.rs: every operation of Okta's spec.\n");
    out.push_str("/// The public methods progenitor emitted on the generated `Client`, read from its output.\n");
    out.push_str("pub const GENERATED_METHODS: &[&str] = &[\n");
    for m in emitted {
        let _ = writeln!(out, "    {m:?},");
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "/// Every operation of the spec compiled into this build (all {} with the `full` feature).",
        n.operations.len()
    );
    out.push_str("pub const OPERATIONS: &[crate::manifest::Operation] = &[\n");
    for (id, method, path, group) in &n.operations {
        let _ = writeln!(
            out,
            "    crate::manifest::Operation {{ operation_id: {id:?}, method: {method:?}, path: {path:?}, group: {group:?}, rust_method: {:?}, hand_written: {} }},",
            heck::ToSnakeCase::to_snake_case(id.as_str()),
            n.hand_written.contains(id)
        );
    }
    out.push_str("];\n");
    out.push_str("/// Operations (Rust method names) whose request body needs a Content-Type progenitor does not set (raw PEM/JWT bodies, merge-patch JSON).\n");
    out.push_str("pub const BODY_MEDIA_TYPES: &[(&str, &str)] = &[\n");
    for (id, media) in &n.body_media_types {
        let _ = writeln!(out, "    ({:?}, {media:?}),", heck::ToSnakeCase::to_snake_case(id.as_str()));
    }
    out.push_str("];\n");
    out.push_str("/// Operations with an `after` cursor parameter (Okta pages them with `Link` headers).\n");
    out.push_str("pub const PAGED_OPERATIONS: &[&str] = &[\n");
    for id in &n.paged {
        let _ = writeln!(out, "    {id:?},");
    }
    out.push_str("];\n");
    out.push_str("/// Operations (operationIds) whose builder has `.pages()` / `.stream()` (`impl Paginated`).\n");
    out.push_str("pub const PAGINATED_OPERATIONS: &[&str] = &[\n");
    for id in paginated {
        let _ = writeln!(out, "    {id:?},");
    }
    out.push_str("];\n");
    out.push_str("/// Inline hook payloads from `x-webhooks`: `(operationId, request type, response type)`.\n");
    out.push_str("pub const INLINE_HOOKS: &[(&str, &str, &str)] = &[\n");
    for (id, req, resp) in &n.webhooks {
        let _ = writeln!(out, "    ({id:?}, {req:?}, {:?}),", resp.as_deref().unwrap_or(""));
    }
    out.push_str("];\n");
    out
}

/// For the conformance test: a decode-and-re-encode function per JSON body type of every operation.
fn conformance(doc: &Value, n: &Normalised) -> String {
    let mut out =
        String::from("// Generated by build.rs for tests/it/conformance.rs: the Rust type of every JSON body.\n");
    out.push_str("/// `(operationId, \"request\" or status, decode into the generated type and encode back)`.\n");
    out.push_str("#[allow(clippy::type_complexity)]\n");
    out.push_str(
        "pub const BODIES: &[(&str, &str, fn(::serde_json::Value) -> Result<::serde_json::Value, String>)] = &[\n",
    );
    let mut entries: Vec<(String, String, String)> = Vec::new();
    for (id, which, pointer) in &n.bodies {
        if let Some(ty) = doc.pointer(pointer).and_then(|s| type_expr(s, "okta_management::types")) {
            entries.push((id.clone(), which.clone(), ty));
        }
    }
    for (id, request, response) in &n.webhooks {
        entries.push((id.clone(), "request".into(), format!("okta_management::types::{}", upper_camel(request))));
        if let Some(response) = response {
            entries.push((id.clone(), "200".into(), format!("okta_management::types::{}", upper_camel(response))));
        }
    }
    for (id, which, ty) in entries {
        let _ = writeln!(out, "    ({id:?}, {which:?}, round_trip::<{ty}>),");
    }
    out.push_str("];\n");
    out.push_str("/// Decodes (an error names the JSON path) and encodes back.\nfn round_trip<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(v: ::serde_json::Value) -> Result<::serde_json::Value, String> {\n    let decoded: T = ::serde_path_to_error::deserialize(v).map_err(|e| format!(\"at {}: {}\", e.path(), e.inner()))?;\n    ::serde_json::to_value(decoded).map_err(|e| e.to_string())\n}\n");
    out
}

/// The Rust type progenitor uses for a (normalised) body schema, as a path usable from outside the crate.
fn type_expr(s: &Value, types: &str) -> Option<String> {
    if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next()?;
        return Some(format!("{types}::{}", upper_camel(name)));
    }
    Some(match s.get("type").and_then(Value::as_str) {
        Some("array") => format!("Vec<{}>", type_expr(s.get("items")?, types)?),
        Some("string") if s.get("format").and_then(Value::as_str) == Some("binary") => return None,
        Some("string") => "String".into(),
        Some("integer") => "i64".into(),
        Some("number") => "f64".into(),
        Some("boolean") => "bool".into(),
        _ if s.as_object().is_some_and(|o| o.is_empty()) => "::serde_json::Value".into(),
        _ => match s.get("additionalProperties") {
            Some(v) if v.is_object() => format!("::std::collections::BTreeMap<String, {}>", type_expr(v, types)?),
            _ => "::serde_json::Map<String, ::serde_json::Value>".into(),
        },
    })
}
