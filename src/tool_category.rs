//! What kind of work a tool call does, from the agent and the tool's name.
//!
//! Each agent names its tools differently (`Read` / `read_file`, `Bash` / `shell` /
//! `run_shell_command`), so per-category analytics ("how much of the spend follows file reads?")
//! need one vocabulary. The mapping is **one table per agent**, from the names the agents document
//! and the names seen in real transcripts; a name that is in no table is [`ToolCategory::Other`].
//! MCP tools are recognised by their naming scheme instead (Claude `mcp__<server>__<tool>`, Codex
//! `<server>__<tool>` or `mcp__…`, Gemini `mcp_<server>_<tool>`), because their names are chosen
//! by whoever runs the server.
//!
//! Only the *name* is mapped: `git status` run through a shell tool is [`ToolCategory::Shell`].
//! [`ToolCategory::Git`] is for tools that are git operations by name; none of the three agents
//! ships one today.

use serde::{Deserialize, Serialize};

use crate::model::Agent;

/// The kind of work a tool call does.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ToolCategory {
    /// Reads one file (or a few named files).
    FileRead,
    /// Creates, edits or patches files.
    FileWrite,
    /// Finds files or text: globs, greps, directory listings.
    FileSearch,
    /// Runs a shell command, or manages a background shell.
    Shell,
    /// A git operation as a tool of its own.
    Git,
    /// Fetches a URL or searches the web.
    Web,
    /// Starts, messages or waits for a subagent.
    Agent,
    /// A tool served by an MCP server.
    Mcp,
    /// The agent's own bookkeeping: plans, todos, plan mode, questions to the user, skills.
    System,
    /// Anything not in the agent's table.
    Other,
}

impl ToolCategory {
    /// Every category, in display order.
    pub const ALL: [ToolCategory; 10] = [
        ToolCategory::FileRead,
        ToolCategory::FileWrite,
        ToolCategory::FileSearch,
        ToolCategory::Shell,
        ToolCategory::Git,
        ToolCategory::Web,
        ToolCategory::Agent,
        ToolCategory::Mcp,
        ToolCategory::System,
        ToolCategory::Other,
    ];

    /// The snake_case name used in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ToolCategory::FileRead => "file_read",
            ToolCategory::FileWrite => "file_write",
            ToolCategory::FileSearch => "file_search",
            ToolCategory::Shell => "shell",
            ToolCategory::Git => "git",
            ToolCategory::Web => "web",
            ToolCategory::Agent => "agent",
            ToolCategory::Mcp => "mcp",
            ToolCategory::System => "system",
            ToolCategory::Other => "other",
        }
    }

    /// True for the categories whose calls act on one file the parsers can name
    /// ([`crate::model::ToolCall::target`]).
    #[must_use]
    pub fn is_file(self) -> bool {
        matches!(self, ToolCategory::FileRead | ToolCategory::FileWrite)
    }
}

impl std::fmt::Display for ToolCategory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

use ToolCategory::{Agent as Subagent, FileRead, FileSearch, FileWrite, Mcp, Shell, System, Web};

/// Claude Code's built-in tools (1.0.x to 2.1.x).
const CLAUDE: &[(&str, ToolCategory)] = &[
    ("Read", FileRead),
    ("NotebookRead", FileRead),
    ("Write", FileWrite),
    ("Edit", FileWrite),
    ("MultiEdit", FileWrite),
    ("NotebookEdit", FileWrite),
    ("Glob", FileSearch),
    ("Grep", FileSearch),
    ("LS", FileSearch),
    ("Bash", Shell),
    ("BashOutput", Shell),
    ("KillShell", Shell),
    ("KillBash", Shell),
    // 2.1 names for BashOutput / KillShell, which also cover background agents.
    ("TaskOutput", Shell),
    ("TaskStop", Shell),
    ("WebFetch", Web),
    ("WebSearch", Web),
    ("web_search", Web),
    ("web_fetch", Web),
    ("Task", Subagent),
    ("Agent", Subagent),
    ("TodoWrite", System),
    ("TodoRead", System),
    ("ExitPlanMode", System),
    ("exit_plan_mode", System),
    ("EnterPlanMode", System),
    ("AskUserQuestion", System),
    ("Skill", System),
    ("SlashCommand", System),
    ("ToolSearch", System),
    ("ListMcpResourcesTool", Mcp),
    ("ReadMcpResourceTool", Mcp),
];

/// Codex CLI's tools (0.39 to 0.10x): shell variants, patches, plan, images, the experimental
/// file tools and the multi-agent tools.
const CODEX: &[(&str, ToolCategory)] = &[
    ("read_file", FileRead),
    ("view_image", FileRead),
    ("apply_patch", FileWrite),
    ("list_dir", FileSearch),
    ("grep_files", FileSearch),
    ("shell", Shell),
    ("container.exec", Shell),
    ("local_shell", Shell),
    ("shell_command", Shell),
    ("exec_command", Shell),
    ("write_stdin", Shell),
    ("unified_exec", Shell),
    ("web_search", Web),
    ("spawn_agent", Subagent),
    ("send_input", Subagent),
    ("resume_agent", Subagent),
    ("wait", Subagent),
    ("wait_agent", Subagent),
    ("close_agent", Subagent),
    ("update_plan", System),
    ("request_user_input", System),
    ("list_mcp_resources", Mcp),
    ("list_mcp_resource_templates", Mcp),
    ("read_mcp_resource", Mcp),
];

/// Gemini CLI's built-in tools (gemini-cli `tool-names.ts`), including the legacy
/// `search_file_content` (now `grep_search`) and `save_memory`.
const GEMINI: &[(&str, ToolCategory)] = &[
    ("read_file", FileRead),
    ("read_many_files", FileRead),
    ("write_file", FileWrite),
    ("replace", FileWrite),
    ("glob", FileSearch),
    ("grep_search", FileSearch),
    ("search_file_content", FileSearch),
    ("list_directory", FileSearch),
    ("run_shell_command", Shell),
    ("web_fetch", Web),
    ("google_web_search", Web),
    ("invoke_agent", Subagent),
    ("codebase_investigator", Subagent),
    ("cli_help", Subagent),
    ("save_memory", System),
    ("write_todos", System),
    ("update_topic", System),
    ("complete_task", System),
    ("ask_user", System),
    ("enter_plan_mode", System),
    ("exit_plan_mode", System),
    ("activate_skill", System),
    ("get_internal_docs", System),
    ("tracker_create_task", System),
    ("tracker_update_task", System),
    ("tracker_get_task", System),
    ("tracker_list_tasks", System),
    ("tracker_add_dependency", System),
    ("tracker_visualize", System),
    ("read_mcp_resource", Mcp),
    ("list_mcp_resources", Mcp),
];

/// agents2: Cline's and Roo Code's `ClineSayTool.tool` values (cline `ExtensionMessage.ts`, Roo-Code
/// `packages/types/src/message.ts`) and the shell ask this project names `execute_command`;
/// Codebuff's tool names (`common/src/tools/constants.ts`).
const AGENTS2: &[(&str, ToolCategory)] = &[
    ("readFile", FileRead),
    ("editedExistingFile", FileWrite),
    ("appliedDiff", FileWrite),
    ("newFileCreated", FileWrite),
    ("fileDeleted", FileWrite),
    ("searchAndReplace", FileWrite),
    ("insertContent", FileWrite),
    ("listFilesTopLevel", FileSearch),
    ("listFilesRecursive", FileSearch),
    ("listCodeDefinitionNames", FileSearch),
    ("searchFiles", FileSearch),
    ("codebaseSearch", FileSearch),
    ("execute_command", Shell),
    ("webFetch", Web),
    ("webSearch", Web),
    ("newTask", Subagent),
    ("updateTodoList", System),
    ("switchMode", System),
    ("read_files", FileRead),
    ("write_file", FileWrite),
    ("str_replace", FileWrite),
    ("run_terminal_command", Shell),
    ("code_search", FileSearch),
    ("find_files", FileSearch),
    ("web_search", Web),
    ("spawn_agents", Subagent),
];

/// The category of `agent`'s tool `name`.
#[must_use]
pub fn categorize(agent: Agent, name: &str) -> ToolCategory {
    let table = match agent {
        Agent::Claude => CLAUDE,
        Agent::Codex => CODEX,
        // Qwen Code is a Gemini CLI fork and keeps its tool names.
        Agent::Gemini | Agent::Qwen => GEMINI,
        // agents2: the names Cline, Roo Code and Codebuff write, then the common verbs.
        Agent::Cline | Agent::Roo | Agent::Codebuff => {
            return AGENTS2
                .iter()
                .find(|(n, _)| *n == name)
                .map_or_else(|| categorize_common(name), |(_, c)| *c)
        }
        _ => return categorize_common(name),
    };
    if let Some((_, category)) = table.iter().find(|(n, _)| *n == name) {
        return *category;
    }
    let mcp = match agent {
        // Built-in Codex names never contain `__`; MCP tools are `server__tool` (older) or
        // `mcp__server__tool`.
        Agent::Codex => name.contains("__"),
        Agent::Gemini | Agent::Qwen => name.starts_with("mcp_"),
        _ => name.starts_with("mcp__"),
    };
    if mcp {
        ToolCategory::Mcp
    } else {
        ToolCategory::Other
    }
}

/// The agents read after the first three (Copilot CLI, Amp, Kimi CLI, OpenCode, pi, ...) name
/// their tools after the same few verbs in different spellings (`read`, `Read`, `ReadFile`,
/// `read_file`, `view`): one table of those verbs, matched on the name lowercased without `_` and
/// `-`. A name that is in it nowhere is [`ToolCategory::Other`], as for the first three.
const COMMON: &[(&str, ToolCategory)] = &[
    ("read", FileRead),
    ("readfile", FileRead),
    ("view", FileRead),
    ("cat", FileRead),
    ("readmediafile", FileRead),
    ("write", FileWrite),
    ("writefile", FileWrite),
    ("edit", FileWrite),
    ("editfile", FileWrite),
    ("multiedit", FileWrite),
    ("create", FileWrite),
    ("createfile", FileWrite),
    ("patch", FileWrite),
    ("applypatch", FileWrite),
    ("strreplace", FileWrite),
    ("strreplacefile", FileWrite),
    ("strreplaceeditor", FileWrite),
    ("undoedit", FileWrite),
    ("glob", FileSearch),
    ("grep", FileSearch),
    ("find", FileSearch),
    ("list", FileSearch),
    ("ls", FileSearch),
    ("listdirectory", FileSearch),
    ("search", FileSearch),
    ("codesearch", FileSearch),
    ("bash", Shell),
    ("shell", Shell),
    ("powershell", Shell),
    ("runshellcommand", Shell),
    ("command", Shell),
    ("webfetch", Web),
    ("fetch", Web),
    ("fetchurl", Web),
    ("websearch", Web),
    ("searchweb", Web),
    ("task", Subagent),
    ("agent", Subagent),
    ("subagent", Subagent),
    ("todowrite", System),
    ("todoread", System),
    ("todo", System),
    ("settodolist", System),
    ("think", System),
    ("skill", System),
];

fn categorize_common(name: &str) -> ToolCategory {
    if name.starts_with("mcp__") || name.starts_with("mcp_") {
        return ToolCategory::Mcp;
    }
    let key: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    COMMON
        .iter()
        .find(|(n, _)| *n == key)
        .map_or(ToolCategory::Other, |(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_agents_share_one_verb_table() {
        assert_eq!(categorize(Agent::OpenCode, "read"), FileRead);
        assert_eq!(categorize(Agent::Kimi, "ReadFile"), FileRead);
        assert_eq!(categorize(Agent::Copilot, "str_replace_editor"), FileWrite);
        assert_eq!(categorize(Agent::Pi, "bash"), Shell);
        assert_eq!(categorize(Agent::Cline, "editedExistingFile"), FileWrite);
        assert_eq!(categorize(Agent::Roo, "execute_command"), Shell);
        assert_eq!(categorize(Agent::Codebuff, "run_terminal_command"), Shell);
        assert_eq!(categorize(Agent::Cline, "mcp__github__list_issues"), Mcp);
        assert_eq!(categorize(Agent::Crush, "view"), FileRead);
        assert_eq!(categorize(Agent::Amp, "mcp__github__list_issues"), Mcp);
        assert_eq!(categorize(Agent::Qwen, "read_file"), FileRead);
        assert_eq!(
            categorize(Agent::OpenCode, "frobnicate"),
            ToolCategory::Other
        );
    }

    #[test]
    fn real_tool_names_have_their_category() {
        // Names seen in fixtures/ (Claude 1.0.95 and 2.1.39, Codex 0.39, Gemini 2025-10/2026-04).
        let cases = [
            (Agent::Claude, "Read", FileRead),
            (Agent::Claude, "Edit", FileWrite),
            (Agent::Claude, "MultiEdit", FileWrite),
            (Agent::Claude, "Write", FileWrite),
            (Agent::Claude, "Glob", FileSearch),
            (Agent::Claude, "Grep", FileSearch),
            (Agent::Claude, "LS", FileSearch),
            (Agent::Claude, "Bash", Shell),
            (Agent::Claude, "BashOutput", Shell),
            (Agent::Claude, "KillShell", Shell),
            (Agent::Claude, "WebSearch", Web),
            (Agent::Claude, "WebFetch", Web),
            (Agent::Claude, "Task", Subagent),
            (Agent::Claude, "TodoWrite", System),
            (Agent::Claude, "ExitPlanMode", System),
            (Agent::Claude, "AskUserQuestion", System),
            (Agent::Claude, "Skill", System),
            (Agent::Claude, "mcp__context7__resolve-library-id", Mcp),
            (Agent::Codex, "shell", Shell),
            (Agent::Codex, "update_plan", System),
            (Agent::Codex, "apply_patch", FileWrite),
            (Agent::Codex, "exec_command", Shell),
            (Agent::Codex, "github__create_issue", Mcp),
            (Agent::Gemini, "read_file", FileRead),
            (Agent::Gemini, "write_file", FileWrite),
            (Agent::Gemini, "replace", FileWrite),
            (Agent::Gemini, "update_topic", System),
            (Agent::Gemini, "run_shell_command", Shell),
            (Agent::Gemini, "google_web_search", Web),
            (Agent::Gemini, "mcp_github_create_issue", Mcp),
        ];
        for (agent, name, want) in cases {
            assert_eq!(categorize(agent, name), want, "{agent} {name}");
        }
    }

    #[test]
    fn names_belong_to_their_agent() {
        // The same name can mean different things (or nothing) for another agent.
        assert_eq!(categorize(Agent::Codex, "Read"), ToolCategory::Other);
        assert_eq!(categorize(Agent::Claude, "read_file"), ToolCategory::Other);
        assert_eq!(categorize(Agent::Gemini, "shell"), ToolCategory::Other);
        assert_eq!(categorize(Agent::Gemini, "mcp__x"), ToolCategory::Mcp);
        assert_eq!(categorize(Agent::Claude, "mcp_x"), ToolCategory::Other);
        assert_eq!(categorize(Agent::Claude, ""), ToolCategory::Other);
    }

    #[test]
    fn each_table_names_a_tool_once() {
        for table in [CLAUDE, CODEX, GEMINI] {
            let mut names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            names.sort_unstable();
            let len = names.len();
            names.dedup();
            assert_eq!(names.len(), len);
        }
    }

    #[test]
    fn serde_and_as_str_agree() {
        for c in ToolCategory::ALL {
            let json = serde_json::to_string(&c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(c.to_string(), c.as_str());
        }
        assert!(FileRead.is_file() && FileWrite.is_file() && !FileSearch.is_file());
    }
}
