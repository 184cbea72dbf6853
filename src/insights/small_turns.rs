//! `expensive-model-small-turns`: quick turns paid at the top model's rates.
//!
//! Why it matters: a turn that answers in a few words (an acknowledgement, a tool call, a one-line
//! edit) does not need the most capable model, yet on it every token of the context is billed at
//! that model's price. Users who already use a cheaper model of the same family can route such
//! turns to it.
//!
//! Rule, per model family ([`family`]: `claude`, `gemini`, `gpt-5`, ...; the same vendor line, so
//! the cheaper model speaks the same tool protocol):
//! 1. The models used are the price-table entries the analysis' priced calls resolved to
//!    ([`crate::pricing::PriceTable::lookup`], on the compiled-in table every analysis is priced
//!    with). A model's price is its base (input, output) per-token rate, compared in that order.
//! 2. The family must have at least two models used. The *expensive* model is the priciest; the
//!    *cheaper* model is the next one down that was also used (the closest in price, so the
//!    saving is not inflated by assuming the cheapest model would do).
//! 3. A *small turn* is a call on the expensive model with at most [`SMALL_TURN_MAX_OUTPUT`]
//!    output tokens. Its saving is what the call cost (fast mode included) minus what its tokens
//!    cost at the cheaper model's standard rates, floored at 0.
//! 4. The family is reported when the savings sum to at least [`SMALL_TURN_MIN_SAVING_PICO`].
//!
//! Figure: the saving in dollars. One insight per family.

use std::collections::BTreeMap;

use crate::analysis::{Analysis, Call};
use crate::fast_hash::FastMap;
use crate::model::Agent;
use crate::pricing::lookup::core_name;
use crate::pricing::{ModelPrices, PriceTable};
use crate::rollup::pico_to_usd;

use super::common::{dollars, plural, session_label};
use super::thresholds::{MAX_EVIDENCE, SMALL_TURN_MAX_OUTPUT, SMALL_TURN_MIN_SAVING_PICO};
use super::{Insight, Severity};

pub const ID: &str = "expensive-model-small-turns";

/// The family of a price-table entry: `claude`, `gemini`, `gpt-<major>` (`gpt-5-mini` and
/// `gpt-5-codex` are `gpt-5`), otherwise the first dash-separated part of its name (`o4`).
#[must_use]
pub fn family(entry: &str) -> String {
    let core = core_name(entry);
    if core.starts_with("claude") {
        return "claude".to_owned();
    }
    if core.starts_with("gemini") {
        return "gemini".to_owned();
    }
    if let Some(rest) = core.strip_prefix("gpt-") {
        let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return format!("gpt-{major}");
    }
    core.split('-').next().unwrap_or_default().to_owned()
}

/// A model's price for ranking: base (input, output) rate per token, in picodollars.
fn price(m: &ModelPrices) -> (u64, u64) {
    let r = m.rates_for(0);
    (r.input, r.output)
}

struct Saving<'a> {
    calls: u64,
    pico: u64,
    by_session: BTreeMap<(Agent, &'a str), u64>,
}

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let table = PriceTable::embedded();
    // The table's entry of each model name, looked up once per name: a list of (call, entry)
    // pairs for every call, grown by doubling, was the largest block of the page's heap at its
    // peak (8 MB at 5 GB); one entry per call, sized up front, is a quarter of that.
    // Each call's entry, in call order (one pointer per call, the list sized up front). Each
    // model name also notes whether a priced call named it: the names and families below are
    // worked out once per such name, not once per call.
    let mut entry_of: FastMap<&str, (Option<&ModelPrices>, bool)> = FastMap::default();
    let mut entries: Vec<Option<&ModelPrices>> = Vec::with_capacity(analysis.calls.len());
    entries.extend(analysis.calls.iter().map(|c| {
        let (entry, named) = entry_of
            .entry(c.model().as_str())
            .or_insert_with(|| (table.lookup(c.model()).map(|f| f.prices), false));
        let entry = entry.filter(|_| c.priced());
        *named |= entry.is_some();
        entry
    }));
    let priced = Priced {
        calls: &analysis.calls,
        entries: &entries,
    };
    // The model names of the priced calls, with their entries.
    let named = entry_of
        .iter()
        .filter_map(|(model, (entry, named))| Some((*model, (*entry).filter(|_| *named)?)));
    // The name the user's agent wrote for each price entry (the alphabetically first, when several
    // names resolve to one entry): the insight speaks of models as the user knows them.
    let mut shown: BTreeMap<&str, &str> = BTreeMap::new();
    // family -> entry name -> entry
    let mut families: BTreeMap<String, BTreeMap<&str, &ModelPrices>> = BTreeMap::new();
    for (model, m) in named {
        let name = shown.entry(m.name.as_str()).or_insert(model);
        if model < *name {
            *name = model;
        }
        families
            .entry(family(&m.name))
            .or_default()
            .insert(m.name.as_str(), m);
    }
    families
        .into_values()
        .filter_map(|models| {
            let mut ranked: Vec<&ModelPrices> = models.into_values().collect();
            ranked.sort_by(|a, b| price(b).cmp(&price(a)).then_with(|| a.name.cmp(&b.name)));
            let expensive = *ranked.first()?;
            let cheaper = *ranked.iter().find(|m| price(m) < price(expensive))?;
            let saving = saving(&priced, expensive, cheaper);
            (saving.pico >= SMALL_TURN_MIN_SAVING_PICO).then(|| {
                let name = |m: &ModelPrices| {
                    shown
                        .get(m.name.as_str())
                        .copied()
                        .unwrap_or(m.name.as_str())
                        .to_owned()
                };
                insight(&name(expensive), &name(cheaper), &saving)
            })
        })
        .collect()
}

/// The priced calls with their table entries (calls whose model the table does not know left
/// out), walked as often as needed without a list of pairs.
struct Priced<'a> {
    calls: &'a [Call],
    entries: &'a [Option<&'a ModelPrices>],
}

impl<'a> Priced<'a> {
    fn iter(&self) -> impl Iterator<Item = (&'a Call, &'a ModelPrices)> + '_ {
        self.calls
            .iter()
            .zip(self.entries)
            .filter_map(|(c, e)| Some((c, (*e)?)))
    }
}

fn saving<'a>(priced: &Priced<'a>, expensive: &ModelPrices, cheaper: &ModelPrices) -> Saving<'a> {
    let mut s = Saving {
        calls: 0,
        pico: 0,
        by_session: BTreeMap::new(),
    };
    for (c, m) in priced.iter() {
        if m.name != expensive.name || c.tokens().output > SMALL_TURN_MAX_OUTPUT {
            continue;
        }
        let saved = c
            .cost_pico
            .saturating_sub(cheaper.tokens_cost_pico(c.tokens()));
        s.calls += 1;
        s.pico = s.pico.saturating_add(saved);
        *s.by_session
            .entry((c.agent(), c.session().as_str()))
            .or_default() += saved;
    }
    s
}

fn insight(expensive: &str, cheaper: &str, s: &Saving<'_>) -> Insight {
    let mut sessions: Vec<(&(Agent, &str), &u64)> = s.by_session.iter().collect();
    sessions.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut evidence = vec![expensive.to_owned(), cheaper.to_owned()];
    evidence.extend(
        sessions
            .iter()
            .take(MAX_EVIDENCE)
            .map(|((agent, session), _)| session_label(*agent, session)),
    );
    Insight {
        id: ID.to_owned(),
        severity: Severity::Warning,
        title: format!(
            "{} on {} (at most {SMALL_TURN_MAX_OUTPUT} output tokens) would have cost {} less \
             on {}",
            plural(s.calls, "small turn"),
            expensive,
            dollars(s.pico),
            cheaper
        ),
        figure: pico_to_usd(s.pico),
        unit: "usd".to_owned(),
        evidence,
        advice: format!(
            "Keep {e} for planning and hard problems and run routine turns (follow-ups, small \
             edits, tool-driven steps) on {c}, which you already use: switch models in the \
             session (`/model` in Claude Code and Codex, `--model` when starting one), or \
             delegate routine work to a subagent configured with {c}.",
            e = expensive,
            c = cheaper
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, assert_close, call, cost, ledger, tokens, MINUTE};
    use crate::insights::fixture::{OPUS, SONNET, T0};
    use crate::model::Tokens;

    const HAIKU: &str = "claude-haiku-4-5";

    /// `small` Opus calls of `small_tokens`, one big-output Opus call, one Sonnet and one Haiku
    /// call.
    fn fixture(small: i64, small_tokens: Tokens) -> Vec<Insight> {
        let mut usage: Vec<_> = (0..small)
            .map(|i| call(Agent::Claude, "s", T0 + i * MINUTE, OPUS, small_tokens))
            .collect();
        usage.push(call(
            Agent::Claude,
            "s",
            T0 - MINUTE,
            OPUS,
            tokens(100_000, 5_000, 0),
        ));
        usage.push(call(
            Agent::Claude,
            "t",
            T0,
            SONNET,
            tokens(1_000, 1_000, 0),
        ));
        usage.push(call(
            Agent::Claude,
            "t",
            T0 + MINUTE,
            HAIKU,
            tokens(1_000, 1_000, 0),
        ));
        run(&analyze(&ledger(usage, Vec::new(), Vec::new())))
    }

    fn per_call_saving(t: &Tokens) -> u64 {
        cost(OPUS, t) - cost(SONNET, t)
    }

    #[test]
    fn small_opus_turns_are_priced_at_the_next_model_down() {
        let t = tokens(100_000, SMALL_TURN_MAX_OUTPUT, 0);
        let n = 5;
        assert!(n * per_call_saving(&t) >= SMALL_TURN_MIN_SAVING_PICO);
        let found = fixture(n as i64, t);
        assert_eq!(found.len(), 1);
        assert_close(found[0].figure, pico_to_usd(n * per_call_saving(&t)));
        assert_eq!(found[0].unit, "usd");
        assert_eq!(found[0].evidence, [OPUS, SONNET, "claude:s"]);
    }

    #[test]
    fn under_the_saving_or_over_the_output_is_quiet() {
        let t = tokens(100_000, SMALL_TURN_MAX_OUTPUT, 0);
        assert!(4 * per_call_saving(&t) < SMALL_TURN_MIN_SAVING_PICO);
        assert!(fixture(4, t).is_empty());
        assert!(fixture(10, tokens(100_000, SMALL_TURN_MAX_OUTPUT + 1, 0)).is_empty());
    }

    #[test]
    fn no_cheaper_model_of_the_family_no_insight() {
        let usage = (0..20)
            .map(|i| {
                call(
                    Agent::Claude,
                    "s",
                    T0 + i * MINUTE,
                    OPUS,
                    tokens(100_000, 10, 0),
                )
            })
            .chain([call(
                Agent::Codex,
                "c",
                T0,
                "gpt-5-mini",
                tokens(1_000, 10, 0),
            )])
            .collect();
        assert!(run(&analyze(&ledger(usage, Vec::new(), Vec::new()))).is_empty());
    }

    #[test]
    fn families() {
        assert_eq!(family("claude-opus-4-6"), "claude");
        assert_eq!(family("anthropic.claude-haiku-4-5-20251001-v1:0"), "claude");
        assert_eq!(family("gpt-5-mini"), "gpt-5");
        assert_eq!(family("gpt-5-codex"), "gpt-5");
        assert_eq!(family("gpt-4.1"), "gpt-4");
        assert_eq!(family("gemini/gemini-2.5-flash"), "gemini");
        assert_eq!(family("o4-mini"), "o4");
    }
}
