//! Every supported agent in one table: where it keeps its sessions on Linux, macOS and Windows,
//! what agentmeter reads there, and what its files let it show.
//!
//! The README's two agent tables ([`folders_markdown`], [`availability_markdown`]; a test keeps
//! the README equal to them), the browser's drop zone and "no agent data" message, and the CLI's
//! "no usage found" note are all written from this table, so the three never disagree. The CLI's
//! actual scan ([`crate::cli`]'s `default_roots`) also honours each agent's environment variables;
//! a test checks that it scans every folder named here.

use crate::model::Agent;

/// What agentmeter knows and reads of one agent.
#[derive(Debug, Clone, Copy)]
pub struct AgentInfo {
    pub agent: Agent,
    /// Default folders on Linux (`~` is the home folder).
    pub linux: &'static [&'static str],
    /// Default folders on macOS.
    pub macos: &'static [&'static str],
    /// Default folders on Windows.
    pub windows: &'static [&'static str],
    /// Which files are read there (and the environment variables that move them).
    pub reads: &'static str,
    /// What the token counts are.
    pub tokens: &'static str,
    pub cost: &'static str,
    /// Tool calls, and in brackets whether failures are known.
    pub tools: &'static str,
    pub durations: &'static str,
    pub not_available: &'static str,
}

impl AgentInfo {
    /// True when the agent's files are counted (not only recognised and listed); every agent's
    /// are since Factory Droid's session totals are read.
    #[must_use]
    pub fn is_counted(&self) -> bool {
        true
    }

    /// The default folders on the system this binary was built for.
    #[must_use]
    pub fn here(&self) -> &'static [&'static str] {
        if cfg!(windows) {
            self.windows
        } else if cfg!(target_os = "macos") {
            self.macos
        } else {
            self.linux
        }
    }
}

/// Every agent, in [`Agent::ALL`] order.
pub const AGENTS: &[AgentInfo] = &[
    AgentInfo {
        agent: Agent::Claude,
        linux: &["~/.claude/projects", "~/.config/claude/projects"],
        macos: &["~/.claude/projects", "~/.config/claude/projects"],
        windows: &[
            "%USERPROFILE%\\.claude\\projects",
            "%USERPROFILE%\\.config\\claude\\projects",
        ],
        reads: "main sessions, subagent files (`<session>/subagents/agent-*.jsonl`, older flat \
                `agent-*.jsonl`), compaction files (`$CLAUDE_CONFIG_DIR` honoured)",
        tokens: "per call, 5m/1h cache writes",
        cost: "yes",
        tools: "yes (yes)",
        durations: "tool latency, session span",
        not_available: "",
    },
    AgentInfo {
        agent: Agent::Codex,
        linux: &["~/.codex/sessions", "~/.codex/archived_sessions"],
        macos: &["~/.codex/sessions", "~/.codex/archived_sessions"],
        windows: &[
            "%USERPROFILE%\\.codex\\sessions",
            "%USERPROFILE%\\.codex\\archived_sessions",
        ],
        reads: "`rollout-*.jsonl` (`$CODEX_HOME` honoured); saved `codex exec --json` output \
                wherever it is given or dropped (counted only for a thread whose rollout is not \
                read: no model, so unpriced)",
        tokens: "per call",
        cost: "yes",
        tools: "yes (yes)",
        durations: "tool latency, session span",
        not_available: "cache writes (none billed)",
    },
    AgentInfo {
        agent: Agent::Gemini,
        linux: &["~/.gemini/tmp"],
        macos: &["~/.gemini/tmp"],
        windows: &["%USERPROFILE%\\.gemini\\tmp"],
        reads: "legacy `chats/session-*.json` and current `chats/*.jsonl`; the prompt log \
                `logs.json` (prompts only, counted for a session whose chat file is not read)",
        tokens: "per message",
        cost: "yes",
        tools: "yes (yes)",
        durations: "session span",
        not_available: "tool latency, git branch, cwd (a hash only)",
    },
    AgentInfo {
        agent: Agent::Copilot,
        linux: &["~/.copilot/session-state", "~/.copilot/history-session-state"],
        macos: &["~/.copilot/session-state", "~/.copilot/history-session-state"],
        windows: &[
            "%USERPROFILE%\\.copilot\\session-state",
            "%USERPROFILE%\\.copilot\\history-session-state",
        ],
        reads: "`<session>/events.jsonl`; 2025 `session_*.json` (messages and tools, no tokens) \
                (`$COPILOT_HOME` honoured)",
        tokens: "per model per session segment (from `session.shutdown`), plus premium requests",
        cost: "yes",
        tools: "yes (yes)",
        durations: "tool latency, session span",
        not_available: "per-call input (only per-segment totals); input of a segment that never \
                        shut down (its output is counted)",
    },
    AgentInfo {
        agent: Agent::OpenCode,
        linux: &["~/.local/share/opencode"],
        macos: &["~/.local/share/opencode"],
        windows: &["%USERPROFILE%\\.local\\share\\opencode"],
        reads: "the SQLite database `opencode.db` (read in the browser too) and the legacy JSON \
                `storage/message`, `storage/part` (`$XDG_DATA_HOME` honoured)",
        tokens: "per call: input, output, reasoning, cache read, cache write (5-minute)",
        cost: "computed; OpenCode's own `cost` shown beside it",
        tools: "name, errors, input, target, result size",
        durations: "tool `end - start`",
        not_available: "",
    },
    AgentInfo {
        agent: Agent::Qwen,
        linux: &["~/.qwen/projects", "~/.qwen/tmp"],
        macos: &["~/.qwen/projects", "~/.qwen/tmp"],
        windows: &[
            "%USERPROFILE%\\.qwen\\projects",
            "%USERPROFILE%\\.qwen\\tmp",
        ],
        reads: "`<project>/chats/<session>.jsonl` (`$QWEN_RUNTIME_DIR` honoured)",
        tokens: "per call",
        cost: "yes, when the model is in the price table (Qwen models are not: listed as \
               unpriced)",
        tools: "yes (yes)",
        durations: "tool latency, session span",
        not_available: "",
    },
    AgentInfo {
        agent: Agent::Amp,
        linux: &["~/.local/share/amp/threads"],
        macos: &["~/.local/share/amp/threads"],
        windows: &["%USERPROFILE%\\.local\\share\\amp\\threads"],
        reads: "`T-<uuid>.json` threads (the Windows folder is unverified)",
        tokens: "per call",
        cost: "yes",
        tools: "yes (yes)",
        durations: "session span",
        not_available: "tool latency, cwd, git branch; credits are not converted",
    },
    AgentInfo {
        agent: Agent::Kimi,
        linux: &["~/.kimi/sessions"],
        macos: &["~/.kimi/sessions"],
        windows: &["%USERPROFILE%\\.kimi\\sessions"],
        reads: "`<work dir hash>/<session>/wire.jsonl` and its subagents' `wire.jsonl` \
                (`$KIMI_SHARE_DIR` honoured)",
        tokens: "per call",
        cost: "no: the logs name no model, so every call is unpriced and listed under `unknown`",
        tools: "yes (yes)",
        durations: "tool latency, session span",
        not_available: "model, cwd (a hash only), git branch",
    },
    AgentInfo {
        agent: Agent::Droid,
        linux: &["~/.factory/sessions"],
        macos: &["~/.factory/sessions"],
        windows: &["%USERPROFILE%\\.factory\\sessions"],
        reads: "`<encoded cwd>/<session>.settings.json`, the session's usage total (a format \
                read by peers, not documented by Factory; one without `tokenUsage` is listed with \
                that reason), and the `<session>.jsonl` message history beside it (messages and \
                tool calls, no usage)",
        tokens: "per **session** only: input, output (thinking added), cache read, cache write \
                 (5-minute); read as non-overlapping (an assumption, docs/formats.md)",
        cost: "computed from the session's `model` (custom models are unpriced)",
        tools: "name, input, target, result size (yes: `is_error` of a result)",
        durations: "tool latency (result time - call time); the usage total is dated by the \
                    session's provider lock, near its start",
        not_available: "per-call usage, git branch, cwd (only the folder's encoded form)",
    },
    AgentInfo {
        agent: Agent::Pi,
        linux: &["~/.pi/agent/sessions"],
        macos: &["~/.pi/agent/sessions"],
        windows: &["%USERPROFILE%\\.pi\\agent\\sessions"],
        reads: "`--<cwd>--/<time>_<id>.jsonl` (`$PI_CODING_AGENT_DIR` honoured)",
        tokens: "per call: input, output, cache read, cache write (5-minute)",
        cost: "computed; pi's own `cost.total` shown beside it",
        tools: "name, errors, input, target, result size",
        durations: "result time - call time",
        not_available: "",
    },
    AgentInfo {
        agent: Agent::Crush,
        linux: &[
            "~/.local/share/crush",
            "`.crush/crush.db` in each project it lists",
        ],
        macos: &[
            "~/.local/share/crush",
            "`.crush/crush.db` in each project it lists",
        ],
        windows: &[
            "%LOCALAPPDATA%\\crush",
            "`.crush\\crush.db` in each project it lists",
        ],
        reads: "`crush.db`: sessions, messages, tool calls; the CLI scans every project data \
                folder listed in the global folder's `projects.json` (Crush since December 2025) \
                and the global folder itself (`crush server`'s `.crush/crush.db`); \
                `$CRUSH_GLOBAL_DATA`, `$XDG_DATA_HOME` honoured. In the browser drop a project's \
                `.crush` folder",
        tokens: "none: Crush keeps no usage per call (a session holds only its last call's context \
                 size), so its sessions have no tokens",
        cost: "none (Crush's running estimate per session is not a per-call cost)",
        tools: "yes (yes)",
        durations: "tool latency (to the second)",
        not_available: "tokens, cost",
    },
    AgentInfo {
        agent: Agent::Codebuff,
        linux: &["~/.config/manicode/projects"],
        macos: &["~/.config/manicode/projects"],
        windows: &["%USERPROFILE%\\.config\\manicode\\projects"],
        reads: "`<project>/chats/<chat id>/messages.json`",
        tokens: "none: Codebuff keeps no usage on disk (its calls run and are billed on its \
                 servers), so chats are sessions without tokens",
        cost: "none",
        tools: "name, input, target, result size",
        durations: "none (messages carry no time; a chat is dated by its id)",
        not_available: "tokens, cost, tool errors and latency",
    },
    AgentInfo {
        agent: Agent::Goose,
        linux: &["~/.local/share/goose/sessions"],
        macos: &["~/Library/Application Support/Block/goose/sessions"],
        windows: &["%APPDATA%\\Block\\goose\\data\\sessions"],
        reads: "`sessions.db`: one record per session (`$GOOSE_PATH_ROOT` honoured)",
        tokens: "per **session** only: input (cache reads and writes inside it, no split), output",
        cost: "computed, an upper bound (cached tokens at the input rate); no model in older \
               databases (unpriced)",
        tools: "not read",
        durations: "none",
        not_available: "",
    },
    AgentInfo {
        agent: Agent::Cline,
        linux: &["~/.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks"],
        macos: &["~/Library/Application Support/Code/User/globalStorage/saoudrizwan.claude-dev/tasks"],
        windows: &["%APPDATA%\\Code\\User\\globalStorage\\saoudrizwan.claude-dev\\tasks"],
        reads: "`<task id>/ui_messages.json`; other VS Code-like editors (`Code - Insiders`, \
                `VSCodium`, `Cursor`, `Windsurf`, ...) in place of `Code` too",
        tokens: "per request: input, output, cache read, cache write (5-minute)",
        cost: "computed when the model is recorded (Cline since November 2025), else Cline's own \
               `cost`; Cline's `cost` shown beside",
        tools: "name, input, target",
        durations: "task span",
        not_available: "tool errors and latency (results are not tied to calls), cwd, git branch",
    },
    AgentInfo {
        agent: Agent::Roo,
        linux: &["~/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks"],
        macos: &[
            "~/Library/Application Support/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks",
        ],
        windows: &["%APPDATA%\\Code\\User\\globalStorage\\rooveterinaryinc.roo-cline\\tasks"],
        reads: "`<task id>/ui_messages.json`; other VS Code-like editors in place of `Code` too",
        tokens: "per request: input (cached tokens taken out once where Roo counts them inside), \
                 output, cache read, cache write (5-minute)",
        cost: "Roo Code's own `cost` (no model is recorded)",
        tools: "name, input, target",
        durations: "task span",
        not_available: "model, tool errors and latency, cwd, git branch",
    },
];

/// The entry of `agent`.
#[must_use]
pub fn info(agent: Agent) -> Option<&'static AgentInfo> {
    AGENTS.iter().find(|a| a.agent == agent)
}

/// A list of folders as one table cell: each in backticks unless it already quotes itself.
fn cell(folders: &[&str]) -> String {
    folders
        .iter()
        .map(|f| {
            if f.contains('`') {
                (*f).to_owned()
            } else {
                format!("`{f}`")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The README's table of default folders: agent, Linux, macOS, Windows, what is read.
#[must_use]
pub fn folders_markdown() -> String {
    let mut out =
        String::from("| agent | Linux | macOS | Windows | what is read |\n|---|---|---|---|---|\n");
    for a in AGENTS {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            a.agent.label(),
            cell(a.linux),
            cell(a.macos),
            cell(a.windows),
            a.reads
        ));
    }
    out
}

/// The README's table of what each agent's files let agentmeter show.
#[must_use]
pub fn availability_markdown() -> String {
    let mut out = String::from(
        "| agent | tokens | cost | tools (errors) | durations | not available |\n\
         |---|---|---|---|---|---|\n",
    );
    for a in AGENTS {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            a.agent.label(),
            a.tokens,
            a.cost,
            a.tools,
            a.durations,
            a.not_available
        ));
    }
    out
}

/// The agents whose files are counted, by label, for messages ("Claude Code, Codex CLI, ...").
#[must_use]
pub fn counted_labels() -> Vec<&'static str> {
    AGENTS
        .iter()
        .filter(|a| a.is_counted())
        .map(|a| a.agent.label())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_agent_has_one_entry_in_display_order() {
        let listed: Vec<Agent> = AGENTS.iter().map(|a| a.agent).collect();
        assert_eq!(listed, Agent::ALL.to_vec());
        for a in AGENTS {
            assert!(!a.linux.is_empty() && !a.macos.is_empty() && !a.windows.is_empty());
        }
    }
}
