//! Finding the price-table entry for a model name as an agent wrote it.
//!
//! Agents write names the table does not always hold verbatim: dated (`claude-sonnet-4-20250514`),
//! provider-prefixed (`anthropic/claude-opus-4-6`, `models/gemini-2.5-pro`), Vertex-style
//! (`claude-haiku-4-5@20251001`), Bedrock-style (`anthropic.claude-opus-4-1-20250805-v1:0`), or
//! custom (`aide-gpt-5`, a proxy's name for GPT-5). Lookup goes from most to least certain, and
//! says which step matched ([`Provenance`]):
//!
//! 1. **Exact**: the name is a table key.
//! 2. **Alias**: the name and every key are reduced to a *core* name (lowercase; provider prefixes,
//!    Bedrock region and `-vN:M` suffix dropped; `@YYYYMMDD` turned into `-YYYYMMDD`; dots in a
//!    Claude name turned into dashes, as routers write `claude-sonnet-4.5`). A query
//!    matches a key with the same core, keeping the date (a dated name reaches the entry of that
//!    date, e.g. the retired `claude-sonnet-4-20250514`, which LiteLLM keeps only as the Bedrock
//!    entry `anthropic.claude-sonnet-4-20250514-v1:0`). If none, the date is dropped on both sides
//!    (`claude-sonnet-4-5-20991231` -> `claude-sonnet-4-5`). Dates are never dropped first: a dated
//!    snapshot can have its own price (`gpt-4o-2024-05-13` costs twice `gpt-4o`).
//! 3. **Family**: the longest known core contained in the name *on token boundaries* (`-`, `_`,
//!    `/`, `:`, `@`, space), so `aide-gpt-5` is priced as `gpt-5` but `gpt-5` is never found in
//!    `gpt-50`, nor `gpt-5` in `gpt-5.7` (`.` is part of a version, not a separator). A match
//!    followed by a short number (`claude-opus-4` in `claude-opus-4-9`) is a different version,
//!    not a family member, and is rejected. Only cores with a digit qualify (`chat-latest` does
//!    not make every `*-chat-*` name a GPT). This is an approximation, and is labelled so.
//!
//! When several keys share a core, the provider's own entry wins over a reseller's (Anthropic,
//! OpenAI and Gemini before Bedrock before Vertex), then an undated key over a dated one.

use std::collections::HashMap;

use super::table::ModelPrices;
use super::Provenance;

/// Prefixes that only say who hosts or routes the model.
const PREFIXES: [&str; 9] = [
    "openrouter/",
    "anthropic/",
    "openai/",
    "gemini/",
    "google/",
    "vertex_ai/",
    "bedrock/",
    "models/",
    "azure/",
];
/// Bedrock cross-region inference prefixes (`us.anthropic.claude-...`).
const REGIONS: [&str; 6] = ["us.", "eu.", "apac.", "global.", "jp.", "au."];

/// Name indexes over a table's models.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    exact: HashMap<String, usize>,
    /// Core name (date kept) -> best entry.
    dated: HashMap<String, usize>,
    /// Core name without its date -> best entry.
    undated: HashMap<String, usize>,
    /// Family candidates: undated cores with a digit, longest first.
    families: Vec<(String, usize)>,
}

impl Index {
    pub(crate) fn new(models: &[ModelPrices]) -> Self {
        let mut exact = HashMap::new();
        let mut dated: HashMap<String, usize> = HashMap::new();
        let mut undated: HashMap<String, usize> = HashMap::new();
        for (i, m) in models.iter().enumerate() {
            exact.insert(m.name.clone(), i);
            let core = core_name(&m.name);
            let bare = strip_date(&core).to_owned();
            for (map, key) in [(&mut dated, core), (&mut undated, bare)] {
                let slot = map.entry(key).or_insert(i);
                if rank(&models[i]) < rank(&models[*slot]) {
                    *slot = i;
                }
            }
        }
        let mut families: Vec<(String, usize)> = undated
            .iter()
            .filter(|(core, _)| core.bytes().any(|b| b.is_ascii_digit()))
            .map(|(core, &i)| (core.clone(), i))
            .collect();
        families.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Index {
            exact,
            dated,
            undated,
            families,
        }
    }

    /// The entry for `model` and how it was found, or `None` when nothing fits.
    pub(crate) fn find(&self, model: &str) -> Option<(usize, Provenance)> {
        if let Some(&i) = self.exact.get(model) {
            return Some((i, Provenance::Exact));
        }
        let core = core_name(model);
        if core.is_empty() {
            return None;
        }
        if let Some(&i) = self.dated.get(&core) {
            return Some((i, Provenance::Alias));
        }
        let bare = strip_date(&core);
        if let Some(&i) = self.undated.get(bare) {
            return Some((i, Provenance::Alias));
        }
        self.families
            .iter()
            .find(|(family, _)| contains_on_boundaries(bare, family))
            .map(|&(_, i)| (i, Provenance::Family))
    }
}

/// Preference among keys sharing a core: lower is better.
fn rank(m: &ModelPrices) -> (u8, bool, usize, &str) {
    let provider = match m.provider.as_str() {
        "anthropic" | "openai" | "gemini" | "vertex_ai-language-models" => 0,
        p if p.starts_with("bedrock") => 1,
        p if p.starts_with("vertex_ai") => 2,
        _ => 3,
    };
    let core = core_name(&m.name);
    let is_dated = strip_date(&core).len() != core.len();
    (provider, is_dated, m.name.len(), m.name.as_str())
}

/// The model name with hosting decorations removed, lowercase, date kept.
#[must_use]
pub fn core_name(model: &str) -> String {
    let mut name = model.trim().to_ascii_lowercase();
    // `claude-opus-4-6[1m]`: a context-size tag, not part of the model id.
    if name.ends_with(']') {
        if let Some(at) = name.rfind('[') {
            name.truncate(at);
        }
    }
    loop {
        let before = name.len();
        for prefix in PREFIXES {
            if let Some(rest) = name.strip_prefix(prefix) {
                name = rest.to_owned();
            }
        }
        if name.len() == before {
            break;
        }
    }
    for region in REGIONS {
        if let Some(rest) = name.strip_prefix(region) {
            if rest.starts_with("anthropic.") {
                name = rest.to_owned();
            }
        }
    }
    if let Some(rest) = name.strip_prefix("anthropic.") {
        name = rest.to_owned();
    }
    // Claude ids use dashes; routers write versions with dots (`claude-sonnet-4.5`).
    if name.starts_with("claude") {
        name = name.replace('.', "-");
    }
    // Bedrock version suffix: `-v1`, `-v1:0`, `-v2:0`.
    if let Some(at) = name.rfind("-v") {
        let tail = &name[at + 2..];
        let (major, minor) = tail.split_once(':').unwrap_or((tail, "0"));
        if is_digits(major) && is_digits(minor) {
            name.truncate(at);
        }
    }
    // Vertex version: `@20250514` is a date, `@default` / `@latest` name no version.
    if let Some(at) = name.find('@') {
        let version = name[at + 1..].to_owned();
        name.truncate(at);
        if version.len() == 8 && is_digits(&version) {
            name.push('-');
            name.push_str(&version);
        }
    }
    name
}

/// `core` without a trailing date (`-20250514`, `-2024-08-06`) or `-latest`.
pub(crate) fn strip_date(core: &str) -> &str {
    let bytes = core.as_bytes();
    let n = bytes.len();
    if n > 9 && bytes[n - 9] == b'-' && is_digits(&core[n - 8..]) {
        return &core[..n - 9];
    }
    if n > 11
        && bytes[n - 11] == b'-'
        && is_digits(&core[n - 10..n - 6])
        && bytes[n - 6] == b'-'
        && is_digits(&core[n - 5..n - 3])
        && bytes[n - 3] == b'-'
        && is_digits(&core[n - 2..])
    {
        return &core[..n - 11];
    }
    core.strip_suffix("-latest").unwrap_or(core)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_separator(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'/' | b':' | b'@' | b' ')
}

/// True when `family` occurs in `name` between separators (or the ends), and is not followed by
/// a short number that would make it another version.
fn contains_on_boundaries(name: &str, family: &str) -> bool {
    let bytes = name.as_bytes();
    let mut from = 0;
    while let Some(pos) = name[from..].find(family) {
        let start = from + pos;
        let end = start + family.len();
        let starts_ok = start == 0 || is_separator(bytes[start - 1]);
        let ends_ok = end == bytes.len() || is_separator(bytes[end]);
        if starts_ok && ends_ok && !version_follows(&name[end..]) {
            return true;
        }
        from = start + 1;
        while !name.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// `rest` (what follows a match) begins with a separator and a one- or two-digit token.
fn version_follows(rest: &str) -> bool {
    let Some(tail) = rest.get(1..) else {
        return false;
    };
    let token: &str = tail
        .split(|c: char| c.is_ascii() && is_separator(c as u8))
        .next()
        .unwrap_or("");
    token.len() <= 2 && is_digits(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_names_drop_hosting_decorations() {
        assert_eq!(core_name("anthropic/claude-opus-4-6"), "claude-opus-4-6");
        assert_eq!(
            core_name("anthropic.claude-sonnet-4-20250514-v1:0"),
            "claude-sonnet-4-20250514"
        );
        assert_eq!(
            core_name("us.anthropic.claude-opus-4-1-20250805-v1:0"),
            "claude-opus-4-1-20250805"
        );
        assert_eq!(core_name("anthropic.claude-opus-4-6-v1"), "claude-opus-4-6");
        assert_eq!(
            core_name("vertex_ai/claude-haiku-4-5@20251001"),
            "claude-haiku-4-5-20251001"
        );
        assert_eq!(
            core_name("vertex_ai/claude-opus-4-6@default"),
            "claude-opus-4-6"
        );
        assert_eq!(core_name("models/gemini-2.5-pro"), "gemini-2.5-pro");
        assert_eq!(core_name("openai/GPT-5"), "gpt-5");
        assert_eq!(core_name("claude-opus-4-6[1m]"), "claude-opus-4-6");
        assert_eq!(
            core_name("openrouter/anthropic/claude-sonnet-4.5"),
            "claude-sonnet-4-5"
        );
        // Not a Bedrock suffix.
        assert_eq!(core_name("gpt-5-vision"), "gpt-5-vision");
    }

    #[test]
    fn dates_are_stripped_only_at_the_end() {
        assert_eq!(strip_date("claude-sonnet-4-20250514"), "claude-sonnet-4");
        assert_eq!(strip_date("gpt-4o-2024-08-06"), "gpt-4o");
        assert_eq!(strip_date("claude-3-5-sonnet-latest"), "claude-3-5-sonnet");
        assert_eq!(strip_date("gpt-4-0613"), "gpt-4-0613");
        assert_eq!(strip_date("gemini-2.5-pro"), "gemini-2.5-pro");
    }

    #[test]
    fn family_matches_respect_token_boundaries() {
        assert!(contains_on_boundaries("aide-gpt-5", "gpt-5"));
        assert!(contains_on_boundaries("gpt-5-proxy", "gpt-5"));
        assert!(contains_on_boundaries("team/gpt-5", "gpt-5"));
        assert!(!contains_on_boundaries("gpt-50", "gpt-5"));
        assert!(!contains_on_boundaries("xgpt-5", "gpt-5"));
        assert!(!contains_on_boundaries("aide-gpt-5.7", "gpt-5"));
        assert!(!contains_on_boundaries("claude-opus-4-9", "claude-opus-4"));
        assert!(contains_on_boundaries(
            "claude-opus-4-custom",
            "claude-opus-4"
        ));
        assert!(contains_on_boundaries("my-gpt-5-20250807x", "gpt-5"));
    }
}
