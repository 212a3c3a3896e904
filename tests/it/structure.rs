//! The structure of the source tree, read from `src/` and its paths (ARCHITECTURE.md): no
//! import cycle between files, no `app/` file reaching back into a `mod.rs`, `app/` in folders by
//! concern, nothing in the library importing the binary's CLI, no GUI or argument parsing in the
//! core, and no source file over 400 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 400;

/// A source file and the module it defines, e.g. `src/app/scene.rs` → ["app", "scene"]. The
/// binary's files (`main.rs`, `cli/`) are a crate of their own, rooted at ["bin"].
#[derive(Debug, Clone)]
struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
    /// `mod.rs`, `lib.rs` or `main.rs`: its children are its own submodules.
    is_dir_module: bool,
    text: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn source_files() -> Vec<SourceFile> {
    let mut paths = vec![];
    rust_files(Path::new("src"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let rel: Vec<String> = path
                .strip_prefix("src")
                .unwrap()
                .with_extension("")
                .iter()
                .map(|s| s.to_string_lossy().to_string())
                .collect();
            let last = rel.last().unwrap().clone();
            let is_dir_module = ["mod", "lib", "main"].contains(&last.as_str());
            let mut module: Vec<String> = rel;
            if is_dir_module {
                module.pop();
            }
            if module.first().is_some_and(|m| m == "cli") || last == "main" {
                module.insert(0, "bin".into());
            }
            let text = std::fs::read_to_string(&path).unwrap();
            SourceFile {
                path,
                module,
                is_dir_module,
                text,
            }
        })
        .collect()
}

/// The code of a file without comments and without its unit-test module (whose `super` is
/// the file itself).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path this file names that starts at `crate::`, `super::` or a child module, made
/// absolute: `use super::{a, b::c}` gives [parent, a] and [parent, b, c].
fn named_paths(file: &SourceFile, modules: &BTreeSet<Vec<String>>) -> Vec<Vec<String>> {
    let code = code_of(&file.text);
    let here = file.module.clone();
    let parent = if here.is_empty() || here == ["bin"] {
        here.clone()
    } else {
        here[..here.len() - 1].to_vec()
    };
    let root: Vec<String> = if here.first().is_some_and(|m| m == "bin") {
        vec!["bin".into()]
    } else {
        vec![]
    };
    let mut out = vec![];
    let bytes: Vec<char> = code.chars().collect();
    let ident = |i: &mut usize| -> String {
        let mut s = String::new();
        while *i < bytes.len() && (bytes[*i].is_alphanumeric() || bytes[*i] == '_') {
            s.push(bytes[*i]);
            *i += 1;
        }
        s
    };
    let mut i = 0;
    while i < bytes.len() {
        let at_word_start = i == 0
            || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
        if !at_word_start {
            i += 1;
            continue;
        }
        let word = ident(&mut i);
        if word.is_empty() {
            i += 1;
            continue;
        }
        let followed_by_path = bytes.get(i) == Some(&':') && bytes.get(i + 1) == Some(&':');
        let base = match word.as_str() {
            // `pub(crate)` and `pub(super)` are visibilities, not paths.
            "crate" | "super" if !followed_by_path => continue,
            "crate" => root.clone(),
            "super" => parent.clone(),
            w => {
                let mut child = here.clone();
                child.push(w.to_string());
                // A child module named directly (`use child::X` in a mod.rs / lib.rs).
                if file.is_dir_module && modules.contains(&child) && followed_by_path {
                    child[..child.len() - 1].to_vec()
                } else {
                    continue;
                }
            }
        };
        let mut heads: Vec<Vec<String>> = vec![];
        let mut path = base;
        if !["crate", "super"].contains(&word.as_str()) {
            path.push(word.clone());
        }
        // Follow `::ident` segments, or one level of `::{a, b::c}`.
        loop {
            if i + 1 < bytes.len() && bytes[i] == ':' && bytes[i + 1] == ':' {
                i += 2;
                if i < bytes.len() && bytes[i] == '{' {
                    let close = bytes[i..]
                        .iter()
                        .position(|c| *c == '}')
                        .map_or(bytes.len(), |p| i + p);
                    let group: String = bytes[i + 1..close].iter().collect();
                    for item in group.split(',') {
                        let mut p = path.clone();
                        p.extend(
                            item.trim()
                                .split("::")
                                .map(|s| s.trim().to_string())
                                .take_while(|s| {
                                    !s.is_empty()
                                        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
                                }),
                        );
                        heads.push(p);
                    }
                    i = close;
                    break;
                }
                let seg = ident(&mut i);
                if seg.is_empty() || seg == "super" {
                    break;
                }
                path.push(seg);
            } else {
                break;
            }
        }
        if heads.is_empty() {
            heads.push(path);
        }
        out.extend(heads);
    }
    out
}

/// The file-to-file dependency graph: each named path resolved to the deepest module file
/// that it starts with.
fn graph(files: &[SourceFile]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let mut g = BTreeMap::new();
    for f in files {
        let mut deps = BTreeSet::new();
        for p in named_paths(f, &modules) {
            let target = (0..=p.len())
                .rev()
                .map(|n| p[..n].to_vec())
                .find(|m| modules.contains(m));
            if let Some(t) = target.filter(|t| *t != f.module) {
                deps.insert(t);
            }
        }
        g.insert(f.module.clone(), deps);
    }
    g
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_import_cycle_between_files() {
    let g = graph(&source_files());
    // Depth-first search with colours; a grey node reached again closes a cycle.
    fn visit(
        n: &Vec<String>,
        g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for d in g.get(n).into_iter().flatten() {
            match state.get(d).copied().unwrap_or(0) {
                0 => visit(d, g, state, stack, cycles),
                1 => {
                    let from = stack.iter().position(|s| s == d).unwrap();
                    let mut c: Vec<String> = stack[from..].iter().map(|m| name(m)).collect();
                    c.push(name(d));
                    cycles.push(c.join(" → "));
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
    }
    let mut state = BTreeMap::new();
    let mut cycles = vec![];
    for n in g.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            visit(n, &g, &mut state, &mut vec![], &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// The window's modules that are folders (`app/mod.rs`, `app/sky/mod.rs`, …).
fn app_dir_modules(files: &[SourceFile]) -> Vec<Vec<String>> {
    files
        .iter()
        .filter(|f| f.is_dir_module && f.module.first().is_some_and(|m| m == "app"))
        .map(|f| f.module.clone())
        .collect()
}

#[test]
fn no_app_file_reaches_back_into_a_mod_rs() {
    let files = source_files();
    let g = graph(&files);
    let dirs = app_dir_modules(&files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| f.module.len() > 1 && f.module[0] == "app")
        .filter(|f| g[&f.module].iter().any(|d| dirs.contains(d)))
        .map(|f| f.path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "these use items of an app mod.rs: {offenders:?}"
    );
}

/// `app/` is grouped by concern (ARCHITECTURE.md): beside its `mod.rs` it holds only folders,
/// and each folder's `mod.rs` says what the folder owns (`//!`) and declares its files, nothing
/// else, so no file can lean on it.
#[test]
fn the_window_is_grouped_in_folders_by_concern() {
    let files = source_files();
    let loose: Vec<String> = files
        .iter()
        .filter(|f| f.module.len() == 2 && f.module[0] == "app" && !f.is_dir_module)
        .map(|f| f.path.display().to_string())
        .collect();
    assert!(loose.is_empty(), "files directly in src/app/: {loose:?}");
    let folders: Vec<&SourceFile> = files
        .iter()
        .filter(|f| f.is_dir_module && f.module.len() == 2 && f.module[0] == "app")
        .collect();
    assert!(folders.len() >= 4, "only {} folders in app/", folders.len());
    for f in folders {
        assert!(
            f.text.starts_with("//! "),
            "{} has no //! doc",
            f.path.display()
        );
        for line in f.text.lines() {
            let l = line.trim();
            assert!(
                l.is_empty()
                    || l.starts_with("//")
                    || (l.starts_with("pub mod ") && l.ends_with(';')),
                "{} holds more than module declarations: {l:?}",
                f.path.display()
            );
        }
    }
}

#[test]
fn the_library_never_imports_the_cli_and_the_core_has_no_gui() {
    for f in source_files() {
        let code = code_of(&f.text);
        let in_bin = f.module.first().is_some_and(|m| m == "bin");
        let in_app = f.module.first().is_some_and(|m| m == "app");
        if !in_bin {
            assert!(
                !code.contains("cli::") && !code.contains("mod cli"),
                "{} imports the CLI",
                f.path.display()
            );
        }
        if !in_bin && !in_app {
            for gui in ["bevy", "egui", "clap", "rfd::"] {
                assert!(
                    !code.contains(gui),
                    "{} (core) names `{gui}`",
                    f.path.display()
                );
            }
        }
    }
}

#[test]
fn no_source_file_is_over_400_lines() {
    let mut paths = vec![];
    for dir in ["src", "tests", "benches", "python/src"] {
        rust_files(Path::new(dir), &mut paths);
    }
    let long: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}

/// The checks above must be able to fail: a planted cycle and a planted back-import are found.
#[test]
fn the_checks_find_planted_faults() {
    let file = |module: &[&str], dir: bool, text: &str| SourceFile {
        path: PathBuf::from(module.join("/")),
        module: module.iter().map(|s| s.to_string()).collect(),
        is_dir_module: dir,
        text: text.into(),
    };
    let files = vec![
        file(&[], true, "pub mod app;\npub mod units;"),
        file(&["units"], false, "use crate::app::scene::Thing;"),
        file(&["app"], true, "mod scene;\npub struct UiLayout;"),
        file(&["app", "scene"], false, "use super::UiLayout;\nuse crate::units::MPC_M;\n#[cfg(test)]\nmod tests { use super::*; }"),
    ];
    let g = graph(&files);
    let scene = vec!["app".to_string(), "scene".to_string()];
    assert!(g[&scene].contains(&vec!["app".to_string()]));
    assert!(g[&scene].contains(&vec!["units".to_string()]));
    assert!(g[&vec!["units".to_string()]].contains(&scene));
    assert!(
        !g[&scene].contains(&scene),
        "a file's own test module is not an import"
    );
}
