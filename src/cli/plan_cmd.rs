//! The CLI's prices, plans and what-if: `--prices FILE` on every command, the `plans` and
//! `whatif` commands, and `--plan` / `--as` / `--no-cache` added to `report` and `monthly`.
//!
//! - `agentmeter plans` lists the plan table; `agentmeter plans --plan claude=max5x` compares
//!   the plan with the API-equivalent cost month by month ([`crate::plans`]).
//! - `agentmeter whatif --as opus=claude-sonnet-4-5 [--no-cache]` re-prices the history
//!   ([`crate::whatif`]).
//! - `report --json` and `monthly --json` with `--plan` or a scenario carry `plans` and
//!   `what_if` beside their usual keys; their text output gets the same tables appended.

use std::fmt::Write;
use std::path::Path;

use serde_json::Value;

use super::args::{Command, ReportArgs};
use super::text::{section, terminal_safe};
use super::CliError;
use crate::analysis::Analysis;
use crate::plans::{self, PlanChoice, PlanReport};
use crate::pricing::{PriceOverrides, PriceTable};
use crate::report::thousands;
use crate::whatif::{self, Reprice, Scenario, WhatIf};

/// The embedded table with the custom prices of `--prices FILE`, if given.
///
/// # Errors
/// When the file cannot be read or is not a valid prices file (the message names the field).
pub fn price_table(path: Option<&Path>) -> Result<PriceTable, CliError> {
    let table = PriceTable::embedded();
    let Some(path) = path else {
        return Ok(table.clone());
    };
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let origin = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let overrides = PriceOverrides::from_json(&text, &origin)
        .map_err(|e| CliError::Usage(format!("--prices {}: {e}", path.display())))?;
    Ok(table.with_overrides(overrides))
}

/// The plans of `--plan`.
///
/// # Errors
/// A malformed or unknown plan.
pub fn plan_choices(args: &ReportArgs) -> Result<Vec<PlanChoice>, CliError> {
    args.plans
        .iter()
        .map(|s| PlanChoice::parse(s).map_err(|e| CliError::Usage(e.to_string())))
        .collect()
}

/// The scenario of `--as` and `--no-cache`, checked against `prices`.
///
/// # Errors
/// A malformed rule or a target model without a price.
pub fn scenario(args: &ReportArgs, prices: &PriceTable) -> Result<Scenario, CliError> {
    let reprice = args
        .reprice
        .iter()
        .map(|s| Reprice::parse(s).map_err(|e| CliError::Usage(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let s = Scenario {
        reprice,
        no_cache: args.no_cache,
    };
    s.check(prices)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(s)
}

/// What `plans`, `whatif` and the extras of other commands computed.
pub struct Extras {
    pub plans: Option<PlanReport>,
    pub what_if: Option<WhatIf>,
}

/// Computes the plan comparison and the what-if the arguments ask for.
///
/// # Errors
/// Bad `--plan`, `--as` values.
pub fn extras(
    args: &ReportArgs,
    analysis: &Analysis,
    prices: &PriceTable,
) -> Result<Extras, CliError> {
    let choices = plan_choices(args)?;
    let scenario = scenario(args, prices)?;
    let want_plans = !choices.is_empty();
    let want_what_if = args.command == Command::WhatIf || !scenario.is_empty();
    Ok(Extras {
        plans: want_plans.then(|| plans::compare(&analysis.calls, &choices, analysis.tz)),
        what_if: want_what_if.then(|| whatif::what_if(&analysis.ledger, prices, &scenario)),
    })
}

/// The output of `plans` and `whatif`.
///
/// # Errors
/// When the JSON cannot be written.
pub fn render(args: &ReportArgs, extras: &Extras, prices: &PriceTable) -> Result<String, CliError> {
    if args.json {
        let mut v = serde_json::Map::new();
        match args.command {
            Command::Plans => {
                v.insert("plans".to_owned(), plans_json(extras.plans.as_ref())?);
            }
            _ => {
                v.insert("what_if".to_owned(), serde_json::to_value(&extras.what_if)?);
            }
        }
        v.insert(
            "prices".to_owned(),
            Value::String(prices.source().to_owned()),
        );
        custom_prices_json(&mut v, prices)?;
        return Ok(serde_json::to_string_pretty(&v)? + "\n");
    }
    let mut out = String::new();
    match args.command {
        Command::Plans => match &extras.plans {
            Some(p) => plans_text(&mut out, p),
            None => plan_table_text(&mut out),
        },
        _ => {
            if let Some(w) = &extras.what_if {
                what_if_text(&mut out, w);
            }
        }
    }
    custom_prices_text(&mut out, prices);
    let _ = writeln!(out, "Prices: {}.", terminal_safe(prices.source()));
    Ok(out)
}

/// Adds the extras to another command's output (`rendered`).
///
/// # Errors
/// When the JSON cannot be read back or written.
pub fn augment(
    args: &ReportArgs,
    extras: &Extras,
    prices: &PriceTable,
    rendered: String,
) -> Result<String, CliError> {
    let custom = !prices.overrides().is_empty();
    if extras.plans.is_none() && extras.what_if.is_none() && !custom {
        return Ok(rendered);
    }
    if args.json {
        let mut value: Value = serde_json::from_str(&rendered)?;
        if let Value::Object(map) = &mut value {
            if let Some(p) = &extras.plans {
                map.insert("plans".to_owned(), serde_json::to_value(p)?);
            }
            if let Some(w) = &extras.what_if {
                map.insert("what_if".to_owned(), serde_json::to_value(w)?);
            }
            if !map.contains_key("custom_prices") {
                custom_prices_json(map, prices)?;
            }
        }
        return Ok(serde_json::to_string_pretty(&value)? + "\n");
    }
    let mut out = rendered;
    if let Some(p) = &extras.plans {
        plans_text(&mut out, p);
    }
    if let Some(w) = &extras.what_if {
        what_if_text(&mut out, w);
    }
    custom_prices_text(&mut out, prices);
    Ok(out)
}

fn plans_json(plans: Option<&PlanReport>) -> Result<Value, CliError> {
    Ok(match plans {
        Some(p) => serde_json::to_value(p)?,
        None => serde_json::json!({
            "prices_read_on": plans::PLANS_READ_ON,
            "table": plans::PLANS.iter().map(|p| serde_json::json!({
                "agent": p.agent, "plan": p.id, "name": p.name,
                "usd_per_month": p.monthly_cents as f64 / 100.0, "source": p.source,
            })).collect::<Vec<_>>(),
        }),
    })
}

fn custom_prices_json(
    map: &mut serde_json::Map<String, Value>,
    prices: &PriceTable,
) -> Result<(), CliError> {
    if !prices.overrides().is_empty() {
        map.insert(
            "custom_prices".to_owned(),
            serde_json::to_value(&prices.overrides().models)?,
        );
    }
    Ok(())
}

/// `-12.5` -> `-$12.50`.
#[must_use]
pub fn signed_dollars(usd: f64) -> String {
    let cents = (usd.abs() * 100.0).round();
    let cents = if cents.is_finite() { cents as u64 } else { 0 };
    let sign = if usd < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}${}.{:02}", thousands(cents / 100), cents % 100)
}

fn plan_table_text(out: &mut String) {
    let mut rows = vec![vec![
        "Agent".to_owned(),
        "Plan".to_owned(),
        "Name".to_owned(),
        "USD/month".to_owned(),
        "Source".to_owned(),
    ]];
    for p in &plans::PLANS {
        rows.push(vec![
            p.agent.to_string(),
            p.id.to_owned(),
            p.name.to_owned(),
            signed_dollars(p.monthly_cents as f64 / 100.0),
            p.source.to_owned(),
        ]);
    }
    section(out, "Plans (list prices)", &rows);
    let _ = writeln!(
        out,
        "Monthly list prices read on {} from the public pages named. Compare with \
         `--plan AGENT=PLAN[:USD]` (e.g. --plan claude=max5x, --plan codex=custom:25).",
        plans::PLANS_READ_ON
    );
}

fn plans_text(out: &mut String, p: &PlanReport) {
    let mut rows = vec![vec![
        "Month".to_owned(),
        "Agent".to_owned(),
        "Plan".to_owned(),
        "Calls".to_owned(),
        "API-equivalent".to_owned(),
        "Plan price".to_owned(),
        "API - plan".to_owned(),
        "Break-even on".to_owned(),
    ]];
    for m in &p.months {
        rows.push(vec![
            m.month.clone(),
            m.agent.to_string(),
            m.plan.clone(),
            thousands(m.calls),
            signed_dollars(m.api_usd),
            signed_dollars(m.plan_usd),
            signed_dollars(m.saved_usd),
            m.break_even_on
                .clone()
                .unwrap_or_else(|| "not reached".to_owned()),
        ]);
    }
    section(out, "Plans against API prices, by month", &rows);
    for t in &p.plans {
        let _ = writeln!(
            out,
            "{} ({}, {}/month, price: {}): {} month(s), paid off in {}; API-equivalent {} \
             against {} of plan: difference {}.",
            t.choice.name,
            t.choice.agent,
            signed_dollars(t.plan_usd_per_month),
            t.choice.price_source,
            t.months,
            t.months_paid_off,
            signed_dollars(t.api_usd),
            signed_dollars(t.plan_usd),
            signed_dollars(t.saved_usd),
        );
    }
    out.push('\n');
}

fn what_if_text(out: &mut String, w: &WhatIf) {
    let mut rows = vec![vec![
        "Agent".to_owned(),
        "Model".to_owned(),
        "Priced as".to_owned(),
        "Calls".to_owned(),
        "Actual".to_owned(),
        "What-if".to_owned(),
        "Change".to_owned(),
    ]];
    for r in &w.rows {
        rows.push(vec![
            r.agent.to_string(),
            r.model.clone(),
            r.priced_as.clone(),
            thousands(r.calls),
            signed_dollars(r.actual_usd),
            signed_dollars(r.what_if_usd),
            signed_dollars(r.change_usd),
        ]);
    }
    rows.push(vec![
        "Total".to_owned(),
        String::new(),
        String::new(),
        thousands(w.calls),
        signed_dollars(w.actual_usd),
        signed_dollars(w.what_if_usd),
        signed_dollars(w.change_usd),
    ]);
    let mut rules: Vec<String> = w
        .scenario
        .reprice
        .iter()
        .map(|r| format!("models containing {:?} at {} prices", r.from, r.to))
        .collect();
    if w.scenario.no_cache {
        rules.push("without prompt caching (cache tokens billed as input)".to_owned());
    }
    if rules.is_empty() {
        rules.push("no change (give --as FROM=TO or --no-cache)".to_owned());
    }
    section(out, &format!("What-if: {}", rules.join("; ")), &rows);
    if w.not_recomputed > 0 {
        let _ = writeln!(
            out,
            "{} call(s) have no price the scenario could recompute (unknown model, or only the \
             agent's recorded cost): they keep their cost.",
            thousands(w.not_recomputed)
        );
    }
}

fn custom_prices_text(out: &mut String, prices: &PriceTable) {
    let o = prices.overrides();
    if o.is_empty() {
        return;
    }
    let f = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v}"));
    let mut rows = vec![vec![
        "Model".to_owned(),
        "Input".to_owned(),
        "Output".to_owned(),
        "Cache write 5m".to_owned(),
        "Cache write 1h".to_owned(),
        "Cache read".to_owned(),
        "Tiers".to_owned(),
    ]];
    for m in &o.models {
        rows.push(vec![
            m.model.clone(),
            f(m.prices.input),
            f(m.prices.output),
            f(m.prices.cache_write_5m),
            f(m.prices.cache_write_1h),
            f(m.prices.cache_read),
            thousands(m.tiers.len() as u64),
        ]);
    }
    section(
        out,
        &format!(
            "Custom prices from {} (USD per million tokens; calls they price are marked \"custom price\")",
            o.origin
        ),
        &rows,
    );
}
