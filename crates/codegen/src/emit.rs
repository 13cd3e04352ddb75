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
    settings.with_replacement(
        "Timestamp",
        "crate::Timestamp",
        [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::Default].into_iter(),
    );

    let mut generator = Generator::new(&settings);
    let tokens =
        generator.generate_tokens(&spec).map_err(|e| format!("progenitor failed on the normalised spec: {e}"))?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| format!("progenitor produced unparsable code: {e}"))?;
    slim_models(&mut file);
    let operations = n.operations.len() - n.hand_written.len();
    // A build with no API group (e.g. `okta-management-hooks` alone) has no operation, so nothing to edit.
    let some = |count: usize| count > 0 || operations == 0;
    let emitted = client_methods(&file);
    // The models go to `okta_types.rs` (compiled by okta-management-types), the client to `okta_generated.rs`
    // (compiled by okta-management): two crates, so neither rustc holds the whole API.
    let (mut types, mut client) = split_types(file)?;
    expect_count("start_extra_maps_empty", start_extra_maps_empty(&mut types), some)?;
    expect_count("tri_state_nullable_fields", tri_state_nullable_fields(&mut types, &nullable_properties(doc)), some)?;
    // Any count: a build of some API groups may have no `number` at all. What the edit is for is checked on the
    // full build by tests/it/conformance.rs (`5` must come back as `5`: 18 examples failed without it).
    expect_count("numbers_keep_their_form", numbers_keep_their_form(&mut types), |_| true)?;
    let plain = std::env::var_os(PLAIN_SERDE_ENV).is_some_and(|v| !v.is_empty());
    let lenient = decode_models_leniently(&mut types, plain)?;
    expect_count("decode_models_leniently (objects)", lenient.objects, some)?;
    // Every serde type of the models gets its lenient decoding: the three counts add up to them all.
    expect_count(
        "decode_models_leniently (all serde types)",
        lenient.objects + lenient.newtypes + lenient.via_json,
        |n| n == lenient.serde_types,
    )?;
    write(out_dir, "okta_types.rs", &prettyplease::unparse(&types))?;
    let every = |count: usize| count == operations;
    expect_count("expose_builder_client", expose_builder_client(&mut client), every)?;
    expect_count("own_the_send_path", own_the_send_path(&mut client)?, every)?;
    expect_count("move_operations_to_public_client", move_operations_to_public_client(&mut client), every)?;
    expect_count("keep_progenitor_private", keep_progenitor_private(&mut client), |n| n == 1)?;
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

/// `(struct, JSON property)` for every optional property of a component schema that the spec marks `nullable`.
fn nullable_properties(doc: &Value) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else { return out };
    for (name, schema) in schemas {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else { continue };
        let required: Vec<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        for (property, p) in properties {
            if p.get("nullable").and_then(Value::as_bool) == Some(true) && !required.contains(&property.as_str()) {
                out.insert((upper_camel(name), property.clone()));
            }
        }
    }
    out
}

/// typify makes an optional `nullable` property an `Option<T>` that skips `None`, so a request can never send
/// `null` (a partial update cannot clear `profile.mobilePhone`) and a response loses whether Okta sent `null`. Such
/// fields (`nullable` is given by `(struct, JSON property)`) become `crate::Field<T>` (absent / null / value), with
/// `#[serde(default, skip_serializing_if = "crate::Field::is_absent")]`; a request body's typify builder follows (its
/// field and its setter's bound). Returns how many model fields it changed.
fn tri_state_nullable_fields(file: &mut syn::File, nullable: &std::collections::BTreeSet<(String, String)>) -> usize {
    let mut changed: std::collections::BTreeSet<(String, String)> = std::collections::BTreeSet::new();
    let Some(types) = file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return 0;
    };
    for item in types.1.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        let syn::Fields::Named(fields) = &mut s.fields else { continue };
        for field in fields.named.iter_mut() {
            let Some(ident) = field.ident.as_ref().map(ToString::to_string) else { continue };
            let Some(json_name) = serde_field_name(&field.attrs, &ident) else { continue };
            if !nullable.contains(&(name.clone(), json_name.clone())) || !option_to_field(&mut field.ty) {
                continue;
            }
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(syn::parse_quote!(
                #[serde(default, rename = #json_name, skip_serializing_if = "crate::Field::is_absent")]
            ));
            changed.insert((name.clone(), ident));
        }
    }
    // The request bodies' builders (`types::builder::X`): the field's `Result<Option<T>, String>` and the setter's
    // `T: TryInto<Option<U>>` follow the model.
    for item in types.1.iter_mut() {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, builders)) = m.content.as_mut().filter(|_| m.ident == "builder") else { continue };
        for item in builders.iter_mut() {
            match item {
                syn::Item::Struct(s) => {
                    let name = s.ident.to_string();
                    for field in s.fields.iter_mut() {
                        let ident = field.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                        if changed.contains(&(name.clone(), ident)) {
                            first_type_argument(&mut field.ty).map(option_to_field);
                        }
                    }
                }
                syn::Item::Impl(imp) if imp.trait_.is_none() => {
                    let name = match &*imp.self_ty {
                        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
                        _ => continue,
                    };
                    for f in imp.items.iter_mut() {
                        let syn::ImplItem::Fn(f) = f else { continue };
                        if !changed.contains(&(name.clone(), f.sig.ident.to_string())) {
                            continue;
                        }
                        for predicate in f.sig.generics.where_clause.iter_mut().flat_map(|w| w.predicates.iter_mut()) {
                            let syn::WherePredicate::Type(t) = predicate else { continue };
                            for bound in t.bounds.iter_mut() {
                                let syn::TypeParamBound::Trait(b) = bound else { continue };
                                let Some(last) = b.path.segments.last_mut() else { continue };
                                let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else { continue };
                                if last.ident == "TryInto" {
                                    if let Some(syn::GenericArgument::Type(ty)) = args.args.first_mut() {
                                        option_to_field(ty);
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    changed.len()
}

/// typify types the spec's `number` as `f64`, which writes back `5` as `5.0`: every `f64` of the models (fields,
/// builders, a union's variant) becomes `serde_json::Number`, which keeps an integer an integer and a float its
/// value. Returns how many places changed (none in a build whose API groups have no `number`).
fn numbers_keep_their_form(file: &mut syn::File) -> usize {
    struct Edit(usize);
    impl VisitMut for Edit {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("f64")) {
                *ty = syn::parse_quote!(::serde_json::Number);
                self.0 += 1;
            } else {
                syn::visit_mut::visit_type_mut(self, ty);
            }
        }
    }
    let mut edit = Edit(0);
    edit.visit_file_mut(file);
    edit.0
}

/// Set (non-empty) only to measure the decode benchmark's floor: the models keep serde's derived decoding, which
/// fails a response on one value of the wrong type, instead of the lenient one (`benches/decode.rs`, BENCHMARKS.md).
pub const PLAIN_SERDE_ENV: &str = "OKTA_CODEGEN_PLAIN_SERDE";

/// How many model types [`decode_models_leniently`] changed, by kind, and how many serde types there were.
struct LenientCounts {
    objects: usize,
    newtypes: usize,
    via_json: usize,
    serde_types: usize,
}

/// serde's derived decoding fails a whole response on one value the spec types wrongly (a string in a boolean
/// field, `20.0` in an integer one, an object where it says array). Every model struct with an `extra` map loses
/// its serde derives and attributes for `okta_management_decode::object!`, which keeps such a value in `extra` (and
/// writes it back as it came); a transparent newtype gets `newtype!` (whatever its inner type takes) and the rest
/// of the serde types (typify's untagged enums, a struct without `extra`) `via_json!` (decoded from a JSON value,
/// kept whole when it does not fit). Fails on a serde attribute it does not know, rather than drop it. `plain`
/// (only for the decode benchmark's floor, [`PLAIN_SERDE_ENV`]) keeps serde's derives on the structs with `extra`.
fn decode_models_leniently(file: &mut syn::File, plain: bool) -> Result<LenientCounts, String> {
    use quote::ToTokens;
    let mut counts = LenientCounts { objects: 0, newtypes: 0, via_json: 0, serde_types: 0 };
    let Some(types) = file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return Ok(counts);
    };
    let derives_serde = |attrs: &[syn::Attribute]| {
        attrs
            .iter()
            .any(|a| a.path().is_ident("derive") && a.to_token_stream().to_string().contains("serde :: Deserialize"))
    };
    let mut added: Vec<syn::Item> = Vec::new();
    for item in types.1.iter_mut() {
        match item {
            syn::Item::Struct(s) if derives_serde(&s.attrs) => {
                counts.serde_types += 1;
                let name = s.ident.clone();
                match &mut s.fields {
                    syn::Fields::Named(fields) if plain && fields.named.iter().any(is_flattened_extra) => {
                        added.push(syn::parse_quote!(::okta_management_decode::via_json!(#name, "object");));
                        counts.objects += 1;
                    }
                    syn::Fields::Named(fields) if fields.named.iter().any(is_flattened_extra) => {
                        let mut members = Vec::new();
                        let mut extra = None;
                        for field in fields.named.iter_mut() {
                            let ident = field.ident.clone().ok_or("a named field without a name")?;
                            if is_flattened_extra(field) {
                                extra = Some(ident);
                            } else {
                                let json = model_field_json_name(&field.attrs, &ident.to_string())
                                    .map_err(|e| format!("{name}.{ident}: {e}"))?;
                                members.push(quote::quote!(#ident: #json));
                            }
                            field.attrs.retain(|a| !a.path().is_ident("serde"));
                        }
                        let unknown_container_attr = s.attrs.iter().find(|a| a.path().is_ident("serde"));
                        if let Some(attr) = unknown_container_attr {
                            return Err(format!(
                                "{name}: serde attribute `{}` is not understood",
                                attr.to_token_stream()
                            ));
                        }
                        strip_serde_derives(&mut s.attrs);
                        added.push(
                            syn::parse_quote!(::okta_management_decode::object!(#name, #extra { #(#members),* });),
                        );
                        counts.objects += 1;
                    }
                    syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 && is_transparent(&s.attrs) => {
                        let inner = fields.unnamed.first().map(|f| f.ty.clone()).ok_or("a newtype without a field")?;
                        added.push(syn::parse_quote!(::okta_management_decode::newtype!(#name, #inner);));
                        counts.newtypes += 1;
                    }
                    _ => {
                        added.push(syn::parse_quote!(::okta_management_decode::via_json!(#name, "object");));
                        counts.via_json += 1;
                    }
                }
            }
            syn::Item::Enum(e) if derives_serde(&e.attrs) => {
                counts.serde_types += 1;
                let name = &e.ident;
                added.push(syn::parse_quote!(::okta_management_decode::via_json!(#name, "one of several kinds");));
                counts.via_json += 1;
            }
            _ => {}
        }
    }
    types.1.extend(added);
    Ok(counts)
}

/// Whether `field` is typify's `#[serde(flatten)] extra` map.
fn is_flattened_extra(field: &syn::Field) -> bool {
    use quote::ToTokens;
    field.ident.as_ref().is_some_and(|i| i == "extra")
        && field.attrs.iter().any(|a| a.path().is_ident("serde") && a.to_token_stream().to_string().contains("flatten"))
}

/// Whether a container has `#[serde(transparent)]`.
fn is_transparent(attrs: &[syn::Attribute]) -> bool {
    use quote::ToTokens;
    attrs.iter().any(|a| a.path().is_ident("serde") && a.to_token_stream().to_string().contains("transparent"))
}

/// `::serde::Deserialize` and `::serde::Serialize` out of a `#[derive(...)]` list (an emptied derive goes).
fn strip_serde_derives(attrs: &mut Vec<syn::Attribute>) {
    use syn::punctuated::Punctuated;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated) else {
            continue;
        };
        let kept: Vec<syn::Path> = paths
            .into_iter()
            .filter(|p| {
                let names: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
                names != ["serde", "Deserialize"] && names != ["serde", "Serialize"]
            })
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    attrs.retain(|a| !(a.path().is_ident("derive") && a.meta.require_list().is_ok_and(|l| l.tokens.is_empty())));
}

/// A model field's JSON name: its `rename`, else its identifier. The serde attributes typify and
/// `tri_state_nullable_fields` write (`rename`, `default`, `skip_serializing_if`) are what the lenient codecs do
/// anyway (a field is written when it holds something); any other is an error.
fn model_field_json_name(attrs: &[syn::Attribute], ident: &str) -> Result<String, String> {
    let mut name = ident.trim_start_matches("r#").to_string();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = meta.value()?.parse::<syn::LitStr>()?.value();
            } else if meta.path.is_ident("skip_serializing_if") {
                meta.value()?.parse::<syn::LitStr>()?;
            } else if !meta.path.is_ident("default") {
                return Err(meta.error("serde attribute not understood"));
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    }
    Ok(name)
}

/// The JSON name of a field: its `#[serde(rename = "…")]`, else its identifier; `None` when its serde attributes
/// say more than `rename` and `skip_serializing_if` (a field this edit does not understand is left alone).
fn serde_field_name(attrs: &[syn::Attribute], ident: &str) -> Option<String> {
    let mut name = ident.to_string();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut understood = true;
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = meta.value()?.parse::<syn::LitStr>()?.value();
            } else if meta.path.is_ident("skip_serializing_if") {
                meta.value()?.parse::<syn::LitStr>()?;
            } else {
                understood = false;
            }
            Ok(())
        });
        if parsed.is_err() || !understood {
            return None;
        }
    }
    Some(name)
}

/// `::std::option::Option<T>` becomes `crate::Field<T>`; whether `ty` was one.
fn option_to_field(ty: &mut syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let names: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    if p.qself.is_some() || names != ["std", "option", "Option"] {
        return false;
    }
    let Some(syn::PathArguments::AngleBracketed(args)) = p.path.segments.last().map(|s| s.arguments.clone()) else {
        return false;
    };
    *ty = syn::parse_quote!(crate::Field #args);
    true
}

/// `T` in `Result<T, E>` (or any `X<T, …>`).
fn first_type_argument(ty: &mut syn::Type) -> Option<&mut syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &mut p.path.segments.last_mut()?.arguments else { return None };
    match args.args.first_mut()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
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

/// progenitor's `send` answers with `progenitor_client::{Error, ResponseValue}` and reads responses its own way;
/// the crate wants one `crate::Error` and one transport. In every builder `impl` of `mod builder`, `send` is split:
/// its statements before the `OperationInfo` (parameter checks, URL, query, headers, body) become
/// `fn into_request(self) -> Result<(&'a super::Client, reqwest::Request), crate::Error>`, and the new `send` /
/// `send_with_response` hand that request to `crate::transport::{json, empty, bytes}` (by the success type); the
/// rest of progenitor's `send` (its hooks, status `match` and error arms) is dropped. `new` becomes `pub(crate)`:
/// it takes the crate's private generated client. Returns how many builders it changed.
fn own_the_send_path(file: &mut syn::File) -> Result<usize, String> {
    let mut changed = 0;
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        let Some((_, items)) = m.content.as_mut() else { continue };
        for item in items.iter_mut() {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Some(send_at) =
                imp.items.iter().position(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
            else {
                continue;
            };
            let syn::ImplItem::Fn(send) = imp.items.remove(send_at) else { continue };
            let split = split_send(send).map_err(|e| format!("own_the_send_path: {e}"))?;
            imp.items.splice(send_at..send_at, split);
            for f in imp.items.iter_mut() {
                if let syn::ImplItem::Fn(f) = f {
                    if f.sig.ident == "new" && matches!(f.vis, syn::Visibility::Public(_)) {
                        f.vis = syn::parse_quote!(pub(crate));
                    }
                }
            }
            changed += 1;
        }
    }
    Ok(changed)
}

/// What a generated `send` returns on success, and so which `crate::transport` function reads the response.
enum SuccessBody {
    /// A JSON body decoded into this type.
    Json(Box<syn::Type>),
    /// No body (`ResponseValue<()>`).
    Empty,
    /// A byte stream (`ResponseValue<ByteStream>`: binary downloads).
    Bytes,
}

/// `into_request`, `send` and `send_with_response` from progenitor's `send`.
fn split_send(send: syn::ImplItemFn) -> Result<Vec<syn::ImplItem>, String> {
    let body = success_body(&send.sig.output).ok_or("a `send` does not return `Result<ResponseValue<T>, _>`")?;
    let stmts = send.block.stmts;
    let info_at = stmts
        .iter()
        .position(|s| matches!(s, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(i) if i.ident == "info")))
        .ok_or("a `send` has no `let info = OperationInfo { … }`")?;
    let operation = stmts.get(info_at).and_then(operation_id).ok_or("`OperationInfo` has no string `operation_id`")?;
    let mut kept: Vec<syn::Stmt> = stmts.into_iter().take(info_at).collect();
    let built = kept.last_mut().and_then(|s| match s {
        syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(i) if i.ident == "request") => l.init.as_mut(),
        _ => None,
    });
    let Some(syn::LocalInit { expr, .. }) = built else {
        return Err("the statement before `OperationInfo` is not `let request = ….build()?`".into());
    };
    let syn::Expr::Try(built) = &mut **expr else { return Err("`let request` is not `….build()?`".into()) };
    let inner = &built.expr;
    *built.expr = syn::parse_quote!(#inner.map_err(crate::transport::unbuildable_request));
    // progenitor's `Error::InvalidRequest(String)` (a missing or unconvertible parameter) becomes the crate's, and
    // a header parameter's `value.to_string().try_into()?` says which header was invalid.
    struct OurError;
    impl VisitMut for OurError {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if path.leading_colon.is_none() && names == ["Error", "InvalidRequest"] {
                *path = syn::parse_quote!(crate::Error::InvalidRequest);
            }
        }
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            let header = match call.args.first() {
                Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) => s.value(),
                _ => return,
            };
            let Some(syn::Expr::Try(value)) = call.args.iter_mut().nth(1) else { return };
            if matches!(&*value.expr, syn::Expr::MethodCall(m) if m.method == "try_into" && m.args.is_empty()) {
                let inner = &value.expr;
                *value.expr = syn::parse_quote!(#inner.map_err(|_| crate::transport::invalid_header(#header)));
            }
        }
    }
    for stmt in &mut kept {
        OurError.visit_stmt_mut(stmt);
    }
    let (read, output): (syn::Path, syn::Type) = match body {
        SuccessBody::Json(ty) => (syn::parse_quote!(crate::transport::model), *ty),
        SuccessBody::Empty => (syn::parse_quote!(crate::transport::empty), syn::parse_quote!(())),
        SuccessBody::Bytes => (syn::parse_quote!(crate::transport::bytes), syn::parse_quote!(crate::ByteStream)),
    };
    let docs = send.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let typed: Option<syn::ImplItem> = (read.segments.last().is_some_and(|s| s.ident == "model")).then(|| {
        syn::parse_quote! {
            /// Like [`send`](Self::send), decoding the body into a type of yours instead of the generated model:
            /// e.g. a struct with your org's custom profile attributes, with `#[serde(flatten)]` for the rest.
            pub fn send_as<T: ::serde::de::DeserializeOwned>(self) -> impl ::std::future::Future<Output = ::std::result::Result<T, crate::Error>> {
                crate::transport::body(crate::transport::json::<T>(self.into_request(), #operation))
            }
        }
    });
    Ok(vec![
        syn::parse_quote! {
            /// The HTTP request this builder describes, checked but not sent.
            pub(crate) fn into_request(self) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
                #(#kept)*
                Ok((client, request))
            }
        },
        syn::parse_quote! {
            #(#docs)*
            ///
            /// Returns the decoded body; [`send_with_response`](Self::send_with_response) also gives the status
            /// and headers.
            pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<#output, crate::Error>> {
                crate::transport::body(self.send_with_response())
            }
        },
        syn::parse_quote! {
            /// Like [`send`](Self::send), keeping the response's status and headers (`X-Okta-Request-Id`,
            /// `X-Rate-Limit-*`).
            pub fn send_with_response(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<#output>, crate::Error>> {
                #read(self.into_request(), #operation)
            }
        },
    ]
    .into_iter()
    .chain(typed)
    .collect())
}

/// `X` of `Result<ResponseValue<X>, _>`, as the kind of body it is.
fn success_body(output: &syn::ReturnType) -> Option<SuccessBody> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    let first_argument = |ty: &syn::Type, name: &str| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
        match args.args.first()? {
            syn::GenericArgument::Type(t) if last.ident == name => Some(t.clone()),
            _ => None,
        }
    };
    let value = first_argument(ty, "Result")?;
    let body = first_argument(&value, "ResponseValue")?;
    Some(match &body {
        syn::Type::Tuple(t) if t.elems.is_empty() => SuccessBody::Empty,
        syn::Type::Path(p) if p.path.is_ident("ByteStream") => SuccessBody::Bytes,
        _ => SuccessBody::Json(Box::new(body)),
    })
}

/// The `operation_id: "…"` of `let info = OperationInfo { operation_id: "…" };`.
fn operation_id(stmt: &syn::Stmt) -> Option<syn::LitStr> {
    let syn::Stmt::Local(local) = stmt else { return None };
    let syn::Expr::Struct(info) = &*local.init.as_ref()?.expr else { return None };
    info.fields.iter().find_map(|f| match (&f.member, &f.expr) {
        (syn::Member::Named(name), syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))
            if name == "operation_id" =>
        {
            Some(s.clone())
        }
        _ => None,
    })
}

/// The operation methods progenitor writes on its `Client` (`pub fn list_users(&self) -> builder::ListUsers<'_>
/// { builder::ListUsers::new(self) }`) move to the crate's hand-written `crate::Client`, which holds the generated
/// client privately as `api`: users get one small `Client` type, with no `Deref` and no progenitor trait in sight.
/// The builders' docs link to the methods' new home. Returns how many methods moved.
fn move_operations_to_public_client(file: &mut syn::File) -> usize {
    let mut moved: Vec<syn::ImplItem> = Vec::new();
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let is_client = matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || imp.trait_.is_some() {
            continue;
        }
        let (operations, kept): (Vec<syn::ImplItem>, Vec<syn::ImplItem>) =
            std::mem::take(&mut imp.items).into_iter().partition(|i| match i {
                syn::ImplItem::Fn(f) => builder_new_of_self(f).is_some(),
                _ => false,
            });
        imp.items = kept;
        for mut operation in operations {
            if let syn::ImplItem::Fn(f) = &mut operation {
                if let Some(builder) = builder_new_of_self(f) {
                    f.block = syn::parse_quote!({ #builder::new(&self.api) });
                }
            }
            moved.push(operation);
        }
    }
    file.items.retain(|i| !matches!(i, syn::Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()));
    let count = moved.len();
    if count > 0 {
        file.items.push(syn::parse_quote! {
            impl crate::Client {
                #(#moved)*
            }
        });
    }
    struct Relink;
    impl VisitMut for Relink {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if let syn::Meta::NameValue(nv) = &mut attr.meta {
                if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value {
                    if s.value().contains("super::Client::") {
                        let text = s.value().replace("super::Client::", "crate::Client::");
                        nv.value = syn::parse_quote!(#text);
                    }
                }
            }
        }
    }
    Relink.visit_file_mut(file);
    count
}

/// `builder::X` when `f` is `fn …(&self) -> builder::X<'_> { builder::X::new(self) }`.
fn builder_new_of_self(f: &syn::ImplItemFn) -> Option<syn::Path> {
    let [syn::Stmt::Expr(syn::Expr::Call(call), None)] = f.block.stmts.as_slice() else { return None };
    let syn::Expr::Path(func) = &*call.func else { return None };
    let names: Vec<String> = func.path.segments.iter().map(|s| s.ident.to_string()).collect();
    let [syn::Expr::Path(arg)] = call.args.iter().collect::<Vec<_>>().as_slice() else { return None };
    let [first, _, last] = names.as_slice() else { return None };
    if first != "builder" || last != "new" || !arg.path.is_ident("self") {
        return None;
    }
    let mut builder = func.path.clone();
    builder.segments.pop();
    builder.segments.pop_punct();
    Some(builder)
}

/// progenitor re-exports `progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue}` from the generated
/// module; the crate keeps them private (its public API names no progenitor type). Returns how many it changed.
fn keep_progenitor_private(file: &mut syn::File) -> usize {
    let mut changed = 0;
    for item in &mut file.items {
        if let syn::Item::Use(u) = item {
            let from_progenitor = matches!(&u.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client");
            if from_progenitor && matches!(u.vis, syn::Visibility::Public(_)) {
                u.vis = syn::Visibility::Inherited;
                changed += 1;
            }
        }
    }
    changed
}

/// `.pages()`, `.stream()` and `.resume_from(&cursor)` on the builder of every paged list operation: those that
/// return an array, and those that wrap their items in an object's only array property (`listRoles`:
/// `{"roles": [...], "_links": {"next": …}}`), whose wrapper also gets `impl ListBody`.
fn paginated(doc: &Value, n: &Normalised) -> (String, Vec<String>) {
    let mut operations = Vec::new();
    let mut out = String::from(
        "// Generated by build.rs: `.pages()` / `.stream()` / `.resume_from()` for paged list operations.\n",
    );
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
                "impl crate::customizations::paginated::ListBody for crate::types::{wrapper} {{\n    type Item = {item};\n    fn into_page_parts(self) -> (Vec<{item}>, Option<String>) {{ let next = {next}; (self.{field}.unwrap_or_default(), next) }}\n}}"
            );
            (item, format!("crate::types::{wrapper}"))
        };
        let builder = upper_camel(id);
        let method = heck::ToSnakeCase::to_snake_case(id.as_str());
        operations.push(id.clone());
        let _ = writeln!(
            out,
            "impl<'a> builder::{builder}<'a> {{
    /// Every page of the listing, fetched lazily by following Okta's `next` links (so every parameter carries
    /// over); each page keeps its URL, headers and [`next_cursor`](crate::pagination::Page::next_cursor).
    pub fn pages(self) -> crate::pagination::Pages<'a, {item}> {{
        crate::customizations::paginated::pages::<{body}>(self.into_request(), {method:?})
    }}
    /// Every item of every page, in order; memory holds one page at a time.
    pub fn stream(self) -> crate::pagination::Items<'a, {item}> {{
        self.pages().items()
    }}
    /// The pages from a [`Cursor`](crate::pagination::Cursor) saved from an earlier listing of this operation
    /// ([`Page::next_cursor`](crate::pagination::Page::next_cursor)); the cursor carries the listing's parameters,
    /// so the builder's are not used.
    pub fn resume_from(self, cursor: &crate::pagination::Cursor) -> crate::pagination::Pages<'a, {item}> {{
        crate::customizations::paginated::resume::<{body}>(self.client, cursor, {method:?})
    }}
}}"
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
    out.push_str("/// Operations (operationIds) whose builder has `.pages()` / `.stream()` (`.pages()`, `.stream()`, `.resume_from()`).\n");
    out.push_str("pub const PAGINATED_OPERATIONS: &[&str] = &[\n");
    for id in paginated {
        let _ = writeln!(out, "    {id:?},");
    }
    out.push_str("];\n");
    out
}

/// For the conformance test: a decode-and-re-encode function per JSON body type of every operation.
fn conformance(doc: &Value, n: &Normalised) -> String {
    let mut out =
        String::from("// Generated by build.rs for tests/it/conformance.rs: the Rust type of every JSON body.\n");
    out.push_str(
        "/// `(operationId, \"request\" or status, decode into the generated type as told and encode back)`.\n",
    );
    out.push_str("#[allow(clippy::type_complexity)]\n");
    out.push_str(
        "pub const BODIES: &[(&str, &str, fn(::serde_json::Value, okta_management::decode::Decoding) -> Result<::serde_json::Value, String>)] = &[\n",
    );
    let mut entries: Vec<(String, String, String)> = Vec::new();
    for (id, which, pointer) in &n.bodies {
        if let Some(ty) = doc.pointer(pointer).and_then(|s| type_expr(s, "okta_management::types")) {
            entries.push((id.clone(), which.clone(), ty));
        }
    }
    for (id, which, ty) in entries {
        let _ = writeln!(out, "    ({id:?}, {which:?}, round_trip::<{ty}>),");
    }
    out.push_str("];\n");
    out.push_str(concat!(
        "/// Decodes from bytes as a response body is decoded (an error names the JSON path) and encodes back.\n",
        "fn round_trip<T: okta_management::decode::Lenient>(v: ::serde_json::Value, decoding: okta_management::decode::Decoding) -> Result<::serde_json::Value, String> {\n",
        "    let bytes = ::serde_json::to_vec(&v).map_err(|e| e.to_string())?;\n",
        "    let (status, headers) = (::http::StatusCode::OK, ::http::HeaderMap::new());\n",
        "    let decoded: T = okta_management::decode::model(\"conformance\", status, &headers, &bytes, decoding).map_err(|e| e.to_string())?;\n",
        "    ::serde_json::to_value(decoded).map_err(|e| e.to_string())\n",
        "}\n",
    ));
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
    fn send_is_split_into_a_request_and_the_crates_transport() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct GetUser<'a> {
                    client: &'a super::Client,
                    id: Result<String, String>,
                }
                impl<'a> GetUser<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client, id: Err("id was not initialized".to_string()) }
                    }
                    ///Sends a `GET` request to `/api/v1/users/{id}`
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<types::Error>> {
                        let Self { client, id } = self;
                        let id = id.map_err(Error::InvalidRequest)?;
                        let url = format!("{}/api/v1/users/{}", client.baseurl, encode_path(&id));
                        header_map.append("If-Match", value.to_string().try_into()?);
                        #[allow(unused_mut)]
                        let mut request = client.client.get(url).build()?;
                        let info = OperationInfo { operation_id: "get_user" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
                impl<'a> DeleteUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<types::Error>> {
                        let Self { client } = self;
                        let mut request = client.client.delete("u").build()?;
                        let info = OperationInfo { operation_id: "delete_user" };
                        match 0 { _ => Ok(ResponseValue::empty(response)) }
                    }
                }
                impl<'a> GetLogo<'a> {
                    pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> {
                        let Self { client } = self;
                        let mut request = client.client.get("l").build()?;
                        let info = OperationInfo { operation_id: "get_logo" };
                        match 0 { _ => Ok(ResponseValue::stream(response)) }
                    }
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct GetUser<'a> {
                    client: &'a super::Client,
                    id: Result<String, String>,
                }
                impl<'a> GetUser<'a> {
                    pub(crate) fn new(client: &'a super::Client) -> Self {
                        Self { client, id: Err("id was not initialized".to_string()) }
                    }
                    /// The HTTP request this builder describes, checked but not sent.
                    pub(crate) fn into_request(self) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
                        let Self { client, id } = self;
                        let id = id.map_err(crate::Error::InvalidRequest)?;
                        let url = format!("{}/api/v1/users/{}", client.baseurl, encode_path(&id));
                        header_map.append("If-Match", value.to_string().try_into().map_err(|_| crate::transport::invalid_header("If-Match"))?);
                        #[allow(unused_mut)]
                        let mut request = client.client.get(url).build().map_err(crate::transport::unbuildable_request)?;
                        Ok((client, request))
                    }
                    ///Sends a `GET` request to `/api/v1/users/{id}`
                    ///
                    /// Returns the decoded body; [`send_with_response`](Self::send_with_response) also gives the status
                    /// and headers.
                    pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<types::User, crate::Error>> {
                        crate::transport::body(self.send_with_response())
                    }
                    /// Like [`send`](Self::send), keeping the response's status and headers (`X-Okta-Request-Id`,
                    /// `X-Rate-Limit-*`).
                    pub fn send_with_response(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<types::User>, crate::Error>> {
                        crate::transport::model(self.into_request(), "get_user")
                    }
                    /// Like [`send`](Self::send), decoding the body into a type of yours instead of the generated model:
                    /// e.g. a struct with your org's custom profile attributes, with `#[serde(flatten)]` for the rest.
                    pub fn send_as<T: ::serde::de::DeserializeOwned>(self) -> impl ::std::future::Future<Output = ::std::result::Result<T, crate::Error>> {
                        crate::transport::body(crate::transport::json::<T>(self.into_request(), "get_user"))
                    }
                }
                impl<'a> DeleteUser<'a> {
                    /// The HTTP request this builder describes, checked but not sent.
                    pub(crate) fn into_request(self) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
                        let Self { client } = self;
                        let mut request = client.client.delete("u").build().map_err(crate::transport::unbuildable_request)?;
                        Ok((client, request))
                    }
                    ///
                    /// Returns the decoded body; [`send_with_response`](Self::send_with_response) also gives the status
                    /// and headers.
                    pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<(), crate::Error>> {
                        crate::transport::body(self.send_with_response())
                    }
                    /// Like [`send`](Self::send), keeping the response's status and headers (`X-Okta-Request-Id`,
                    /// `X-Rate-Limit-*`).
                    pub fn send_with_response(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<()>, crate::Error>> {
                        crate::transport::empty(self.into_request(), "delete_user")
                    }
                }
                impl<'a> GetLogo<'a> {
                    /// The HTTP request this builder describes, checked but not sent.
                    pub(crate) fn into_request(self) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
                        let Self { client } = self;
                        let mut request = client.client.get("l").build().map_err(crate::transport::unbuildable_request)?;
                        Ok((client, request))
                    }
                    ///
                    /// Returns the decoded body; [`send_with_response`](Self::send_with_response) also gives the status
                    /// and headers.
                    pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::ByteStream, crate::Error>> {
                        crate::transport::body(self.send_with_response())
                    }
                    /// Like [`send`](Self::send), keeping the response's status and headers (`X-Okta-Request-Id`,
                    /// `X-Rate-Limit-*`).
                    pub fn send_with_response(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<crate::ByteStream>, crate::Error>> {
                        crate::transport::bytes(self.into_request(), "get_logo")
                    }
                }
            }
        };
        assert_eq!(own_the_send_path(&mut file), Ok(3));
        assert_same(&file, &expected);
    }

    #[test]
    fn a_send_of_an_unknown_shape_fails_the_build_by_name() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                        let request = client.client.get(url).build()?;
                        let result = client.exec(request).await;
                    }
                }
            }
        };
        let err = own_the_send_path(&mut file).unwrap_err();
        assert!(err.contains("own_the_send_path") && err.contains("OperationInfo"), "{err}");
    }

    #[test]
    fn operation_methods_move_to_the_public_client_and_the_docs_follow() {
        let mut file: syn::File = syn::parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            use progenitor_client::{encode_path, ClientHooks};
            impl Client {
                pub fn new(baseurl: &str) -> Self { todo() }
            }
            impl Client {
                /// Lists users
                pub fn list_users(&self) -> builder::ListUsers<'_> {
                    builder::ListUsers::new(self)
                }
            }
            pub mod builder {
                #[doc = "Builder for [`Client::list_users`]\n\n[`Client::list_users`]: super::Client::list_users"]
                pub struct ListUsers<'a> {
                    client: &'a super::Client,
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            use progenitor_client::{encode_path, ClientHooks};
            impl Client {
                pub fn new(baseurl: &str) -> Self { todo() }
            }
            pub mod builder {
                #[doc = "Builder for [`Client::list_users`]\n\n[`Client::list_users`]: crate::Client::list_users"]
                pub struct ListUsers<'a> {
                    client: &'a super::Client,
                }
            }
            impl crate::Client {
                /// Lists users
                pub fn list_users(&self) -> builder::ListUsers<'_> {
                    builder::ListUsers::new(&self.api)
                }
            }
        };
        assert_eq!(move_operations_to_public_client(&mut file), 1);
        assert_eq!(keep_progenitor_private(&mut file), 1);
        assert_same(&file, &expected);
    }

    #[test]
    fn optional_nullable_properties_become_tri_state_fields_with_their_builders() {
        let doc = serde_json::json!({"components": {"schemas": {
            "UserProfile": {"type": "object", "required": ["login"], "properties": {
                "login": {"type": "string", "nullable": true},
                "mobilePhone": {"type": "string", "nullable": true},
                "email": {"type": "string"}
            }}
        }}});
        let nullable = nullable_properties(&doc);
        assert_eq!(nullable.into_iter().collect::<Vec<_>>(), [("UserProfile".to_string(), "mobilePhone".to_string())]);
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct UserProfile {
                    pub login: ::std::option::Option<::std::string::String>,
                    #[serde(rename = "mobilePhone", skip_serializing_if = "::std::option::Option::is_none")]
                    pub mobile_phone: ::std::option::Option<::std::string::String>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub email: ::std::option::Option<::std::string::String>,
                }
                pub mod builder {
                    pub struct UserProfile {
                        mobile_phone: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                        email: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                    impl UserProfile {
                        pub fn mobile_phone<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                        {
                            self
                        }
                    }
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct UserProfile {
                    pub login: ::std::option::Option<::std::string::String>,
                    #[serde(default, rename = "mobilePhone", skip_serializing_if = "crate::Field::is_absent")]
                    pub mobile_phone: crate::Field<::std::string::String>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub email: ::std::option::Option<::std::string::String>,
                }
                pub mod builder {
                    pub struct UserProfile {
                        mobile_phone: ::std::result::Result<crate::Field<::std::string::String>, ::std::string::String>,
                        email: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                    impl UserProfile {
                        pub fn mobile_phone<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<crate::Field<::std::string::String>>,
                        {
                            self
                        }
                    }
                }
            }
        };
        assert_eq!(tri_state_nullable_fields(&mut file, &nullable_properties(&doc)), 1);
        assert_same(&file, &expected);
    }

    #[test]
    fn models_trade_serde_derives_for_the_lenient_codecs() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
                #[derive(Default)]
                pub struct User {
                    #[serde(default, rename = "lastLogin", skip_serializing_if = "crate::Field::is_absent")]
                    pub last_login: crate::Field<crate::Timestamp>,
                    #[serde(rename = "type", skip_serializing_if = "::std::option::Option::is_none")]
                    pub type_: ::std::option::Option<UserType>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub id: ::std::option::Option<::std::string::String>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(transparent)]
                pub struct Label(pub ::std::string::String);
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Aud {
                    One(::std::string::String),
                    Many(::std::vec::Vec<::std::string::String>),
                }
                #[derive(Clone, Debug)]
                pub struct NotSerde {
                    pub a: u8,
                }
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct User {
                        id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, PartialEq)]
                #[derive(Default)]
                pub struct User {
                    pub last_login: crate::Field<crate::Timestamp>,
                    pub type_: ::std::option::Option<UserType>,
                    pub id: ::std::option::Option<::std::string::String>,
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(transparent)]
                pub struct Label(pub ::std::string::String);
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Aud {
                    One(::std::string::String),
                    Many(::std::vec::Vec<::std::string::String>),
                }
                #[derive(Clone, Debug)]
                pub struct NotSerde {
                    pub a: u8,
                }
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct User {
                        id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                }
                ::okta_management_decode::object!(User, extra { last_login: "lastLogin", type_: "type", id: "id" });
                ::okta_management_decode::newtype!(Label, ::std::string::String);
                ::okta_management_decode::via_json!(Aud, "one of several kinds");
            }
        };
        let counts = decode_models_leniently(&mut file, false).unwrap();
        assert_eq!((counts.objects, counts.newtypes, counts.via_json, counts.serde_types), (1, 1, 1, 3));
        assert_same(&file, &expected);
    }

    #[test]
    fn the_benchmark_floor_keeps_serde_derives_and_adds_lenient_through_json() {
        let plain_user = || -> syn::File {
            syn::parse_quote! {
                pub mod types {
                    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                    pub struct User {
                        #[serde(rename = "lastLogin", default, skip_serializing_if = "crate::Field::is_absent")]
                        pub last_login: crate::Field<crate::Timestamp>,
                        #[serde(flatten)]
                        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                    }
                }
            }
        };
        let mut file = plain_user();
        let counts = decode_models_leniently(&mut file, true).unwrap();
        assert_eq!((counts.objects, counts.via_json, counts.serde_types), (1, 0, 1));
        let mut expected = plain_user();
        if let Some(syn::Item::Mod(types)) = expected.items.first_mut() {
            if let Some((_, items)) = types.content.as_mut() {
                items.push(syn::parse_quote!(::okta_management_decode::via_json!(User, "object");));
            }
        }
        assert_same(&file, &expected);
    }

    #[test]
    fn numbers_become_serde_json_numbers_everywhere_in_the_models() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Settings {
                    pub ttl: ::std::option::Option<f64>,
                    pub count: ::std::option::Option<i64>,
                }
                pub enum Default { Number(f64), Text(::std::string::String) }
                impl ::std::convert::From<f64> for Default {
                    fn from(value: f64) -> Self { Self::Number(value) }
                }
            }
        };
        let expected: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Settings {
                    pub ttl: ::std::option::Option<::serde_json::Number>,
                    pub count: ::std::option::Option<i64>,
                }
                pub enum Default { Number(::serde_json::Number), Text(::std::string::String) }
                impl ::std::convert::From<::serde_json::Number> for Default {
                    fn from(value: ::serde_json::Number) -> Self { Self::Number(value) }
                }
            }
        };
        assert_eq!(numbers_keep_their_form(&mut file), 4);
        assert_same(&file, &expected);
    }

    #[test]
    fn a_serde_attribute_the_lenient_codecs_do_not_know_fails_the_build() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct User {
                    #[serde(default = "defaults::id")]
                    pub id: ::std::option::Option<::std::string::String>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
            }
        };
        let error = decode_models_leniently(&mut file, false).err().unwrap_or_default();
        assert!(error.starts_with("User.id: "), "{error}");
    }

    #[test]
    fn an_edit_that_changed_an_unexpected_number_of_places_fails_by_name() {
        assert_eq!(expect_count("own_the_send_path", 3, |n| n > 0), Ok(()));
        let err = expect_count("own_the_send_path", 0, |n| n > 0).unwrap_err();
        assert!(err.contains("`own_the_send_path` changed 0 places") && err.contains("emit.rs"), "{err}");
        let err = expect_count("expose_builder_client", 727, |n| n == 728).unwrap_err();
        assert!(err.contains("`expose_builder_client` changed 727 places"), "{err}");
    }
}
