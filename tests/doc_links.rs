//! The README and the docs link only into the repository, and every link resolves: a reader
//! of a clone (or of the files on any host) never follows a link out or into a missing file.

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The Markdown files a reader opens: the top-level ones and docs/.
fn documents() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [PathBuf::from(ROOT), Path::new(ROOT).join("docs")] {
        for entry in std::fs::read_dir(&dir).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Link targets: `[text](target)`, `![alt](target)`, `href="target"`, `src="target"`.
fn targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].to_owned());
        }
    }
    for attr in ["href=\"", "src=\""] {
        let mut rest = text;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_owned());
            }
        }
    }
    out
}

#[test]
fn targets_are_found_in_markdown_and_html() {
    assert_eq!(
        targets(r#"a [x](docs/a.md) ![y](b.png#z) <a href="c.png"><img src="d.png"></a>"#),
        ["docs/a.md", "b.png#z", "c.png", "d.png"]
    );
}

#[test]
fn readme_and_docs_link_only_to_files_in_the_repository() {
    let docs = documents();
    assert!(docs.iter().any(|d| d.ends_with("README.md")));
    let mut checked = 0;
    for doc in &docs {
        let text = std::fs::read_to_string(doc).expect("utf-8 document");
        for target in targets(&text) {
            let path = target.split('#').next().unwrap_or_default();
            assert!(
                !target.contains("://") && !target.starts_with("//") && !target.contains(':'),
                "{}: link out of the repository: {target}",
                doc.display()
            );
            if path.is_empty() {
                continue; // an anchor in the same document
            }
            let resolved = doc.parent().expect("a folder").join(path);
            assert!(resolved.exists(), "{}: broken link {target}", doc.display());
            let canonical = resolved.canonicalize().expect("resolvable");
            assert!(
                canonical.starts_with(Path::new(ROOT).canonicalize().expect("root")),
                "{}: link leaves the repository: {target}",
                doc.display()
            );
            checked += 1;
        }
    }
    assert!(
        checked > 10,
        "only {checked} links found: the scan is broken"
    );
}
