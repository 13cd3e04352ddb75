//! The workspace's shape, checked: no import cycle between the top-level modules of any crate, and dependencies
//! between the crates only in the documented direction (README, "How the crate is built").
//!
//! The module graph is read from the syntax tree (syn), so every form of module path counts: `crate::x`,
//! `super::x` and `super::super::x` (resolved from the module the path stands in, inline `mod`s included),
//! `self::…`, nested `use` groups (`use crate::{a::X, b::{self, Y}}`) and paths inside macro calls. Comments and
//! doc links are not dependencies; `$crate::` and other crates' paths are not this crate's modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The top-level modules of a crate (`src/x.rs` or `src/x/`; not `lib.rs` or `main.rs`), each with the other
/// top-level modules its files name.
fn module_graph(src: &Path) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let mut nodes = BTreeSet::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(src).map_err(|e| format!("{}: {e}", src.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if name == "lib" || name == "main" || !(path.is_dir() || path.extension().is_some_and(|e| e == "rs")) {
            continue;
        }
        nodes.insert(name);
        collect_rs(&path, &mut files);
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = nodes.iter().map(|n| (n.clone(), BTreeSet::new())).collect();
    for file in files {
        let module = module_path_of(src, &file);
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let syntax = syn::parse_file(&text).map_err(|e| format!("{}: not Rust syntax: {e}", file.display()))?;
        let mut reader = PathReader { module: module.clone(), named: BTreeSet::new() };
        reader.visit_file(&syntax);
        let own = &module[0];
        let uses = graph.get_mut(own).expect("each file lies under a top-level module");
        uses.extend(reader.named.into_iter().filter(|m| m != own && nodes.contains(m)));
    }
    Ok(graph)
}

fn collect_rs(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            collect_rs(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The module a file is, from the crate root: `src/a.rs` and `src/a/mod.rs` are `a`, `src/a/b.rs` is `a::b`.
fn module_path_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("the file lies under src");
    let mut module: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
    let last = module.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        module.push(stem.to_string());
    }
    module
}

/// Walks a file's syntax tree and records the first segment (a top-level module, or a root item) of every path
/// that names something of this crate, resolved to the crate root.
struct PathReader {
    /// The module the visitor stands in (the file's, then any inline `mod` inside it).
    module: Vec<String>,
    named: BTreeSet<String>,
}

impl PathReader {
    /// Records `segments` (a path as written) if it starts at `crate`, `super` or `self`.
    fn record(&mut self, segments: &[String]) {
        if let Some(resolved) = resolve(&self.module, segments) {
            if let Some(first) = resolved.first() {
                self.named.insert(first.clone());
            }
        }
    }

    /// The leaves of a `use` tree, each as a whole path (`use crate::{a::X, b::{self, Y}}` → `crate::a::X`,
    /// `crate::b`, `crate::b::Y`).
    fn record_use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.record_use_tree(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => self.record_leaf(prefix, &name.ident),
            syn::UseTree::Rename(rename) => self.record_leaf(prefix, &rename.ident),
            syn::UseTree::Glob(_) => {
                let whole = prefix.clone();
                self.record(&whole);
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.record_use_tree(prefix, tree);
                }
            }
        }
    }

    fn record_leaf(&mut self, prefix: &[String], ident: &syn::Ident) {
        let mut whole = prefix.to_vec();
        // `b::{self}` names `b` itself; a leading `self` (`use self::x`) stays for resolve().
        if ident != "self" || whole.is_empty() {
            whole.push(ident.to_string());
        }
        self.record(&whole);
    }

    /// Paths inside a macro call's tokens (`format!("{}", crate::a::X)`), which syn leaves unparsed.
    fn record_tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut at = 0;
        while at < tokens.len() {
            match &tokens[at] {
                TokenTree::Group(group) => self.record_tokens(group.stream()),
                TokenTree::Ident(ident) if ["crate", "super", "self"].contains(&ident.to_string().as_str()) => {
                    let after_dollar = at > 0 && matches!(&tokens[at - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    let mut segments = vec![ident.to_string()];
                    while let (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)), Some(TokenTree::Ident(next))) =
                        (tokens.get(at + 1), tokens.get(at + 2), tokens.get(at + 3))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        segments.push(next.to_string());
                        at += 3;
                    }
                    if !after_dollar {
                        self.record(&segments);
                    }
                }
                _ => {}
            }
            at += 1;
        }
    }
}

impl PathReader {
    fn record_string_paths(&mut self, tokens: TokenStream) {
        for token in tokens {
            match token {
                TokenTree::Group(group) => self.record_string_paths(group.stream()),
                TokenTree::Literal(literal) => {
                    let Ok(text) = syn::parse_str::<syn::LitStr>(&literal.to_string()) else { continue };
                    if let Ok(path) = syn::parse_str::<syn::Path>(&text.value()) {
                        self.visit_path(&path);
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for PathReader {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.module.push(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
        self.module.pop();
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if item.leading_colon.is_none() {
            self.record_use_tree(&mut Vec::new(), &item.tree);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.record(&segments);
        }
        syn::visit::visit_path(self, path);
    }

    /// Paths written as strings in attributes (`#[serde(with = "crate::a::codec")]`); doc text is not code.
    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if !attr.path().is_ident("doc") {
            if let syn::Meta::List(list) = &attr.meta {
                self.record_string_paths(list.tokens.clone());
            }
            if let syn::Meta::NameValue(pair) = &attr.meta {
                self.record_string_paths(pair.value.to_token_stream());
            }
        }
        syn::visit::visit_attribute(self, attr);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.record_tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// `segments` resolved from `module` to a path from the crate root, if it starts at `crate`, `super` or `self`
/// (any other first segment is a local name or another crate). `None` where `super` climbs above the root.
fn resolve(module: &[String], segments: &[String]) -> Option<Vec<String>> {
    let first = segments.first()?;
    let mut rest = segments.iter().peekable();
    let mut base: Vec<String> = match first.as_str() {
        "crate" => {
            rest.next();
            Vec::new()
        }
        "super" | "self" => module.to_vec(),
        _ => return None,
    };
    while let Some(segment) = rest.peek() {
        match segment.as_str() {
            "self" => {}
            "super" => {
                base.pop()?;
            }
            _ => break,
        }
        rest.next();
    }
    base.extend(rest.cloned());
    Some(base)
}

/// A cycle of the graph, if there is one (as the list of modules along it).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if graph.contains_key(next) {
                if let Some(cycle) = visit(next, graph, path, done) {
                    return Some(cycle);
                }
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("error".to_string(), BTreeSet::from(["pagination".to_string()])),
        ("pagination".to_string(), BTreeSet::from(["retry".to_string()])),
        ("retry".to_string(), BTreeSet::from(["error".to_string()])),
    ]
    .into();
    assert_eq!(find_cycle(&graph).unwrap(), ["error", "pagination", "retry", "error"]);
    let acyclic: BTreeMap<String, BTreeSet<String>> =
        [("auth".to_string(), BTreeSet::from(["config".to_string()])), ("config".to_string(), BTreeSet::new())].into();
    assert_eq!(find_cycle(&acyclic), None);
}

/// A crate's `src/` written from `(path, text)` pairs into a fresh temporary directory.
fn fixture_tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okta-architecture-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join("src").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir.join("src")
}

/// `b` uses `a` plainly; `a` reaches `b` through `a_files` (the form under test). The checker must see the cycle.
fn planted_cycle(name: &str, a_files: &[(&str, &str)]) -> Option<Vec<String>> {
    let mut files = vec![
        ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("b.rs", "use crate::a::A;\npub struct B(A);\npub fn g() {}\npub const NAME: &str = \"b\";\n"),
        ("c.rs", "pub struct C;\n"),
    ];
    files.extend_from_slice(a_files);
    let src = fixture_tree(name, &files);
    let graph = module_graph(&src).unwrap();
    let _ = std::fs::remove_dir_all(src.parent().unwrap());
    find_cycle(&graph)
}

#[test]
fn the_checker_sees_a_cycle_through_every_form_of_module_path() {
    let forms: [(&str, &[(&str, &str)]); 10] = [
        ("crate_path_in_code", &[("a.rs", "pub struct A;\nfn f() { crate::b::g() }\n")]),
        ("crate_use", &[("a.rs", "use crate::b::B;\npub struct A;\n")]),
        ("super_use", &[("a.rs", "use super::b::B;\npub struct A;\n")]),
        ("super_in_code", &[("a.rs", "pub struct A;\nfn f() { super::b::g() }\n")]),
        (
            "super_super_from_a_submodule",
            &[("a/mod.rs", "mod inner;\npub struct A;\n"), ("a/inner.rs", "use super::super::b::B;\n")],
        ),
        ("super_in_an_inline_module", &[("a.rs", "pub struct A;\nmod deep {\n    use super::super::b::B;\n}\n")]),
        ("self_super", &[("a.rs", "use self::super::b::B;\npub struct A;\n")]),
        ("nested_use_group_with_self", &[("a.rs", "use crate::{c::C, b::{self}};\npub struct A;\n")]),
        ("macro_call", &[("a.rs", "pub struct A;\nfn f() { println!(\"{}\", crate::b::NAME); }\n")]),
        (
            "serde_attribute_string",
            &[("a.rs", "#[derive(serde::Serialize)]\npub struct A(#[serde(with = \"super::b::codec\")] u8);\n")],
        ),
    ];
    for (name, a_files) in forms {
        let cycle = planted_cycle(name, a_files);
        assert_eq!(
            cycle.as_deref(),
            Some(&["a", "b", "a"].map(String::from)[..]),
            "{name}: the planted cycle was missed"
        );
    }
}

#[test]
fn the_checker_does_not_count_what_is_not_a_dependency() {
    let a = "//! Uses [crate::b::B] in a doc link only.\n\
             /// See `crate::b`.\n\
             pub struct A;\n\
             // crate::b::g() in a comment\n\
             macro_rules! m { () => { $crate::b::g() }; }\n\
             fn f() { other::b::g(); ::b::g(); let _ = \"crate::b\"; }\n\
             #[cfg(test)]\nmod tests {\n    use super::*;\n    use self::super::A as Same;\n}\n";
    assert_eq!(planted_cycle("not_dependencies", &[("a.rs", a)]), None);
    let src = fixture_tree("unparsable", &[("lib.rs", "mod a;\n"), ("a.rs", "fn (")]);
    let error = module_graph(&src).unwrap_err();
    let _ = std::fs::remove_dir_all(src.parent().unwrap());
    assert!(error.contains("a.rs: not Rust syntax"), "{error}");
}

#[test]
fn super_and_self_resolve_from_the_module_they_stand_in() {
    let module = ["a".to_string(), "inner".to_string()];
    let path = |text: &str| text.split("::").map(String::from).collect::<Vec<_>>();
    assert_eq!(resolve(&module, &path("super::x")), Some(path("a::x")));
    assert_eq!(resolve(&module, &path("super::super::b::X")), Some(path("b::X")));
    assert_eq!(resolve(&module, &path("self::y")), Some(path("a::inner::y")));
    assert_eq!(resolve(&module, &path("crate::b")), Some(path("b")));
    assert_eq!(resolve(&module, &path("super::super::super::b")), None);
    assert_eq!(resolve(&module, &path("serde::Serialize")), None);
}

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    let mut cycles = Vec::new();
    for src in [
        "src",
        "crates/runtime/src",
        "crates/hooks/src",
        "crates/mock/src",
        "crates/codegen/src",
        "crates/decode/src",
        "crates/types/src",
    ] {
        let graph = module_graph(&root().join(src)).unwrap();
        assert!(graph.len() > 2, "{src}: found only {:?}", graph.keys());
        if let Some(cycle) = find_cycle(&graph) {
            cycles.push(format!("{src}: import cycle {}", cycle.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "{}", cycles.join("\n"));
}

/// The workspace crates each crate depends on (normal and build dependencies).
fn workspace_dependencies(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut deps = BTreeSet::new();
    let mut section = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
        } else if (section == "[dependencies]" || section == "[build-dependencies]")
            && line.starts_with("okta-management")
        {
            deps.insert(line.split([' ', '=']).next().unwrap().to_string());
        }
    }
    deps
}

#[test]
fn crates_depend_on_each_other_only_downwards() {
    let expected: [(&str, &[&str]); 7] = [
        (".", &["okta-management-hooks", "okta-management-mock", "okta-management-runtime", "okta-management-types"]),
        ("crates/types", &["okta-management-codegen", "okta-management-decode"]),
        ("crates/codegen", &[]),
        ("crates/runtime", &["okta-management-decode"]),
        ("crates/hooks", &["okta-management-runtime", "okta-management-types"]),
        ("crates/mock", &["okta-management-codegen"]),
        ("crates/decode", &[]),
    ];
    for (dir, allowed) in expected {
        let deps = workspace_dependencies(&root().join(dir).join("Cargo.toml"));
        let allowed: BTreeSet<String> = allowed.iter().map(|s| s.to_string()).collect();
        assert_eq!(deps, allowed, "{dir}/Cargo.toml depends on other workspace crates than the README's diagram says");
    }
}
