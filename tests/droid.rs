//! Factory Droid's session files are recognised and listed with the reason they are not counted
//! (its usage format is not established from Factory's own code or documentation), through a home
//! folder walk as through a direct drop, and nothing of them is counted.
//!
//! Fixture **derived** by `fixtures/droid/make_fixtures.py` (see `fixtures/README.md`).

mod parse_support;

use agentmeter::detect::{self, Classification, VisitScope};
use parse_support::*;

const SESSIONS: &str = "fixtures/droid/home/.factory/sessions";

#[test]
fn droid_files_are_known_with_the_reason_and_never_counted() {
    let files = files_under(SESSIONS);
    assert_eq!(files.len(), 2);
    for file in &files {
        let bytes = read(file);
        match detect::classify(file, &bytes) {
            Classification::Known { what } => {
                assert!(what.starts_with("Factory Droid session"), "{what}");
                assert!(what.contains("not counted"), "{what}");
            }
            other => panic!("{file}: {other:?}"),
        }
    }
    // The session file is recognised by content alone, wherever it is dropped.
    let bytes = read(&files[0]);
    assert!(matches!(
        detect::classify("dropped/x.jsonl", &bytes),
        Classification::Known { .. }
    ));
}

#[test]
fn a_home_walk_enters_dot_factory_sessions_only() {
    let scope = VisitScope::for_root("home", [".factory", ".bashrc"]);
    assert!(scope.visit(".factory"));
    assert!(scope.visit(".factory/sessions/-home-user-proj/s.jsonl"));
    assert!(!scope.visit(".factory/logs/droid.log.json"));
    assert!(!scope.visit("Documents/notes.json"));
}
