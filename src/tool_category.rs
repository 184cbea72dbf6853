//! What kind of work a tool does (placeholder table until the per-agent tables land).

use serde::{Deserialize, Serialize};

use crate::model::Agent;

/// A tool's category.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ToolCategory {
    FileRead,
    FileWrite,
    FileSearch,
    Shell,
    Git,
    Web,
    Agent,
    Mcp,
    System,
    Other,
}

/// The category of tool `name` of `agent`.
#[must_use]
pub fn categorize(_agent: Agent, name: &str) -> ToolCategory {
    if name.starts_with("mcp__") {
        ToolCategory::Mcp
    } else {
        ToolCategory::Other
    }
}
