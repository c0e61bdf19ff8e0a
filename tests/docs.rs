//! The documents say what the code does: the README's diagnostics table is the contract's (every
//! code, with its severity); the layers of `src/lib.rs`'s doc and ARCHITECTURE.md's modules are
//! the crate's.

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
