//! The web crate's shape, held by tests: pages and the API are adapters
//! over the services and never import each other; no two Rust types publish
//! one OpenAPI schema name (one would shadow the other in the document).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src(room: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(room);
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

fn imports(text: &str, room: &str) -> bool {
    text.contains(&format!("crate::{room}::")) || text.contains(&format!("crate::{room}::{{"))
}

#[test]
fn pages_api_and_services_do_not_import_each_other() {
    let mut wrong = Vec::new();
    for (room, forbidden) in [
        ("pages", ["api", "open311"]),
        ("api", ["pages", "open311"]),
        ("service", ["api", "pages"]),
    ] {
        for (path, text) in src(room) {
            for f in forbidden {
                if imports(&text, f) {
                    wrong.push(format!("{} imports crate::{f}", path.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `#[derive(… ToSchema …)]` followed by `pub struct|enum Name`, with
/// `#[schema(as = Other)]` naming it otherwise.
fn schema_names(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut names = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim();
        if !(l.starts_with("#[derive(") && l.contains("ToSchema")) {
            continue;
        }
        let mut alias = None;
        for next in &lines[i + 1..] {
            let n = next.trim();
            if let Some(rest) = n.strip_prefix("#[schema(as = ") {
                alias = rest
                    .split([')', ','])
                    .next()
                    .map(|a| a.rsplit("::").next().unwrap_or(a).trim().to_string());
                continue;
            }
            if n.starts_with("#[") || n.starts_with("///") {
                continue;
            }
            let decl = n
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            if let Some(rest) = decl
                .strip_prefix("struct ")
                .or_else(|| decl.strip_prefix("enum "))
            {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.push(alias.clone().unwrap_or(name));
            }
            break;
        }
    }
    names
}

#[test]
fn openapi_schema_names_are_unique() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for krate in ["web", "store", "domain"] {
        let mut files = Vec::new();
        rust_files(&root.join(krate).join("src"), &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for name in schema_names(&text) {
                seen.entry(name).or_default().push(f.display().to_string());
            }
        }
    }
    assert!(
        seen.len() > 100,
        "the scan found {} schema names",
        seen.len()
    );
    let dups: Vec<String> = seen
        .iter()
        .filter(|(_, at)| at.len() > 1)
        .map(|(n, at)| format!("{n}: {}", at.join(", ")))
        .collect();
    assert!(
        dups.is_empty(),
        "one schema name, several types:\n{}",
        dups.join("\n")
    );
}

#[test]
fn the_scan_sees_aliases_and_plain_names() {
    let text = "#[derive(Serialize, ToSchema)]\n/// doc\npub struct CaseDraft {}\n\
                #[derive(Deserialize, ToSchema)]\n#[schema(as = WorkLogDraft)]\npub struct CaseDraft2;";
    assert_eq!(schema_names(text), ["CaseDraft", "WorkLogDraft"]);
}

/// Every code of the error catalogue is documented in the published API
/// document: `ErrorBody.code` lists exactly the catalogue, each with its
/// meaning (that each code is used in the source is checked in the domain
/// crate, beside the catalogue).
#[test]
fn every_error_code_is_documented_in_the_api() {
    use kechuang_domain::ErrorCode;
    let doc = serde_json::to_value(kechuang_web::openapi()).unwrap();
    let code = &doc["components"]["schemas"]["ErrorBody"]["properties"]["code"];
    let listed: Vec<&str> = code["enum"]
        .as_array()
        .expect("ErrorBody.code lists its values")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let catalogue: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, catalogue);
    let text = code["description"].as_str().unwrap();
    for c in ErrorCode::ALL {
        assert!(
            text.contains(&format!("`{}`：{}", c.as_str(), c.meaning())),
            "{} is not explained",
            c.as_str()
        );
    }
}
