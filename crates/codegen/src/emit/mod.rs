//! Runs progenitor on the normalised document, edits its output as a syntax tree, and writes, into `OUT_DIR`:
//! - `okta_types.rs`: typify's models (compiled by okta-management-types);
//! - `okta_generated.rs`: progenitor's client and builders (compiled by okta-management);
//! - `okta_models.rs`: the open enums and tagged unions that replace typify's closed ones (see `normalise/`);
//! - `okta_manifest.rs`: every operation of the spec with its Rust method name, plus tables the runtime uses;
//! - `okta_spec.rs`, `okta_conformance.rs`, `okta_paginated.rs`, `normalisation-report.txt`.
//!
//! Every edit of progenitor's output is a named function listed in [`EDITS`] (below, in the order they run), which
//! returns how many places it changed; a count other than the edit's [`Expected`] fails the build with the edit's
//! name, so a progenitor upgrade that changes its output is noticed here instead of an edit silently doing nothing.
//! The edits live in one file per part of the output (`models.rs`: typify's models; `client.rs`: progenitor's client
//! and builders); the files written as text beside them are built in `side_files.rs`; the unit tests are in
//! `tests.rs`.

mod client;
mod models;
mod side_files;
#[cfg(test)]
mod tests;

use crate::normalise::{Normalised, upper_camel};
use client::{
    client_methods, encode_path_segments_strictly, expose_builder_client, keep_progenitor_private,
    move_operations_to_public_client, own_the_send_path,
};
use models::{
    decode_models_leniently, nullable_properties, numbers_keep_their_form, slim_models, start_extra_maps_empty,
    tri_state_nullable_fields,
};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Where the crates that compile the generated files put `okta_models.rs` (the open enums and tagged unions).
const MODELS_PATH: &str = "crate::generated::models";

/// Set (non-empty) only to measure the decode benchmark's floor: the models keep serde's derived decoding, which
/// fails a response on one value of the wrong type, instead of the lenient one (`benches/decode.rs`, BENCHMARKS.md).
pub const PLAIN_SERDE_ENV: &str = "OKTA_CODEGEN_PLAIN_SERDE";

macro_rules! edit {
    ($part:ident, $f:ident, $expected:expr) => {
        Edit { name: stringify!($f), part: Part::$part, apply: $f, expected: $expected }
    };
}

/// The edits of progenitor's output, in the order they run (part by part: the whole file, then the models, then the
/// client). Each line: the defect of the generated code it fixes or the customization it makes, and where.
const EDITS: &[Edit] = &[
    // typify writes a builder for every model, and only request bodies use one (half the generated lines): every
    // model. Any count: how many builders a build drops depends on its API groups.
    edit!(Whole, slim_models, Expected::Any),
    // typify's builders start the flattened `extra` map as "no value supplied": every builder's `Default`. Any count:
    // only request bodies keep a builder, and a build of API groups that send none (`logs` alone) has no builder.
    edit!(Models, start_extra_maps_empty, Expected::Any),
    // An optional `nullable` property can neither send nor show `null`: `profile.mobilePhone` and the others.
    edit!(Models, tri_state_nullable_fields, Expected::AtLeastOne),
    // `number` as `f64` writes `5` back as `5.0`: every `f64` of the models. Any count: a build of some API groups
    // may have no `number` at all (the full build is checked by tests/it/conformance.rs: 18 examples failed without).
    edit!(Models, numbers_keep_their_form, Expected::Any),
    // serde's derived decoding fails a whole response on one mistyped value: every serde type of the models.
    edit!(Models, decode_models_leniently, Expected::AtLeastOne),
    // The pagination extension needs the builder's private client: the `client` field of every builder.
    edit!(Client, expose_builder_client, Expected::EveryOperation),
    // progenitor's `send` answers with its own error and response types: every builder's `send`.
    edit!(Client, own_the_send_path, Expected::EveryOperation),
    // Users get the crate's one `Client`, not progenitor's: every operation method.
    edit!(Client, move_operations_to_public_client, Expected::EveryOperation),
    // progenitor re-exports its runtime types: its one `pub use progenitor_client::…`.
    edit!(Client, keep_progenitor_private, Expected::Exactly(1)),
    // progenitor's `encode_path` leaves `\` (which the URL parser turns into `/`) and other characters a path
    // segment must not hold: every path parameter. Any count: a build of some API groups (`logs`) has none.
    edit!(Client, encode_path_segments_strictly, Expected::Any),
];

/// One edit of progenitor's output: its name (for the error when its count is off), the part of the output it
/// works on, its function (returns how many places it changed), and how many places it must change.
struct Edit {
    name: &'static str,
    part: Part,
    apply: Apply,
    expected: Expected,
}

/// An edit's function: changes `file` and returns how many places it changed.
type Apply = fn(&mut syn::File, &Context) -> Result<usize, String>;

/// The part of progenitor's output an edit works on; the parts are edited in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    /// The whole file, before it is split (for an edit that must see both the models and the client).
    Whole,
    /// The `types` module: typify's models, written to `okta_types.rs`.
    Models,
    /// The rest: progenitor's client and builders, written to `okta_generated.rs`.
    Client,
}

/// How many places an edit must change.
#[derive(Clone, Copy, Debug)]
enum Expected {
    /// Any number, none included (the edit's line in [`EDITS`] says why no count would do).
    Any,
    /// At least one, unless the build has no operation (e.g. `okta-management-hooks` alone): nothing to edit then.
    AtLeastOne,
    /// One per operation progenitor generated.
    EveryOperation,
    /// This many, whatever the API groups.
    Exactly(usize),
}

impl Expected {
    /// Whether `changed` places is what is expected of a build with `operations` generated operations.
    fn accepts(self, changed: usize, operations: usize) -> bool {
        match self {
            Expected::Any => true,
            Expected::AtLeastOne => changed > 0 || operations == 0,
            Expected::EveryOperation => changed == operations,
            Expected::Exactly(count) => changed == count,
        }
    }
}

/// What the edits need besides the syntax tree.
#[derive(Default)]
struct Context {
    /// How many operations progenitor generated (those of the enabled groups, less the hand-written ones).
    operations: usize,
    /// `(struct, JSON property)` of every optional `nullable` property of the components ([`nullable_properties`]).
    nullable: BTreeSet<(String, String)>,
    /// [`PLAIN_SERDE_ENV`] is set: the models keep serde's derived decoding.
    plain_serde: bool,
}

/// Generates the client and models from the normalised document `doc` and writes every file into `out_dir`.
pub(crate) fn emit(
    doc: &Value,
    n: &Normalised,
    out_dir: &Path,
    spec_version: &str,
    spec_sha256: &str,
) -> Result<(), String> {
    let mut file = run_progenitor(doc, n)?;
    let context = Context {
        operations: n.operations.len() - n.hand_written.len(),
        nullable: nullable_properties(doc),
        plain_serde: std::env::var_os(PLAIN_SERDE_ENV).is_some_and(|v| !v.is_empty()),
    };
    run_edits(Part::Whole, &mut file, &context)?;
    // For the manifest: read before the operation methods move to the crate's `Client`.
    let emitted = client_methods(&file);
    // The models go to `okta_types.rs` (compiled by okta-management-types), the client to `okta_generated.rs`
    // (compiled by okta-management): two crates, so neither rustc holds the whole API.
    let (mut types, mut client) = split_types(file)?;
    run_edits(Part::Models, &mut types, &context)?;
    write(out_dir, "okta_types.rs", &prettyplease::unparse(&types))?;
    run_edits(Part::Client, &mut client, &context)?;
    write(out_dir, "okta_generated.rs", &prettyplease::unparse(&client))?;
    for (name, text) in side_files::side_files(doc, n, &emitted, spec_version, spec_sha256) {
        write(out_dir, name, &text)?;
    }
    Ok(())
}

/// progenitor's client and typify's models for `doc`, as one file: the open enums and tagged unions of `n` (written
/// by hand into `okta_models.rs`), the comma-separated lists and the timestamps replace typify's types.
fn run_progenitor(doc: &Value, n: &Normalised) -> Result<syn::File, String> {
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
    syn::parse2(tokens).map_err(|e| format!("progenitor produced unparsable code: {e}"))
}

/// Runs the [`EDITS`] of `part` on `file`, in order; fails on the first whose count is not what it expects.
fn run_edits(part: Part, file: &mut syn::File, context: &Context) -> Result<(), String> {
    for edit in EDITS.iter().filter(|edit| edit.part == part) {
        let changed = (edit.apply)(file, context)?;
        if !edit.expected.accepts(changed, context.operations) {
            return Err(unexpected_count(edit.name, changed));
        }
    }
    Ok(())
}

/// The build error of an edit that changed a number of places it does not expect.
fn unexpected_count(edit: &str, changed: usize) -> String {
    format!(
        "post-generation edit `{edit}` changed {changed} places in progenitor's output, which is not what \
         crates/codegen/src/emit/ (`EDITS`) expects: progenitor's output changed; update the edit"
    )
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
