//! agentmeter's core: exact token and cost accounting for AI coding agents.
//!
//! Data flows one way: bytes -> [`parsers`] (one streaming parser per agent format, chosen by
//! [`detect`]) -> keyed records ([`model`]) -> [`ledger::Ledger`] (the merge law) -> [`rollup`]
//! (sums by agent, day, model, session, priced by [`pricing`]) -> [`report`] (the JSON and text the
//! CLI prints and the browser app draws).
//!
//! This crate has no web dependency: the browser app (`web/`) and the native CLI (`src/main.rs`)
//! are thin layers over it, so both print the same numbers.
//!
//! ```
//! use agentmeter::{detect, ledger::Ledger, parsers};
//! let line = br#"{"timestamp":"2025-01-01T00:00:00Z","type":"session_meta","payload":{"id":"t"}}"#;
//! let mut ledger = Ledger::new();
//! if let detect::Classification::Parse { format, ctx } = detect::classify("rollout-x.jsonl", line) {
//!     ledger.add_file(parsers::parse_bytes(format, ctx, line));
//! }
//! assert_eq!(ledger.line_totals().read, 1);
//! ```

pub mod agents;
pub mod analysis;
pub mod detect;
pub mod fast_hash;
pub mod filter;
pub mod insights;
pub mod ledger;
pub mod line_report;
pub mod lines;
pub mod model;
pub mod otlp;
pub mod parallel;
pub mod parsers;
pub mod plans;
pub mod pricing;
pub mod report;
pub mod rollup;
pub mod sources;
pub mod sqlite;
pub mod tool_category;
pub mod whatif;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
