//! Runs progenitor on the normalised document, edits its output as a syntax tree, and writes, into `OUT_DIR`:
//! - `okta_types.rs`: typify's models (compiled by okta-management-types);
//! - `okta_generated.rs`: progenitor's client and builders (compiled by okta-management);
//! - `okta_models.rs`: the open enums and tagged unions that replace typify's closed ones (see `normalise/`);
//! - `okta_manifest.rs`: every operation of the spec with its Rust method name, plus tables the runtime uses;
//! - `okta_spec.rs`, `okta_conformance.rs`, `okta_paginated.rs`, `normalisation-report.txt`.
//!
//! Every edit of progenitor's output is a [`syn::visit_mut::VisitMut`] pass that counts the places it changed; a
//! count other than expected fails the build with the edit's name, so a progenitor upgrade that changes its output
//! is noticed here instead of an edit silently doing nothing.

use crate::normalise::{Normalised, upper_camel};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;
use syn::visit_mut::VisitMut;

const MODELS_PATH: &str = "crate::generated::models";

/// Generates the client and models from the normalised document `doc` and writes every file into `out_dir`.
pub(crate) fn emit(
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
    let operations = n.operations.len() - n.hand_written.len();
    // A build with no API group (e.g. `okta-management-hooks` alone) has no operation, so nothing to edit.
    let some = |count: usize| count > 0 || operations == 0;
    let merged = merge_identical_match_arms(&mut file);
    expect_count("merge_identical_match_arms", merged, some)?;
    let emitted = client_methods(&file);
    // The models go to `okta_types.rs` (compiled by okta-management-types), the client to `okta_generated.rs`
    // (compiled by okta-management): two crates, so neither rustc holds the whole API.
    let (mut types, mut client) = split_types(file)?;
    expect_count("start_extra_maps_empty", start_extra_maps_empty(&mut types), some)?;
    write(out_dir, "okta_types.rs", &prettyplease::unparse(&types))?;
    expect_count("expose_builder_client", expose_builder_client(&mut client), |n| n == operations)?;
    expect_count("decode_success_bodies", decode_success_bodies(&mut client), some)?;
    write(out_dir, "okta_generated.rs", &prettyplease::unparse(&client))?;
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

/// Fails unless the number of places a post-generation edit changed is what `expected` accepts.
fn expect_count(edit: &str, changed: usize, expected: impl Fn(usize) -> bool) -> Result<(), String> {
    if expected(changed) {
        return Ok(());
    }
    Err(format!(
        "post-generation edit `{edit}` changed {changed} places in progenitor's output, which is not what \
         crates/codegen/src/emit.rs expects: progenitor's output changed; update the edit"
    ))
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

/// typify's struct builders start every field as "no value supplied"; the flattened `extra` map is optional in
/// substance, so a builder starts it empty: `extra: Err("no value supplied for extra".to_string())` in the
/// builders' `Default` impls becomes `extra: Ok(Default::default())`. Returns how many places it changed.
fn start_extra_maps_empty(file: &mut syn::File) -> usize {
    struct Edit(usize);
    impl VisitMut for Edit {
        fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
            syn::visit_mut::visit_field_value_mut(self, field);
            let is_extra = matches!(&field.member, syn::Member::Named(name) if name == "extra");
            if is_extra && is_missing_value_error(&field.expr, "extra") {
                field.expr = syn::parse_quote!(Ok(Default::default()));
                self.0 += 1;
            }
        }
    }
    let mut edit = Edit(0);
    edit.visit_file_mut(file);
    edit.0
}

/// Whether `expr` is `Err("no value supplied for {field}".to_string())`, typify's builder start value.
fn is_missing_value_error(expr: &syn::Expr, field: &str) -> bool {
    let syn::Expr::Call(call) = expr else { return false };
    let is_err = matches!(&*call.func, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident("Err"));
    let [syn::Expr::MethodCall(to_string)] = call.args.iter().collect::<Vec<_>>().as_slice() else { return false };
    let message = match &*to_string.receiver {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => s.value(),
        _ => return false,
    };
    is_err
        && to_string.method == "to_string"
        && to_string.args.is_empty()
        && to_string.turbofish.is_none()
        && message == format!("no value supplied for {field}")
}

/// The pagination extension follows `Link` headers with the builder's client, which progenitor keeps private to
/// its `builder` module: the `client: &'a super::Client` field of every struct in `mod builder` becomes
/// `pub(crate)`. Returns how many fields it changed (one per generated operation).
fn expose_builder_client(file: &mut syn::File) -> usize {
    struct Edit {
        in_builder: bool,
        changed: usize,
    }
    impl VisitMut for Edit {
        fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
            let outer = self.in_builder;
            self.in_builder = m.ident == "builder";
            syn::visit_mut::visit_item_mod_mut(self, m);
            self.in_builder = outer;
        }
        fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
            if !self.in_builder {
                return;
            }
            for field in s.fields.iter_mut() {
                let named_client = field.ident.as_ref().is_some_and(|i| i == "client");
                if named_client && matches!(field.vis, syn::Visibility::Inherited) && is_client_ref(&field.ty) {
                    field.vis = syn::parse_quote!(pub(crate));
                    self.changed += 1;
                }
            }
        }
    }
    let mut edit = Edit { in_builder: false, changed: 0 };
    edit.visit_file_mut(file);
    edit.changed
}

/// Whether `ty` is `&'a super::Client` (a shared reference with a lifetime).
fn is_client_ref(ty: &syn::Type) -> bool {
    let syn::Type::Reference(r) = ty else { return false };
    let syn::Type::Path(p) = &*r.elem else { return false };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    r.lifetime.is_some() && r.mutability.is_none() && p.qself.is_none() && segments == ["super", "Client"]
}

/// Success bodies are decoded by the crate, so a decode error names the operation and status: every `match` arm
/// whose body is `ResponseValue::from_response(response).await` (progenitor writes it as a block of that one
/// expression, `=> { … }`) gets `crate::transport::decode_response(response, info.operation_id).await` instead.
/// Error arms (`…from_response(response).await?` inside `Err(…)`) are left alone. Returns how many arms it changed.
fn decode_success_bodies(file: &mut syn::File) -> usize {
    struct Edit(usize);
    impl VisitMut for Edit {
        fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
            syn::visit_mut::visit_arm_mut(self, arm);
            let body = match &mut *arm.body {
                syn::Expr::Block(b) if b.attrs.is_empty() && b.label.is_none() => match b.block.stmts.as_mut_slice() {
                    [syn::Stmt::Expr(tail, None)] => tail,
                    _ => return,
                },
                other => other,
            };
            if is_from_response_await(body) {
                *body = syn::parse_quote!(crate::transport::decode_response(response, info.operation_id).await);
                self.0 += 1;
            }
        }
    }
    let mut edit = Edit(0);
    edit.visit_file_mut(file);
    edit.0
}

/// Whether `expr` is `ResponseValue::from_response(response).await`.
fn is_from_response_await(expr: &syn::Expr) -> bool {
    let syn::Expr::Await(awaited) = expr else { return false };
    let syn::Expr::Call(call) = &*awaited.base else { return false };
    let syn::Expr::Path(func) = &*call.func else { return false };
    let segments: Vec<String> = func.path.segments.iter().map(|s| s.ident.to_string()).collect();
    let [syn::Expr::Path(arg)] = call.args.iter().collect::<Vec<_>>().as_slice() else { return false };
    func.qself.is_none()
        && func.path.leading_colon.is_none()
        && segments == ["ResponseValue", "from_response"]
        && func.path.segments.iter().all(|s| s.arguments.is_none())
        && arg.path.is_ident("response")
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

#[cfg(test)]
mod tests {
    //! The syntax-tree edits on small fixtures shaped like progenitor's output: code in, expected code and count out.
    use super::*;
    use quote::ToTokens;

    /// Both files as token strings, so a mismatch shows the code.
    fn assert_same(actual: &syn::File, expected: &syn::File) {
        assert_eq!(actual.to_token_stream().to_string(), expected.to_token_stream().to_string());
    }

    #[test]
    fn struct_builders_start_their_extra_map_empty() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    impl Default for Group {
                        fn default() -> Self {
                            Self {
                                name: Err("no value supplied for name".to_string()),
                                extra: Err("no value supplied for extra".to_string()),
                            }
                        }
                    }
                    impl Default for Role {
                        fn default() -> Self {
                            Self { extra: Err("no value supplied for extra".to_string()) }
                        }
                    }
                    fn unrelated() -> Other {
                        Other { extra: Err("something else".to_string()), name: Err("no value supplied for extra".to_string()) }
                    }
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    impl Default for Group {
                        fn default() -> Self {
                            Self {
                                name: Err("no value supplied for name".to_string()),
                                extra: Ok(Default::default()),
                            }
                        }
                    }
                    impl Default for Role {
                        fn default() -> Self {
                            Self { extra: Ok(Default::default()) }
                        }
                    }
                    fn unrelated() -> Other {
                        Other { extra: Err("something else".to_string()), name: Err("no value supplied for extra".to_string()) }
                    }
                }
            }
        };
        assert_eq!(start_extra_maps_empty(&mut file), 2);
        assert_same(&file, &expected);
    }

    #[test]
    fn the_builders_client_field_becomes_crate_visible_and_nothing_else() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Client {
                pub(crate) baseurl: String,
                client: reqwest::Client,
            }
            pub struct Elsewhere<'a> {
                client: &'a super::Client,
            }
            pub mod builder {
                pub struct ListUsers<'a> {
                    client: &'a super::Client,
                    limit: Result<Option<i32>, String>,
                }
                pub struct GetUser<'a> {
                    client: &'a super::Client,
                }
                pub struct Exposed<'a> {
                    pub client: &'a super::Client,
                }
                pub struct Owned {
                    client: super::Client,
                }
                impl<'a> GetUser<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client }
                    }
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            pub struct Client {
                pub(crate) baseurl: String,
                client: reqwest::Client,
            }
            pub struct Elsewhere<'a> {
                client: &'a super::Client,
            }
            pub mod builder {
                pub struct ListUsers<'a> {
                    pub(crate) client: &'a super::Client,
                    limit: Result<Option<i32>, String>,
                }
                pub struct GetUser<'a> {
                    pub(crate) client: &'a super::Client,
                }
                pub struct Exposed<'a> {
                    pub client: &'a super::Client,
                }
                pub struct Owned {
                    client: super::Client,
                }
                impl<'a> GetUser<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client }
                    }
                }
            }
        };
        assert_eq!(expose_builder_client(&mut file), 2);
        assert_same(&file, &expected);
    }

    #[test]
    fn success_bodies_are_decoded_by_the_crate_and_error_bodies_are_left_alone() {
        let mut file: syn::File = syn::parse_quote! {
            async fn send(response: Response, info: OperationInfo) -> Result<ResponseValue<User>, Error<Error>> {
                match response.status().as_u16() {
                    200u16 => { ResponseValue::from_response(response).await }
                    201u16 => ResponseValue::from_response(response).await,
                    400u16 | 403u16 => {
                        Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))
                    }
                    404u16 => { let r = ResponseValue::from_response(response).await; r }
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            async fn send(response: Response, info: OperationInfo) -> Result<ResponseValue<User>, Error<Error>> {
                match response.status().as_u16() {
                    200u16 => { crate::transport::decode_response(response, info.operation_id).await }
                    201u16 => crate::transport::decode_response(response, info.operation_id).await,
                    400u16 | 403u16 => {
                        Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))
                    }
                    404u16 => { let r = ResponseValue::from_response(response).await; r }
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        };
        assert_eq!(decode_success_bodies(&mut file), 2);
        assert_same(&file, &expected);
    }

    #[test]
    fn identical_error_arms_are_merged_into_one() {
        let mut file: syn::File = syn::parse_quote! {
            fn f(status: u16) -> u8 {
                match status {
                    200u16 => 0,
                    400u16 => { e() }
                    403u16 => { f() }
                    404u16 => { e() }
                    _ => 9,
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            fn f(status: u16) -> u8 {
                match status {
                    200u16 => 0,
                    400u16 | 404u16 => { e() }
                    403u16 => { f() }
                    _ => 9,
                }
            }
        };
        assert_eq!(merge_identical_match_arms(&mut file), 1);
        assert_same(&file, &expected);
    }

    #[test]
    fn an_edit_that_changed_an_unexpected_number_of_places_fails_by_name() {
        assert_eq!(expect_count("decode_success_bodies", 3, |n| n > 0), Ok(()));
        let err = expect_count("decode_success_bodies", 0, |n| n > 0).unwrap_err();
        assert!(err.contains("`decode_success_bodies` changed 0 places") && err.contains("emit.rs"), "{err}");
        let err = expect_count("expose_builder_client", 727, |n| n == 728).unwrap_err();
        assert!(err.contains("`expose_builder_client` changed 727 places"), "{err}");
    }
}
