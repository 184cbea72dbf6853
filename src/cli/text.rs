//! Text tables for the terminal: daily, by model, by agent, and the line report.
//!
//! Exact integers with thousands separators (the terminal has room; the dashboard abbreviates),
//! dollars to the cent, numbers right-aligned so columns compare at a glance.
//!
//! Model names, session ids, paths and malformed-line reasons come from transcripts and file
//! names, which anyone can write: an escape sequence in a model name could recolour, retitle or
//! rewrite the user's terminal. Every cell and every line printed passes through
//! [`terminal_safe`], once, in [`section`] and [`render`].

use std::borrow::Cow;
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::report::{thousands, GroupReport, Report};

/// Whether section titles are printed bold: set once by the binary (a terminal, no `NO_COLOR`).
/// A process-wide switch rather than a parameter of every table function: it is a property of
/// where the output goes, not of what is printed, and only the binary sets it.
static COLOR: AtomicBool = AtomicBool::new(false);

/// Turns colour on or off for the text tables.
pub fn set_color(on: bool) {
    COLOR.store(on, Ordering::Relaxed);
}

/// Whether the text tables may use colour: only on a terminal, never with `NO_COLOR` set to a
/// non-empty value (no-color.org), never on a dumb terminal. The binary passes its stdout's
/// state and its environment; a pure function so each case is tested.
#[must_use]
pub fn color_wanted(
    is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// The note printed when no agent usage was found: the folders actually scanned, and where each
/// agent keeps its files.
#[must_use]
pub fn nothing_found(scanned: &[PathBuf], defaults: bool) -> String {
    let mut out = String::from("No agent usage found.\n");
    out.push_str(if defaults {
        "Scanned the default folders:\n"
    } else {
        "Scanned:\n"
    });
    for root in scanned {
        let state = if root.exists() {
            ""
        } else {
            "  (does not exist)"
        };
        let _ = writeln!(out, "  {}{state}", terminal_safe(&root.to_string_lossy()));
    }
    // The same table as the README and the browser's drop zone (crate::agents), for this system.
    out.push_str("Where each supported agent keeps its sessions on this system:\n");
    for info in crate::agents::AGENTS {
        let note = if info.is_counted() {
            ""
        } else {
            "  (listed, not counted)"
        };
        let _ = writeln!(
            out,
            "  {}: {}{note}",
            info.agent.label(),
            info.here().join(", ").replace('`', "")
        );
    }
    out.push_str("Give a folder as PATH to read another place.\n");
    out
}

/// Renders the whole report as text.
#[must_use]
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    if !report.agents.is_empty() {
        section(&mut out, "Daily", &daily_rows(report));
        section(&mut out, "By model", &model_rows(report));
        section(&mut out, "By agent", &agent_rows(report));
        // Several people or machines (PATH=LABEL, ledgers): one row each.
        if report.analytics.sources.len() > 1 {
            section(&mut out, "By source", &source_rows(report));
        }
    }
    section(&mut out, "Lines", &line_rows(report));
    let unpriced: Vec<String> = report
        .agents
        .iter()
        .flat_map(|(a, r)| r.unpriced_models.iter().map(move |m| format!("{m} ({a})")))
        .collect();
    if !unpriced.is_empty() {
        let _ = writeln!(
            out,
            "Unpriced models (tokens counted, cost not included): {}",
            terminal_safe(&unpriced.join(", "))
        );
    }
    for (agent, r) in &report.agents {
        if let Some(rec) = &r.totals.recorded {
            let _ = writeln!(
                out,
                "Cost recorded by {agent} itself for {} calls: {} (the same calls at API rates: {}).",
                thousands(rec.calls),
                dollars(rec.cost_usd),
                dollars(rec.api_cost_usd)
            );
        }
    }
    let _ = writeln!(
        out,
        "Prices: {}; days in {}.",
        terminal_safe(&report.prices),
        terminal_safe(&report.time_zone)
    );
    out
}

/// `text` with every character that a terminal would act on instead of print shown escaped as
/// `\u{..}`: C0 controls (ESC, BEL, CR, LF, TAB, NUL...), DEL, C1 controls (U+0080-U+009F,
/// CSI among them), the line and paragraph separators, and the bidirectional overrides and
/// isolates that can make text display in another order than it reads.
#[must_use]
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
            )
    }
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

const HEAD: [&str; 6] = [
    "Input",
    "Output",
    "Cache write",
    "Cache read",
    "Total",
    "Cost",
];

pub(super) fn figures(g: &GroupReport) -> Vec<String> {
    vec![
        thousands(g.tokens.input),
        thousands(g.tokens.output),
        thousands(g.tokens.cache_write),
        thousands(g.tokens.cache_read),
        thousands(g.tokens.total),
        dollars(g.cost_usd),
    ]
}

fn daily_rows(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![header(&["Date", "Agent", "Model"])];
    let days = &report.analytics.day_totals;
    for (date, group) in report
        .days
        .chunk_by(|a, b| a.date == b.date)
        .map(|g| (&g[0].date, g))
    {
        for d in group {
            let mut row = vec![d.date.clone(), d.agent.to_string(), d.model.clone()];
            row.extend(figures(&d.totals));
            rows.push(row);
        }
        // A subtotal where a day has several rows.
        if group.len() > 1 {
            if let Some(day) = days.iter().find(|p| &p.period == date) {
                let mut row = vec![String::new(), String::new(), format!("{date} subtotal")];
                row.extend(figures(&day.totals));
                rows.push(row);
            }
        }
    }
    let mut total = vec!["Total".to_owned(), String::new(), String::new()];
    total.extend(figures(&report.total));
    rows.push(total);
    rows
}

fn model_rows(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![header(&["Agent", "Model", "Priced as"])];
    for m in &report.models {
        let priced = match (&m.priced_as, m.pricing) {
            (Some(p), kind) => format!("{p} ({})", provenance(kind)),
            (None, kind) => provenance(kind).to_owned(),
        };
        let mut row = vec![m.agent.to_string(), m.model.clone(), priced];
        row.extend(figures(&m.totals));
        rows.push(row);
    }
    rows
}

fn agent_rows(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![header(&["Agent", "Sessions"])];
    for (agent, a) in &report.agents {
        let mut row = vec![agent.to_string(), thousands(a.sessions)];
        row.extend(figures(&a.totals));
        rows.push(row);
    }
    let mut total = vec!["Total".to_owned(), String::new()];
    total.extend(figures(&report.total));
    rows.push(total);
    rows
}

fn source_rows(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![header(&["Source", "Sessions"])];
    for s in &report.analytics.sources {
        let label = s
            .source
            .clone()
            .unwrap_or_else(|| crate::analysis::sources::NO_SOURCE.to_owned());
        let mut row = vec![label, thousands(s.sessions)];
        row.extend(figures(&s.totals));
        rows.push(row);
    }
    rows
}

fn line_rows(report: &Report) -> Vec<Vec<String>> {
    let l = &report.lines;
    let mut rows = vec![
        vec!["Read", "Used", "Duplicate", "Ignored", "Malformed"]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        [l.read, l.used, l.duplicate, l.ignored, l.malformed]
            .iter()
            .map(|n| thousands(*n))
            .collect(),
    ];
    for f in report.files.iter().filter(|f| f.malformed > 0) {
        for e in &f.examples {
            rows.push(vec![format!(
                "malformed {}:{}: {}",
                f.path, e.line, e.reason
            )]);
        }
    }
    for f in report.files.iter().filter(|f| f.repaired > 0) {
        for n in &f.notes {
            rows.push(vec![format!(
                "repaired {}:{}: {}",
                f.path, n.line, n.reason
            )]);
        }
    }
    for f in report.files.iter().filter(|f| f.agent.is_none()) {
        rows.push(vec![format!("{} {}", f.format, f.path)]);
    }
    rows
}

fn provenance(p: crate::pricing::Provenance) -> &'static str {
    use crate::pricing::Provenance;
    match p {
        Provenance::Exact => "exact",
        Provenance::Alias => "alias",
        Provenance::Family => "approximate",
        Provenance::Custom => "custom price",
        Provenance::Recorded => "recorded",
        Provenance::Unpriced => "unpriced",
    }
}

pub(super) fn header(first: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(HEAD.iter())
        .map(|s| (*s).to_owned())
        .collect()
}

/// Prints rows as an aligned table: text columns left, numeric columns right. A row with a
/// single cell is a note printed as is.
pub(super) fn section(out: &mut String, title: &str, rows: &[Vec<String>]) {
    if COLOR.load(Ordering::Relaxed) {
        let _ = writeln!(out, "\u{1b}[1m{title}\u{1b}[0m");
    } else {
        let _ = writeln!(out, "{title}");
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| terminal_safe(cell).into_owned())
                .collect()
        })
        .collect();
    let rows = rows.as_slice();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows.iter().filter(|r| r.len() > 1) {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let is_number = |cell: &String| {
        cell.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '$')
    };
    // A column is numeric when its data cells are: its header then aligns right with them.
    let numeric: Vec<bool> = (0..cols)
        .map(|i| {
            rows.iter()
                .skip(1)
                .filter(|r| r.len() > 1)
                .filter_map(|r| r.get(i))
                .filter(|c| !c.is_empty())
                .all(is_number)
        })
        .collect();
    for row in rows {
        if row.len() == 1 {
            let _ = writeln!(out, "  {}", row[0]);
            continue;
        }
        let mut line = String::from(" ");
        for (i, cell) in row.iter().enumerate() {
            if numeric[i] {
                let _ = write!(line, " {cell:>w$}", w = widths[i]);
            } else {
                let _ = write!(line, " {cell:<w$}", w = widths[i]);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
}

/// `1234.5` -> `$1,234.50`.
#[must_use]
pub fn dollars(usd: f64) -> String {
    let cents = (usd * 100.0).round();
    // Cents of any realistic spend fit u64 exactly; negative costs do not exist.
    let cents = if cents.is_finite() && cents > 0.0 {
        cents as u64
    } else {
        0
    };
    format!("${}.{:02}", thousands(cents / 100), cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_control_characters_are_shown_escaped() {
        assert_eq!(terminal_safe("claude-opus-4-6"), "claude-opus-4-6");
        assert!(matches!(terminal_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(
            terminal_safe("m\u{1b}]0;pwned\u{7}\r\n\u{9b}2J\u{202e}x"),
            "m\\u{1b}]0;pwned\\u{7}\\u{d}\\u{a}\\u{9b}2J\\u{202e}x"
        );
    }

    #[test]
    fn every_table_cell_is_sanitized() {
        let mut out = String::new();
        section(
            &mut out,
            "T",
            &[
                vec!["Model".into(), "Total".into()],
                vec!["evil\u{1b}[2J".into(), "1".into()],
                vec!["note \u{7} with bell".into()],
            ],
        );
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("evil\\u{1b}[2J"), "{out}");
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        use std::ffi::OsStr;
        let (set, empty, dumb) = (OsStr::new("1"), OsStr::new(""), OsStr::new("dumb"));
        let xterm = Some(OsStr::new("xterm-256color"));
        assert!(color_wanted(true, None, xterm));
        assert!(color_wanted(true, None, None));
        assert!(
            color_wanted(true, Some(empty), xterm),
            "an empty NO_COLOR is unset"
        );
        assert!(!color_wanted(false, None, xterm), "piped or redirected");
        assert!(!color_wanted(true, Some(set), xterm));
        assert!(!color_wanted(true, None, Some(dumb)));
    }

    #[test]
    fn formats_numbers_exactly() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(18_924_542), "18,924,542");
        assert_eq!(dollars(7.864), "$7.86");
        assert_eq!(dollars(1234.5), "$1,234.50");
        assert_eq!(dollars(0.004), "$0.00");
    }
}
