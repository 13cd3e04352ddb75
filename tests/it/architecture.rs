//! The workspace's shape, checked: no import cycle between the top-level modules of any crate, and dependencies
//! between the crates only in the documented direction (README, "How the crate is built").

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The top-level modules of a crate (`src/x.rs` or `src/x/`), each with the `crate::<module>` paths its files use.
/// Comment lines are skipped: a doc link is not a dependency.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || name == "main" {
            continue;
        }
        let mut files = Vec::new();
        collect_rs(&path, &mut files);
        let mut uses = BTreeSet::new();
        for file in files {
            for line in std::fs::read_to_string(&file).unwrap().lines() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for (at, _) in line.match_indices("crate::") {
                    let preceded_by_ident =
                        line[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
                    if preceded_by_ident {
                        continue; // `okta_management_runtime::`, `$crate::`, …
                    }
                    let module: String =
                        line[at + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !module.is_empty() && module != name {
                        uses.insert(module);
                    }
                }
            }
        }
        graph.insert(name, uses);
    }
    graph
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

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    for src in ["src", "crates/runtime/src", "crates/hooks/src", "crates/mock/src", "crates/codegen/src"] {
        let graph = module_graph(&root().join(src));
        assert!(graph.len() > 2, "{src}: found only {:?}", graph.keys());
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{src}: import cycle {}", cycle.join(" → "));
        }
    }
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
