//! The edits of typify's models (the `types` module, written to `okta_types.rs`): builders only where a request
//! body needs one, tri-state `nullable` fields, numbers that keep their form, and lenient decoding.

use super::{Context, unexpected_count};
use crate::normalise::upper_camel;
use quote::ToTokens;
use serde_json::Value;
use std::collections::BTreeSet;
use syn::visit_mut::VisitMut;

/// The items of the file's `types` module, if it has one.
fn types_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// typify writes a builder for every model struct because progenitor's builder interface needs them for
/// request bodies (`body_map`); nothing else uses them, and the other ~1,200 were more than half of the generated
/// lines and of the crate's compile time. Only request bodies keep theirs. Every model whose fields are all
/// optional derives `Default` instead, so any model can be written as a struct literal with `..Default::default()`.
/// Returns how many builders it dropped plus how many `Default`s it derived.
pub(super) fn slim_models(file: &mut syn::File, _: &Context) -> Result<usize, String> {
    let mut outside = String::new();
    for item in &file.items {
        if !matches!(item, syn::Item::Mod(m) if m.ident == "types") {
            outside.push_str(&item.to_token_stream().to_string());
        }
    }
    let needed: BTreeSet<String> = outside
        .split("types :: builder :: ")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .collect();
    let self_name = |ty: &syn::Type| match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let Some(items) = types_module(file) else { return Ok(0) };
    let mut changed = 0;
    let mut manual_default = BTreeSet::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, builders)) = m.content.as_mut() {
                    builders.retain(|b| match b {
                        syn::Item::Struct(s) => {
                            let keep = needed.contains(&s.ident.to_string());
                            changed += usize::from(!keep);
                            keep
                        }
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
            changed += 1;
        }
    }
    Ok(changed)
}

/// typify's struct builders start every field as "no value supplied"; the flattened `extra` map is optional in
/// substance, so a builder starts it empty: `extra: Err("no value supplied for extra".to_string())` in the
/// builders' `Default` impls becomes `extra: Ok(Default::default())`. Returns how many places it changed.
pub(super) fn start_extra_maps_empty(file: &mut syn::File, _: &Context) -> Result<usize, String> {
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
    Ok(edit.0)
}

/// `(struct, JSON property)` for every optional property of a component schema that the spec marks `nullable`.
pub(super) fn nullable_properties(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
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
/// fields (`context.nullable`, by `(struct, JSON property)`) become `crate::Field<T>` (absent / null / value), with
/// `#[serde(default, skip_serializing_if = "crate::Field::is_absent")]`; a request body's typify builder follows (its
/// field and its setter's bound). Returns how many model fields it changed.
pub(super) fn tri_state_nullable_fields(file: &mut syn::File, context: &Context) -> Result<usize, String> {
    let nullable = &context.nullable;
    let mut changed: BTreeSet<(String, String)> = BTreeSet::new();
    let Some(types) = types_module(file) else { return Ok(0) };
    for item in types.iter_mut() {
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
    for item in types.iter_mut() {
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
    Ok(changed.len())
}

/// typify types the spec's `number` as `f64`, which writes back `5` as `5.0`: every `f64` of the models (fields,
/// builders, a union's variant) becomes `serde_json::Number`, which keeps an integer an integer and a float its
/// value. Returns how many places changed (none in a build whose API groups have no `number`).
pub(super) fn numbers_keep_their_form(file: &mut syn::File, _: &Context) -> Result<usize, String> {
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
    Ok(edit.0)
}

/// How many model types [`lenient_codecs`] gave a codec, by kind, and how many serde types there were.
#[derive(Debug, PartialEq)]
pub(super) struct LenientCounts {
    pub(super) objects: usize,
    pub(super) newtypes: usize,
    pub(super) via_json: usize,
    pub(super) serde_types: usize,
}

/// serde's derived decoding fails a whole response on one value the spec types wrongly (a string in a boolean
/// field, `20.0` in an integer one, an object where it says array). Every model struct with an `extra` map loses
/// its serde derives and attributes for `okta_management_decode::object!`, which keeps such a value in `extra` (and
/// writes it back as it came); a transparent newtype gets `newtype!` (whatever its inner type takes) and the rest
/// of the serde types (typify's untagged enums, a struct without `extra`) `via_json!` (decoded from a JSON value,
/// kept whole when it does not fit). Fails on a serde attribute it does not know, rather than drop it.
/// `context.plain_serde` (only for the decode benchmark's floor, [`PLAIN_SERDE_ENV`](super::PLAIN_SERDE_ENV)) keeps
/// serde's derives on the structs with `extra`. Returns how many structs with `extra` it changed.
pub(super) fn decode_models_leniently(file: &mut syn::File, context: &Context) -> Result<usize, String> {
    let counts = lenient_codecs(file, context.plain_serde)?;
    // Every serde type of the models gets its lenient decoding: the three counts add up to them all.
    let covered = counts.objects + counts.newtypes + counts.via_json;
    if covered != counts.serde_types {
        return Err(unexpected_count("decode_models_leniently (all serde types)", covered));
    }
    Ok(counts.objects)
}

/// The work of [`decode_models_leniently`], with the count of each kind of codec it gave.
pub(super) fn lenient_codecs(file: &mut syn::File, plain: bool) -> Result<LenientCounts, String> {
    let mut counts = LenientCounts { objects: 0, newtypes: 0, via_json: 0, serde_types: 0 };
    let Some(types) = types_module(file) else { return Ok(counts) };
    let derives_serde = |attrs: &[syn::Attribute]| {
        attrs
            .iter()
            .any(|a| a.path().is_ident("derive") && a.to_token_stream().to_string().contains("serde :: Deserialize"))
    };
    let mut added: Vec<syn::Item> = Vec::new();
    for item in types.iter_mut() {
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
    types.extend(added);
    Ok(counts)
}

/// Whether `field` is typify's `#[serde(flatten)] extra` map.
fn is_flattened_extra(field: &syn::Field) -> bool {
    field.ident.as_ref().is_some_and(|i| i == "extra")
        && field.attrs.iter().any(|a| a.path().is_ident("serde") && a.to_token_stream().to_string().contains("flatten"))
}

/// Whether a container has `#[serde(transparent)]`.
fn is_transparent(attrs: &[syn::Attribute]) -> bool {
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
