//! Which Codex `user` messages are prompts a human typed, and their text.
//!
//! Codex records as `response_item` messages of role `user` several things nobody typed: the
//! `<environment_context>` block and the `<user_instructions>` / `AGENTS.md` instructions it
//! injects at the start of a session, the echo of a `!` shell command (`<user_shell_command>`)
//! and the `<turn_aborted>` marker of an interrupted turn. Only the other `input_text` pieces
//! are the prompt. The IDE extensions wrap the request in a context header; only the part after
//! `## My request for Codex:` is what the user typed.
//!
//! The same prompt is also written as `event_msg/user_message`; that event is not read (it
//! would be a second copy of the same message), so each prompt is counted once.

use serde_json::Value;

use crate::model::prompt_summary;

/// Text Codex injects as a user message.
const INJECTED: &[&str] = &[
    "<environment_context>",
    "<user_instructions>",
    "# AGENTS.md instructions for ",
    "<user_shell_command>",
    "<turn_aborted>",
];

/// What the VS Code extension writes before the user's own words.
const IDE_REQUEST: &str = "## My request for Codex:";

/// `(words, preview)` of a user message's typed text, or `None` when it has none.
pub(crate) fn typed_prompt(content: Option<&Value>) -> Option<(u32, Box<str>)> {
    let pieces: Vec<&str> = match content? {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items
            .iter()
            .filter_map(|item| item.get("text").and_then(Value::as_str))
            .collect(),
        _ => return None,
    };
    let typed: Vec<&str> = pieces
        .into_iter()
        .filter(|p| {
            let start = p.trim_start();
            !INJECTED.iter().any(|tag| start.starts_with(tag))
        })
        .map(|p| p.rsplit_once(IDE_REQUEST).map_or(p, |(_, request)| request))
        .collect();
    let text = typed.join("\n");
    (!text.trim().is_empty()).then(|| prompt_summary(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(texts: &[&str]) -> Value {
        Value::Array(
            texts
                .iter()
                .map(|t| serde_json::json!({"type": "input_text", "text": t}))
                .collect(),
        )
    }

    #[test]
    fn injected_blocks_are_not_prompts() {
        for text in [
            "<environment_context>\n  <cwd>/proj</cwd>\n</environment_context>",
            "<user_instructions>\n\nBe terse.\n\n</user_instructions>",
            "# AGENTS.md instructions for /proj\n\n<INSTRUCTIONS>\nuse uv\n</INSTRUCTIONS>",
            "<user_shell_command>\n<command>ls</command>\n</user_shell_command>",
            "<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>",
            "   ",
        ] {
            assert_eq!(typed_prompt(Some(&content(&[text]))), None, "{text}");
        }
    }

    #[test]
    fn the_ide_header_is_dropped_and_pieces_are_joined() {
        // The VS Code extension's wrapper (fixtures/codex/sessions, Codex 0.39).
        let p = typed_prompt(Some(&content(&[
            "# Context from my IDE setup:\n\n## Open tabs:\n- a.rs\n\n## My request for Codex:\nfix the build",
        ])));
        assert_eq!(p, Some((3, Box::from("fix the build"))));
        let p = typed_prompt(Some(&content(&[
            "<environment_context>x</environment_context>",
            "hello",
            "world",
        ])));
        assert_eq!(p, Some((2, Box::from("hello\nworld"))));
    }
}
