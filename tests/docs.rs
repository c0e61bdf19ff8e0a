//! The documents say what the code does: the README's diagnostics table is the contract's (every
//! code, with its severity); the layers of `src/lib.rs`'s doc and ARCHITECTURE.md's modules are
//! the crate's. And the code keeps the shape they give: `src/lsp`'s modules bottom up, no two
//! sibling modules using each other (directly or not), no source file over 1,000 lines.

use seedls::diagnostic::Code;

#[test]
fn readme_lists_every_code_with_its_severity() {
    let readme = include_str!("../README.md");
    for code in Code::ALL {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {code} |")))
            .unwrap_or_else(|| panic!("README has no row for {code}"));
        let severity = row.split('|').nth(2).unwrap().trim();
        assert_eq!(severity, code.severity().as_str(), "severity of {code} in the README");
    }
    let rows = readme
        .lines()
        .filter(|l| l.starts_with("| ") && l.get(2..6).is_some_and(|c| c.parse::<Code>().is_ok()))
        .count();
    assert_eq!(rows, Code::ALL.len(), "README lists a code the contract does not have");
}

/// `src/lib.rs`'s doc gives the layers, bottom up, one numbered item each (continued on indented
/// lines), linking the top-level modules of that layer only.
fn layers(lib: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut layer = None;
    for line in lib.lines().filter_map(|l| l.strip_prefix("//!")) {
        let line = line.strip_prefix(' ').unwrap_or(line);
        let number = line.split_once(". ").and_then(|(n, _)| n.parse::<usize>().ok());
        layer = match number {
            Some(n) => Some(n),
            None if line.starts_with("   ") => layer,
            None => None,
        };
        let Some(n) = layer else { continue };
        for link in line.split("[`").skip(1) {
            if let Some((name, _)) = link.split_once("`]") {
                out.push((n, name.to_string()));
            }
        }
    }
    out
}

/// The top-level modules `text` names: `crate::name` and `crate::{name, …}`.
fn crate_paths(text: &str) -> Vec<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                out.extend(group.split(',').map(|p| ident(p.trim())));
            }
            None => out.push(ident(rest)),
        }
    }
    out
}

fn sources(path: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            sources(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn every_module_has_a_layer_a_row_and_uses_only_the_layers_below() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let modules: Vec<&str> = lib.lines().filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';')).collect();
    let mut layer_of = std::collections::HashMap::new();
    for (n, name) in layers(&lib).into_iter().filter(|(_, name)| modules.contains(&name.as_str())) {
        assert!(layer_of.insert(name.clone(), n).is_none(), "lib.rs's doc puts `{name}` in two layers");
    }
    let architecture = include_str!("../ARCHITECTURE.md");
    for m in &modules {
        assert!(layer_of.contains_key(*m), "lib.rs's doc puts `{m}` in no layer");
        assert!(architecture.contains(&format!("\n| `{m}` |")), "ARCHITECTURE.md has no row for `{m}`");
        let mut files = vec![src.join(format!("{m}.rs"))];
        sources(&src.join(m), &mut files);
        for file in files.iter().filter(|f| f.exists()) {
            let text = std::fs::read_to_string(file).unwrap();
            for used in crate_paths(&text).iter().filter(|u| u.as_str() != *m) {
                let Some(&layer) = layer_of.get(used) else { continue };
                assert!(
                    layer < layer_of[*m],
                    "src/{} uses `{used}` (layer {layer}), not below `{m}` (layer {})",
                    file.strip_prefix(&src).unwrap().display(),
                    layer_of[*m]
                );
            }
        }
    }
}

/// `src/lsp`'s modules bottom up, as its module documentation lists them: each may use only
/// those before it.
const LSP_LAYERS: [&str; 18] = [
    "caps",
    "memory",
    "semantic_tokens",
    "framing",
    "parked",
    "state",
    "convert",
    "refresh",
    "learning",
    "settings",
    "diagnostics",
    "completion",
    "edit",
    "view",
    "early",
    "watch",
    "workspace",
    "server",
];

/// No module of `src/lsp` uses one after it in [`LSP_LAYERS`], nor the root's items: the
/// modules form no cycle, and a new one must find its place.
#[test]
fn lsp_modules_use_only_modules_below_them() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lsp");
    let mut found = Vec::new();
    for module in scan::siblings(&dir) {
        let Some(level) = LSP_LAYERS.iter().position(|m| *m == module.name) else {
            found.push(format!("{}: not in LSP_LAYERS", module.name));
            continue;
        };
        for used in module.files.iter().flat_map(|(code, depth)| scan::uses(code, "crate::lsp::", *depth)) {
            match LSP_LAYERS.iter().position(|m| *m == used) {
                Some(l) if l <= level => {}
                Some(_) => found.push(format!("{} uses {used}, which is not below it", module.name)),
                None => found.push(format!("{} uses the root's `{used}`", module.name)),
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

/// No two sibling modules of a folder of `src/` use each other, directly or through others:
/// whatever two modules share goes in a module below both. A use is the module it names (`super::pack::Kept`) or the
/// sibling that defines the item the parent re-exports (`super::Kept`, `crate::corpus::Kept`).
#[test]
fn no_two_sibling_modules_use_each_other() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut folders = vec![src.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            }
        }
        found.extend(scan::sibling_cycles(&src, &folder));
    }
    found.sort();
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn no_source_file_has_over_a_thousand_lines() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        sources(&root.join(dir), &mut files);
    }
    let mut long: Vec<String> = files
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, lines)| *lines > 1000)
        .map(|(f, lines)| format!("{}: {lines} lines", f.strip_prefix(root).unwrap().display()))
        .collect();
    long.sort();
    assert_eq!(long, Vec::<String>::new(), "split them by what they own");
}

#[test]
fn uses_are_read_from_paths_not_from_comments_or_strings() {
    let src = r##"
        use crate::lsp::{caps, state::{self, State},};
        use super::convert;
        // use super::server;
        /* super::view */
        let s = ("super::view", r#"crate::lsp::view"#, '"', '\'', b'"');
        fn f<'a>(x: &'a str) { super::edit::f(); crate::lsp::catch(); crate::text::f(); }
        #[cfg(test)]
        mod tests {
            use super::*;
            use super::super::watch;
            use crate::lsp::{early, convert};
        }
    "##;
    let code = scan::code(src);
    assert_eq!(scan::uses(&code, "crate::lsp::", 0), ["caps", "state", "convert", "edit", "catch", "watch", "early"]);
    // From a module one folder further down (`lsp/view/x.rs`), `super::` is `view`.
    assert_eq!(scan::uses(&code, "crate::lsp::", 1), ["caps", "state", "catch", "early", "convert"]);
}

#[test]
fn cycles_of_any_length_are_found_once_each() {
    let graph = [("a", vec!["b"]), ("b", vec!["c", "a"]), ("c", vec!["a"]), ("d", vec!["a"])];
    let uses = graph.into_iter().map(|(m, to)| (m, to.into_iter().map(String::from).collect())).collect();
    assert_eq!(scan::cycles(&uses), [vec!["a", "b", "a"], vec!["a", "b", "c", "a"]]);
}

#[test]
fn a_parents_uses_give_the_module_of_each_name_they_bring_in() {
    let parent = scan::code(
        "mod a; mod b;\n\
         pub use a::{X, y::{Z as W, self}};\n\
         pub(crate) use self::b::V;\n\
         use crate::text::T;\n\
         #[cfg(test)]\nmod tests { use b::U; }\n",
    );
    let mut got = scan::brought_in(&parent, &["a".to_string(), "b".to_string()]);
    got.sort();
    let want = [("V", "b"), ("W", "a"), ("X", "a"), ("y", "a")];
    assert_eq!(got, want.map(|(n, m)| (n.to_string(), m.to_string())));
}

/// Reading module paths out of Rust source: comments and literals blanked first, so that only
/// code names modules.
mod scan {
    use std::collections::BTreeMap;
    use std::ops::Range;
    use std::path::{Path, PathBuf};

    /// A module of a folder: its name and the code of its files (comments and literals
    /// blanked), each with how many folders below the module's own it lies.
    pub struct Module {
        pub name: String,
        pub files: Vec<(String, usize)>,
    }

    /// The modules of `dir`: each `name.rs` (but the parent's `mod.rs`) with the files of a
    /// folder `name/`.
    pub fn siblings(dir: &Path) -> Vec<Module> {
        let mut modules: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                let files = modules.entry(name).or_default();
                let mut found = Vec::new();
                super::sources(&path, &mut found);
                for file in found {
                    // `name/mod.rs` is the module itself; `name/x.rs` and `name/x/mod.rs` one
                    // folder down.
                    let below = file.strip_prefix(&path).unwrap().components().count();
                    let depth = below - usize::from(file.file_name().unwrap() == "mod.rs");
                    files.push((code(&std::fs::read_to_string(&file).unwrap()), depth));
                }
            } else if path.extension().is_some_and(|e| e == "rs") && name != "mod" && name != "lib" && name != "main" {
                modules.entry(name).or_default().push((code(&std::fs::read_to_string(&path).unwrap()), 0));
            }
        }
        modules.into_iter().map(|(name, files)| Module { name, files }).collect()
    }

    /// The pairs of sibling modules of `dir` (under `src`) that use each other.
    pub fn sibling_cycles(src: &Path, dir: &Path) -> Vec<String> {
        let parent = if dir == src {
            dir.join("lib.rs")
        } else if dir.join("mod.rs").exists() {
            dir.join("mod.rs")
        } else {
            dir.with_extension("rs")
        };
        let Ok(parent) = std::fs::read_to_string(&parent) else { return Vec::new() };
        let folder = dir.strip_prefix(src).unwrap();
        let prefix: String = folder.components().map(|c| format!("{}::", c.as_os_str().to_string_lossy())).collect();
        let prefix = format!("crate::{prefix}");
        let modules = siblings(dir);
        let names: Vec<String> = modules.iter().map(|m| m.name.clone()).collect();
        let items = brought_in(&code(&parent), &names);
        let mut uses: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for module in &modules {
            let used = uses.entry(&module.name).or_default();
            for (code, depth) in &module.files {
                for head in self::uses(code, &prefix, *depth) {
                    let target = if names.contains(&head) {
                        Some(head)
                    } else {
                        items.iter().find(|(item, _)| *item == head).map(|(_, m)| m.clone())
                    };
                    if let Some(t) = target.filter(|t| *t != module.name && !used.contains(t)) {
                        used.push(t);
                    }
                }
            }
        }
        let mut found = Vec::new();
        for cycle in cycles(&uses) {
            found.push(format!(
                "{}: {} use each other",
                PathBuf::from("src").join(folder).display(),
                cycle.join(" → ")
            ));
        }
        found
    }

    /// Each cycle of `uses` once, from its least module, through the least module next (a pair
    /// `a → b → a`, or longer).
    pub fn cycles(uses: &BTreeMap<&str, Vec<String>>) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for &start in uses.keys() {
            // Paths from `start` through modules greater than it, back to it: each cycle is
            // found from its least module only.
            let mut paths = vec![vec![start.to_string()]];
            while let Some(path) = paths.pop() {
                let last = path.last().unwrap();
                for next in uses.get(last.as_str()).into_iter().flatten() {
                    if next == start {
                        let mut cycle = path.clone();
                        cycle.push(start.to_string());
                        out.push(cycle);
                    } else if next.as_str() > start && !path.contains(next) {
                        let mut longer = path.clone();
                        longer.push(next.clone());
                        paths.push(longer);
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The names a parent module's `use` declarations bring in from its modules `names`
    /// (outside its tests), each with the module it comes from.
    pub fn brought_in(parent: &str, names: &[String]) -> Vec<(String, String)> {
        let tests = test_modules(parent);
        let mut out = Vec::new();
        for (at, _) in parent.match_indices("use ") {
            let before = parent[..at].trim_end();
            let statement = before.is_empty() || before.ends_with([';', '{', '}', ']', ')']) || before.ends_with("pub");
            let after_name = parent[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            if !statement || after_name || tests.iter().any(|t| t.contains(&at)) {
                continue;
            }
            let tree = &parent[at + 4..];
            let tree: String =
                tree[..tree.find(';').unwrap_or(tree.len())].split_whitespace().collect::<Vec<_>>().join(" ");
            let tree = tree.strip_prefix("self::").unwrap_or(&tree);
            let first = tree.split("::").next().unwrap_or_default().trim();
            if let Some(module) = names.iter().find(|n| *n == first) {
                for leaf in leaves(tree) {
                    out.push((leaf, module.clone()));
                }
            }
        }
        out
    }

    /// The names a use tree (`a::{b::{C as D, self}, E}`) brings in.
    fn leaves(tree: &str) -> Vec<String> {
        let tree = tree.trim();
        let Some(open) = tree.find('{') else {
            let last = tree.rsplit("::").next().unwrap_or(tree).trim();
            let name = last.rsplit_once(" as ").map_or(last, |(_, alias)| alias).trim();
            return if name.is_empty() || name == "*" { Vec::new() } else { vec![name.to_string()] };
        };
        let path = tree[..open].trim_end_matches("::");
        let mut out = Vec::new();
        let (mut depth, mut start) = (0, open + 1);
        for (i, c) in tree.char_indices().skip_while(|(i, _)| *i <= open) {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.extend(leaf_of(path, &tree[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.extend(leaf_of(path, &tree[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        out
    }

    /// The names one item of a group brings in; `self` names the group's path.
    fn leaf_of(path: &str, item: &str) -> Vec<String> {
        match item.trim() {
            "" => Vec::new(),
            "self" => leaves(path),
            item => leaves(item),
        }
    }

    /// The names a module's code takes from its parent's namespace: the first segment after
    /// `crate_path` (`crate::lsp::`) or after as many `super::` as lead there (one from a
    /// module `depth` 0, one more a folder down, one more in a test module), each item's of a
    /// `{…}` group, once each, in order.
    pub fn uses(code: &str, crate_path: &str, depth: usize) -> Vec<String> {
        let tests = test_modules(code);
        let mut out: Vec<String> = Vec::new();
        let mut at = 0;
        while let Some(c) = code[at..].chars().next() {
            let rest = &code[at..];
            let after_name = code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
            let Some(prefix) = [crate_path, "super::"].into_iter().find(|p| !after_name && rest.starts_with(p)) else {
                at += c.len_utf8();
                continue;
            };
            let mut path = &rest[prefix.len()..];
            let mut ups = usize::from(prefix == "super::");
            while let Some(up) = path.strip_prefix("super::") {
                path = up;
                ups += 1;
            }
            let in_test = tests.iter().any(|t| t.contains(&at));
            if prefix == crate_path || ups == depth + 1 + usize::from(in_test) {
                for name in heads(path) {
                    if !matches!(name, "self" | "*") && !out.iter().any(|n| n == name) {
                        out.push(name.to_string());
                    }
                }
            }
            at = code.len() - path.len();
        }
        out
    }

    /// The first name of a path, or of each item of the `{…}` group it starts with.
    fn heads(path: &str) -> Vec<&str> {
        fn first(s: &str) -> &str {
            let s = s.trim_start();
            &s[..s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*')).unwrap_or(s.len())]
        }
        let Some(group) = path.strip_prefix('{') else { return vec![first(path)] };
        let mut out = Vec::new();
        let (mut depth, mut start) = (0, 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.push(first(&group[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(first(&group[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.retain(|name| !name.is_empty());
        out
    }

    /// Where the code's inline test modules (`#[cfg(test)] mod … { … }`) lie.
    fn test_modules(code: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for (at, attribute) in code.match_indices("#[cfg(test)]") {
            let Some(module) = code[at + attribute.len()..].trim_start().strip_prefix("mod ") else { continue };
            let name = module.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(module.len());
            let body = module[name..].trim_start();
            if !body.starts_with('{') {
                continue;
            }
            let open = code.len() - body.len();
            let mut depth = 0;
            for (i, c) in body.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => continue,
                }
                if depth == 0 {
                    out.push(open..open + i);
                    break;
                }
            }
        }
        out
    }

    /// `src` with each comment, string and character literal replaced by a space: what is left
    /// is code, where only paths name modules.
    pub fn code(src: &str) -> String {
        let mut out = String::with_capacity(src.len());
        let mut rest = src;
        while let Some(c) = rest.chars().next() {
            let literal = if rest.starts_with("//") {
                Some(rest.find('\n').unwrap_or(rest.len()))
            } else if rest.starts_with("/*") {
                Some(rest.find("*/").map_or(rest.len(), |i| i + 2))
            } else if let Some(len) =
                raw_string(rest).filter(|_| !out.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
            {
                Some(len)
            } else if c == '"' {
                Some(string(rest))
            } else if c == '\'' {
                character(rest)
            } else {
                None
            };
            match literal {
                Some(len) => {
                    out.push(' ');
                    rest = &rest[len..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }

    /// The length of the raw string (`r#"…"#`, `br"…"`) `rest` starts with.
    fn raw_string(rest: &str) -> Option<usize> {
        let after_r = rest.strip_prefix("br").or_else(|| rest.strip_prefix('r'))?;
        let hashes = after_r.len() - after_r.trim_start_matches('#').len();
        let body = after_r[hashes..].strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&close)?;
        Some(rest.len() - body.len() + end + close.len())
    }

    /// The length of the string `rest` starts with (at its `"`).
    fn string(rest: &str) -> usize {
        let bytes = rest.as_bytes();
        let mut i = 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        (i + 1).min(rest.len())
    }

    /// The length of the character literal `rest` starts with; `None` for a lifetime.
    fn character(rest: &str) -> Option<usize> {
        let first = rest[1..].chars().next()?;
        if first == '\\' {
            return rest.get(3..)?.find('\'').map(|i| i + 4);
        }
        let end = 1 + first.len_utf8();
        rest[end..].starts_with('\'').then_some(end + 1)
    }
}
