//! The instruments agentmeter exports: one table, read by the encoder and checked against
//! docs/otlp.md by a test, so a metric cannot be sent without being documented.
//!
//! The first twelve keep the names, kinds and meaning that users of the npm `coding-agent-usage`
//! tool (its `src/otlp.js`) already chart, so their dashboards keep working; the rest add what
//! agentmeter knows beyond them: cost at API rates, cache writes and reads, and tokens no price
//! was found for.

/// How an instrument's points are encoded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A cumulative, monotonic sum of integers (an OTel Counter).
    Counter,
    /// A cumulative, monotonic sum of dollars (an OTel Counter of doubles).
    CostCounter,
    /// A cumulative histogram of one value per session, with these bucket upper bounds.
    Histogram(&'static [f64]),
    /// The latest value of an integer (an OTel Gauge).
    Gauge,
}

/// What an instrument sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Every prompt token: uncached input + cache writes + cache reads.
    InputTokens,
    /// Output tokens, reasoning included.
    OutputTokens,
    /// Cache writes (5-minute and 1-hour).
    CacheWriteTokens,
    /// Cache reads.
    CacheReadTokens,
    /// Tokens of calls whose model has no price (counted in tokens, 0 in cost).
    UnpricedTokens,
    /// Model calls.
    Queries,
    /// Sessions.
    Sessions,
    /// Cost at API rates, USD.
    Cost,
    /// One session's tokens (input as above + output).
    SessionTokens,
    /// One session's model calls.
    SessionQueries,
}

/// Which grouping of the snapshot the points come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One point per attribute set, over all time.
    Series,
    /// One point per attribute set and day (a `date` attribute is added).
    Daily,
    /// One histogram point per attribute set, one observation per session.
    PerSession,
}

/// One exported metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Instrument {
    pub name: &'static str,
    pub unit: &'static str,
    pub kind: Kind,
    pub measure: Measure,
    pub grouping: Grouping,
    pub description: &'static str,
}

/// Upper bounds of the `agent.usage.session.tokens` buckets.
pub const SESSION_TOKEN_BOUNDS: &[f64] = &[
    1e3, 1e4, 5e4, 1e5, 2.5e5, 5e5, 1e6, 2.5e6, 5e6, 1e7, 2.5e7, 5e7, 1e8,
];
/// Upper bounds of the `agent.usage.session.queries` buckets.
pub const SESSION_QUERY_BOUNDS: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0,
];

const TOKEN: &str = "{token}";

/// Every instrument, in the order they are sent.
pub const ALL: &[Instrument] = &[
    Instrument {
        name: "agent.usage.tokens.input",
        unit: TOKEN,
        kind: Kind::Counter,
        measure: Measure::InputTokens,
        grouping: Grouping::Series,
        description: "Prompt tokens: uncached input + cache writes + cache reads",
    },
    Instrument {
        name: "agent.usage.tokens.output",
        unit: TOKEN,
        kind: Kind::Counter,
        measure: Measure::OutputTokens,
        grouping: Grouping::Series,
        description: "Output tokens, reasoning included",
    },
    Instrument {
        name: "agent.usage.queries",
        unit: "{query}",
        kind: Kind::Counter,
        measure: Measure::Queries,
        grouping: Grouping::Series,
        description: "Model calls (one per counted usage record)",
    },
    Instrument {
        name: "agent.usage.sessions",
        unit: "{session}",
        kind: Kind::Counter,
        measure: Measure::Sessions,
        grouping: Grouping::PerSession,
        description: "Sessions with at least one model call",
    },
    Instrument {
        name: "agent.usage.session.tokens",
        unit: TOKEN,
        kind: Kind::Histogram(SESSION_TOKEN_BOUNDS),
        measure: Measure::SessionTokens,
        grouping: Grouping::PerSession,
        description: "Tokens (prompt + output) per session",
    },
    Instrument {
        name: "agent.usage.session.queries",
        unit: "{query}",
        kind: Kind::Histogram(SESSION_QUERY_BOUNDS),
        measure: Measure::SessionQueries,
        grouping: Grouping::PerSession,
        description: "Model calls per session",
    },
    Instrument {
        name: "agent.usage.daily.tokens.input",
        unit: TOKEN,
        kind: Kind::Gauge,
        measure: Measure::InputTokens,
        grouping: Grouping::Daily,
        description: "Prompt tokens of the calls made on the day",
    },
    Instrument {
        name: "agent.usage.daily.tokens.output",
        unit: TOKEN,
        kind: Kind::Gauge,
        measure: Measure::OutputTokens,
        grouping: Grouping::Daily,
        description: "Output tokens of the calls made on the day",
    },
    Instrument {
        name: "agent.usage.daily.sessions",
        unit: "{session}",
        kind: Kind::Gauge,
        measure: Measure::Sessions,
        grouping: Grouping::Daily,
        description: "Sessions whose first model call was on the day",
    },
    Instrument {
        name: "agent.usage.model.tokens.input",
        unit: TOKEN,
        kind: Kind::Gauge,
        measure: Measure::InputTokens,
        grouping: Grouping::Series,
        description: "Prompt tokens per model, as a gauge",
    },
    Instrument {
        name: "agent.usage.model.tokens.output",
        unit: TOKEN,
        kind: Kind::Gauge,
        measure: Measure::OutputTokens,
        grouping: Grouping::Series,
        description: "Output tokens per model, as a gauge",
    },
    Instrument {
        name: "agent.usage.model.queries",
        unit: "{query}",
        kind: Kind::Gauge,
        measure: Measure::Queries,
        grouping: Grouping::Series,
        description: "Model calls per model, as a gauge",
    },
    Instrument {
        name: "agent.usage.cost",
        unit: "USD",
        kind: Kind::CostCounter,
        measure: Measure::Cost,
        grouping: Grouping::Series,
        description: "Cost at API rates (unpriced models count 0)",
    },
    Instrument {
        name: "agent.usage.tokens.cache_write",
        unit: TOKEN,
        kind: Kind::Counter,
        measure: Measure::CacheWriteTokens,
        grouping: Grouping::Series,
        description: "Prompt tokens written to the prompt cache (part of tokens.input)",
    },
    Instrument {
        name: "agent.usage.tokens.cache_read",
        unit: TOKEN,
        kind: Kind::Counter,
        measure: Measure::CacheReadTokens,
        grouping: Grouping::Series,
        description: "Prompt tokens read from the prompt cache (part of tokens.input)",
    },
    Instrument {
        name: "agent.usage.tokens.unpriced",
        unit: TOKEN,
        kind: Kind::Counter,
        measure: Measure::UnpricedTokens,
        grouping: Grouping::Series,
        description: "Tokens (prompt + output) of calls whose model has no price",
    },
];

/// The attribute keys every data point carries (daily gauges add `date`).
pub const ATTRIBUTES: [&str; 4] = ["agent", "model", "project", "source"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_the_twelve_known_ones_come_first() {
        let names: Vec<&str> = ALL.iter().map(|i| i.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        // The instruments of coding-agent-usage's src/otlp.js, in its order.
        assert_eq!(
            names[..12],
            [
                "agent.usage.tokens.input",
                "agent.usage.tokens.output",
                "agent.usage.queries",
                "agent.usage.sessions",
                "agent.usage.session.tokens",
                "agent.usage.session.queries",
                "agent.usage.daily.tokens.input",
                "agent.usage.daily.tokens.output",
                "agent.usage.daily.sessions",
                "agent.usage.model.tokens.input",
                "agent.usage.model.tokens.output",
                "agent.usage.model.queries",
            ]
        );
    }

    #[test]
    fn histogram_bounds_increase() {
        for b in [SESSION_TOKEN_BOUNDS, SESSION_QUERY_BOUNDS] {
            assert!(b.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
