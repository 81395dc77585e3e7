//! The house rules a reader can check by looking at the code: no import
//! loop among the core's modules (at the top and among the files of each
//! folder), and no web crate among the core's dependencies.
//!
//! The sources are read as text: a module depends on another when a line
//! outside comments and tests names `crate::other` (or, inside a folder,
//! `super::sibling`). That is coarser than the compiler's view, and on
//! purpose: a doc link is not a dependency, any path in code is.

// A test's own bookkeeping and sorting, never shipped: clippy.toml's rules
// are for the model.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The core's sources: `(module path, text without comments and tests)`.
/// `node/mod.rs` is `node`, `node/quorum.rs` is `node/quorum`.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&root).expect("under src");
            let mut module = relative
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/");
            if let Some(parent) = module.strip_suffix("/mod") {
                module = parent.to_string();
            }
            let is_test = module == "lib"
                || module.ends_with("/tests")
                || module.split('/').any(|part| part == "tests");
            if is_test {
                return None;
            }
            let text = fs::read_to_string(&path).expect("readable source");
            Some((module, code_of(&text)))
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file: everything before its test module, without comment lines.
fn code_of(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or("");
    before_tests
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifiers that follow each `prefix` in `code` (`crate::` gives `sim`
/// for `crate::sim::Outbox`), with the identifier after them, if any.
fn paths_after<'a>(code: &'a str, prefix: &str) -> Vec<(&'a str, Option<&'a str>)> {
    let ident = |s: &'a str| -> &'a str {
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        &s[..end]
    };
    code.match_indices(prefix)
        .filter(|(at, _)| {
            // `wildling_core::` or `super::` inside another word is not ours.
            code[..*at]
                .chars()
                .last()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
        })
        .map(|(at, _)| {
            let rest = &code[at + prefix.len()..];
            let first = ident(rest);
            let second = rest[first.len()..].strip_prefix("::").map(ident);
            (first, second.filter(|s| !s.is_empty()))
        })
        .filter(|(first, _)| !first.is_empty())
        .collect()
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(node.to_string(), Mark::Open);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let from = stack.iter().position(|m| m == next).expect("on the stack");
                    let mut found = stack[from..].to_vec();
                    found.push(next.clone());
                    return Some(found);
                }
                Mark::New => {
                    if let Some(found) = visit(next, graph, marks, stack) {
                        return Some(found);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if marks.get(node).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(found) = visit(node, graph, &mut marks, &mut Vec::new()) {
                return Some(found);
            }
        }
    }
    None
}

fn add_edge(graph: &mut BTreeMap<String, Vec<String>>, from: &str, to: &str) {
    let edges = graph.entry(from.to_string()).or_default();
    if from != to && !edges.iter().any(|e| e == to) {
        edges.push(to.to_string());
    }
}

#[test]
fn no_import_loop_among_the_top_level_modules() {
    let sources = sources();
    let top: Vec<&str> = sources
        .iter()
        .map(|(m, _)| m.split('/').next().expect("a name"))
        .collect();
    let mut graph = BTreeMap::new();
    for (module, code) in &sources {
        let from = module.split('/').next().expect("a name");
        for (to, _) in paths_after(code, "crate::") {
            if top.contains(&to) {
                add_edge(&mut graph, from, to);
            }
        }
    }
    assert!(
        graph.contains_key("node") && graph.contains_key("view"),
        "{graph:?}"
    );
    if let Some(found) = cycle(&graph) {
        panic!(
            "an import loop among the core's modules: {}",
            found.join(" -> ")
        );
    }
}

#[test]
fn no_import_loop_among_the_files_of_a_folder() {
    let sources = sources();
    let mut graphs: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let is_module = |name: &str| sources.iter().any(|(m, _)| m == name);
    for (module, code) in &sources {
        let Some((folder, _)) = module.rsplit_once('/') else {
            continue;
        };
        let graph = graphs.entry(folder.to_string()).or_default();
        graph.entry(module.clone()).or_default();
        let crate_prefix = format!("crate::{}::", folder.replace('/', "::"));
        let siblings = paths_after(code, "super::")
            .into_iter()
            .chain(paths_after(code, &crate_prefix))
            .map(|(name, _)| format!("{folder}/{name}"));
        for sibling in siblings {
            if is_module(&sibling) {
                add_edge(graph, module, &sibling);
            }
        }
    }
    assert!(graphs.contains_key("node"), "{graphs:?}");
    for (folder, graph) in &graphs {
        if let Some(found) = cycle(graph) {
            panic!("an import loop in {folder}/: {}", found.join(" -> "));
        }
    }
}

#[test]
fn the_core_names_no_web_crate() {
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("the core's manifest");
    for web in [
        "web-sys",
        "js-sys",
        "wasm-bindgen",
        "yew",
        "gloo",
        "getrandom",
    ] {
        assert!(
            !manifest.lines().any(|l| l.trim_start().starts_with(web)),
            "crates/core/Cargo.toml names {web}"
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_loop_and_only_a_loop() {
    let mut graph = BTreeMap::new();
    add_edge(&mut graph, "a", "b");
    add_edge(&mut graph, "b", "c");
    assert_eq!(cycle(&graph), None);
    add_edge(&mut graph, "c", "a");
    assert_eq!(
        cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let code = "use crate::sim::Outbox;\n// crate::view in a comment\nlet x = super::store::Store;";
    assert_eq!(
        paths_after(&code_of(code), "crate::"),
        [("sim", Some("Outbox"))]
    );
    assert_eq!(paths_after(code, "super::"), [("store", Some("Store"))]);
}

/// The newcomer's test: each Dynamo concept the issue names is one file of
/// the core whose name says so, and whose first line (its essay's title)
/// names the concept too. A concept spread over several files, or one that
/// hides in a file named for something else, fails here.
#[test]
fn each_dynamo_concept_is_one_file_named_for_it() {
    // (the concept, its file under src/, the words its name and title carry)
    let concepts = [
        ("the ring", "ring/mod.rs", "ring"),
        (
            "the preference list",
            "ring/preference_list.rs",
            "preference list",
        ),
        ("quorums R and W", "node/quorum.rs", "quorum"),
        ("sloppy quorum", "node/sloppy_quorum.rs", "sloppy quorum"),
        ("hinted handoff", "node/hinted_handoff.rs", "hinted handoff"),
        ("read repair", "node/read_repair.rs", "read repair"),
        ("Merkle trees", "merkle.rs", "merkle"),
        (
            "Merkle anti-entropy",
            "node/anti_entropy.rs",
            "anti-entropy",
        ),
        ("gossip", "node/gossip.rs", "gossip"),
        (
            "the failure detector",
            "node/failure_detector.rs",
            "failure detector",
        ),
        ("DVVSet", "causality/dvvset.rs", "dvvset"),
        ("the consistency checker", "checker.rs", "checker"),
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (concept, file, words) in concepts {
        let path = root.join(file);
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{concept}: no file src/{file} ({e})"));
        // `ring/mod.rs` is named by its folder.
        let name = file.trim_end_matches("/mod.rs").trim_end_matches(".rs");
        let name = name.rsplit('/').next().expect("a name").replace('_', " ");
        let as_in_names = words.replace('-', " ");
        assert!(
            name.contains(&as_in_names),
            "{concept}: src/{file} is not named for it (`{words}`)"
        );
        let title = text.lines().next().unwrap_or("").to_lowercase();
        assert!(
            title.starts_with("//!") && title.contains(words),
            "{concept}: the first line of src/{file} does not name it: {title}"
        );
    }
}
