//! Insight detectors: each names a wasteful or notable pattern, the figure that shows it, the
//! evidence, and what to do.
//!
//! Every detector is a pure function `&Analysis -> Vec<Insight>` in its own file, registered in
//! [`DETECTORS`] with the record fields it needs. Thresholds are named constants in
//! [`thresholds`]. A detector never guesses: when an agent present in the data does not record a
//! field the detector needs, [`detect`] lists that (detector, agent) pair in
//! [`InsightReport::not_covered`] instead of silently ignoring the agent.
//!
//! The rule, figure and thresholds of each detector are written up in `docs/insights.md`. Shared
//! formatting lives in [`common`]; the tests build ledgers by hand (`fixture`), so each detector
//! is pinned to its rule rather than to what a parser happens to fill.

pub mod cache_regression;
pub mod common;
pub mod compaction_storm;
pub mod concentration;
pub mod coverage;
pub mod day_pattern;
pub mod file_rereads;
pub mod marathon_sessions;
pub mod retry_waste;
pub mod small_turns;
pub mod thresholds;
pub mod tool_failures;
pub mod turn_escalation;
pub mod vague_prompts;

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod law;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::model::Agent;

pub use coverage::Field;

/// How much an insight matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    /// The detector's id (`file-rereads`, `tool-failures`, ...).
    pub id: String,
    pub severity: Severity,
    /// One line, with the figure in words.
    pub title: String,
    /// The figure itself, in `unit`.
    pub figure: f64,
    /// `reads`, `%`, `x`, `compactions`, `points`, `usd`.
    pub unit: String,
    /// What it is about: sessions (`agent:session`), files, tools.
    pub evidence: Vec<String>,
    /// What to do.
    pub advice: String,
}

/// A detector that could not look at an agent's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCovered {
    pub detector: String,
    pub agent: Agent,
    /// The record field the agent's format does not have.
    pub missing: String,
}

/// All findings of one analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InsightReport {
    pub insights: Vec<Insight>,
    pub not_covered: Vec<NotCovered>,
}

/// One registered detector.
pub struct Detector {
    pub id: &'static str,
    /// The record fields it reads beyond tokens, models and times.
    pub needs: &'static [Field],
    pub run: fn(&Analysis) -> Vec<Insight>,
}

/// Every detector, in the order their findings are listed (before sorting by severity).
pub const DETECTORS: &[Detector] = &[
    Detector {
        id: tool_failures::ID,
        needs: &[],
        run: tool_failures::run,
    },
    Detector {
        id: file_rereads::ID,
        needs: &[Field::ToolTarget, Field::ToolResultSize],
        run: file_rereads::run,
    },
    Detector {
        id: retry_waste::ID,
        needs: &[Field::ToolInput],
        run: retry_waste::run,
    },
    Detector {
        id: turn_escalation::ID,
        needs: &[],
        run: turn_escalation::run,
    },
    Detector {
        id: compaction_storm::ID,
        needs: &[Field::Compactions],
        run: compaction_storm::run,
    },
    Detector {
        id: cache_regression::ID,
        needs: &[],
        run: cache_regression::run,
    },
    Detector {
        id: vague_prompts::ID,
        needs: &[Field::PromptText],
        run: vague_prompts::run,
    },
    Detector {
        id: concentration::ID,
        needs: &[],
        run: concentration::run,
    },
    Detector {
        id: small_turns::ID,
        needs: &[],
        run: small_turns::run,
    },
    Detector {
        id: marathon_sessions::ID,
        needs: &[],
        run: marathon_sessions::run,
    },
    Detector {
        id: day_pattern::ID,
        needs: &[],
        run: day_pattern::run,
    },
];

/// Runs every detector over `analysis`: insights sorted by severity (critical first), then id.
#[must_use]
pub fn detect(analysis: &Analysis) -> InsightReport {
    // The detectors are independent: half on another thread where there is one (crate::parallel),
    // their findings kept in detector order before the sort.
    let run = |detectors: &[Detector]| -> Vec<Insight> {
        detectors.iter().flat_map(|d| (d.run)(analysis)).collect()
    };
    let (first, second) = DETECTORS.split_at(DETECTORS.len() / 2);
    let (mut insights, rest) = crate::parallel::join(|| run(first), || run(second));
    insights.extend(rest);
    insights.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    let agents: Vec<Agent> = analysis.summary.agents.keys().copied().collect();
    let not_covered = DETECTORS
        .iter()
        .flat_map(|d| {
            agents.iter().flat_map(move |agent| {
                d.needs
                    .iter()
                    .filter(|f| !coverage::records(*agent, **f))
                    .map(move |f| NotCovered {
                        detector: d.id.to_owned(),
                        agent: *agent,
                        missing: f.as_str().to_owned(),
                    })
            })
        })
        .collect();
    InsightReport {
        insights,
        not_covered,
    }
}
