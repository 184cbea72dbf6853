//! Which Gemini CLI messages are prompts a human typed, and which record a compression.
//!
//! gemini-cli records as `type: "user"` what the user typed, but also what it sends by itself:
//! tool responses (function-response parts, no text) and "Please continue." when the model must
//! continue its turn. What the user typed is `displayContent` when the CLI recorded one (it does
//! when it differs from what was sent: `@file` expansions, `/init`), else `content`. Slash
//! commands (`/init`, `/memory add …`) are commands, not prompts, as Claude Code's are.
//!
//! Compressions are not recorded as such; the notice the CLI shows after an automatic one is
//! recorded as an `info` message (since November 2025), and that is what is recognised.

use crate::model::prompt_summary;

/// What the CLI sends by itself when the model must continue its turn.
const CONTINUE: [&str; 2] = ["Please continue.", "System: Please continue."];

/// `(words, preview)` of a `user` message: `sent` is its content, `typed` what the user typed
/// (its display content, or the content). See the module docs.
pub(super) fn typed_prompt(sent: &str, typed: &str) -> Option<(u32, Box<str>)> {
    if CONTINUE.contains(&sent.trim()) {
        return None;
    }
    let text = typed.trim();
    if text.is_empty() || is_slash_command(text) {
        return None;
    }
    Some(prompt_summary(text))
}

/// `/init`, `/memory add x`: a first word that starts with `/` and is not a path.
fn is_slash_command(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or_default();
    first
        .strip_prefix('/')
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// True for the `info` message gemini-cli writes after an automatic compression.
pub(super) fn is_compression(text: &str) -> bool {
    const NOTICES: [&str; 2] = [
        "Context compressed from ",
        "IMPORTANT: This conversation exceeded the compress threshold",
    ];
    NOTICES.iter().any(|n| text.trim_start().starts_with(n))
}
