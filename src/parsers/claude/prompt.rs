//! Which Claude Code `user` lines are prompts a human typed, and their text.
//!
//! Claude Code writes many things as `type: "user"` lines that nobody typed: tool results (already
//! [`Role::Tool`](crate::model::Role::Tool)), skill and slash-command expansions (`isMeta`), the
//! summary that continues a compacted session (`isCompactSummary`), the prompt a subagent was
//! given (`isSidechain`), echoes of local commands (`<command-name>`, `<local-command-stdout>`,
//! `! cmd` bash mode) and the interrupt marker "[Request interrupted by user]". Counting those as
//! prompts would make "words per prompt" and "first prompt" meaningless, so only the text pieces
//! (a string `content`, or `text` blocks) that are none of these are kept.
//!
//! The text is read in the same pass as the envelope for lines without usage or tool blocks
//! ([`PromptLine`]), and in a second parse ([`reread`]) for the few `user` lines read in full;
//! text that cannot be decoded (a lone surrogate escape) loses the prompt's words, never the
//! line (the caller reads such a line again without its text).

use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::model::prompt_summary;
use crate::parsers::text::TextPieces;

use super::lax::LaxObj;
use super::schema::Envelope;

/// `message` read only for its text.
#[derive(Debug, Deserialize)]
pub(crate) struct PromptMessage<'a> {
    #[serde(borrow, default)]
    pub content: TextPieces<'a>,
}

/// A line read for its envelope and prompt text.
pub(crate) type PromptLine<'a> = Envelope<'a, LaxObj<PromptMessage<'a>>, IgnoredAny>;

/// Text Claude Code wraps around what it injects as a user message: local command echoes,
/// `!` bash mode, reminders and background-task notifications.
const INJECTED_TAGS: &[&str] = &[
    "<command-name>",
    "<command-message>",
    "<command-args>",
    "<local-command-stdout>",
    "<local-command-stderr>",
    "<local-command-caveat>",
    "<bash-input>",
    "<bash-stdout>",
    "<bash-stderr>",
    "<system-reminder>",
    "<task-notification>",
];

/// The start of "[Request interrupted by user]" and "[Request interrupted by user for tool use]".
const INTERRUPTED: &str = "[Request interrupted by user";

/// True when the envelope allows a typed prompt: a main-thread `user` line that Claude Code did
/// not inject. Checked before the line's text is read.
pub(super) fn may_be_typed<M, D>(line: &Envelope<'_, M, D>) -> bool {
    line.kind.get() == Some("user")
        && line.is_meta != Some(true)
        && line.is_compact_summary != Some(true)
        && line.is_sidechain != Some(true)
}

/// `(words, preview)` of a prompt the user typed, or `None` when the line is anything else.
pub(super) fn typed_prompt<D>(
    line: &Envelope<'_, LaxObj<PromptMessage<'_>>, D>,
) -> Option<(u32, Box<str>)> {
    if !may_be_typed(line) {
        return None;
    }
    let message = line.message.as_ref().and_then(LaxObj::get)?;
    let typed: Vec<&str> = message
        .content
        .0
        .iter()
        .map(|piece| piece.as_ref())
        .filter(|piece| is_typed(piece))
        .collect();
    let text = typed.join("\n");
    (!text.trim().is_empty()).then(|| prompt_summary(&text))
}

/// `(words, preview)` of the line in `text` if it is a typed prompt (read again for its text).
pub(super) fn reread(text: &str) -> Option<(u32, Box<str>)> {
    serde_json::from_str::<PromptLine<'_>>(text)
        .ok()
        .and_then(|line| typed_prompt(&line))
}

fn is_typed(piece: &str) -> bool {
    let start = piece.trim_start();
    !start.starts_with(INTERRUPTED) && !INJECTED_TAGS.iter().any(|tag| start.starts_with(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(line: &str) -> Option<(u32, Box<str>)> {
        reread(line)
    }

    // Lines from fixtures/claude/projects (spotter, Claude Code 2.1.39), envelopes trimmed.
    #[test]
    fn typed_prompts_are_read_from_strings_and_text_blocks() {
        let p = prompt(
            r#"{"parentUuid":null,"isSidechain":false,"type":"user","message":{"role":"user","content":"mix phx.server doesnt seem to start"},"uuid":"u1"}"#,
        );
        assert_eq!(
            p,
            Some((6, Box::from("mix phx.server doesnt seem to start")))
        );
        let p = prompt(
            r#"{"type":"user","message":{"role":"user","content":[{"type":"image","source":{"type":"base64","data":"AAAA"}},{"type":"text","text":"Do you think we could set up rewrites?"}]}}"#,
        );
        assert_eq!(p.map(|p| p.0), Some(8));
    }

    #[test]
    fn injected_user_lines_are_not_prompts() {
        for line in [
            r#"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"[Request interrupted by user for tool use]"}]}}"#,
            r#"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"[Request interrupted by user]"}]}}"#,
            r#"{"type":"user","isMeta":true,"message":{"role":"user","content":"<local-command-caveat>Caveat: The messages below were generated by the user while running local commands.</local-command-caveat>"}}"#,
            r#"{"type":"user","message":{"role":"user","content":"<command-name>/mcp</command-name>\n            <command-message>mcp</command-message>\n            <command-args></command-args>"}}"#,
            r#"{"type":"user","message":{"role":"user","content":"<local-command-stdout>Reconnected to tidewave.</local-command-stdout>"}}"#,
            r#"{"type":"user","isCompactSummary":true,"isVisibleInTranscriptOnly":true,"message":{"role":"user","content":"This session is being continued from a previous conversation that ran out of context."}}"#,
            r#"{"type":"user","isSidechain":true,"message":{"role":"user","content":"Warmup"}}"#,
            r#"{"type": "user", "message": {"role": "user", "content": "<bash-input> uv run pytest</bash-input>"}}"#,
            r#"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":"ok"}]}}"#,
            r#"{"type":"assistant","message":{"role":"assistant","content":"hi"}}"#,
            r#"{"type":"user","message":{"role":"user","content":"   "}}"#,
        ] {
            assert_eq!(prompt(line), None, "{line}");
        }
    }

    #[test]
    fn a_reshaped_meta_flag_does_not_hide_a_prompt_or_fail_the_line() {
        let p = prompt(r#"{"type":"user","isMeta":"no","message":{"content":"hello there"}}"#);
        assert_eq!(p.map(|p| p.0), Some(2));
    }
}
