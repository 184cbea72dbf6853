//! Native unit-test inputs: real Claude Code transcript lines with chosen token counts, run
//! through the same core pipeline as the app (classify -> parse -> ledger -> analysis), so
//! tests of the views' data work on genuine reports rather than hand-filled structs.

use agentmeter::detect::{classify, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::parsers::parse_bytes;

use crate::analysis::Analysis;

/// One call: (session, project dir, model, RFC 3339 time, input, cache write, cache read, output).
pub type Call<'a> = (&'a str, &'a str, &'a str, &'a str, u64, u64, u64, u64);

/// One Claude Code assistant line.
#[must_use]
pub fn claude_line(n: usize, c: &Call<'_>) -> String {
    let (session, cwd, model, ts, i, w, r, o) = *c;
    format!(
        concat!(
            r#"{{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"{cwd}","#,
            r#""sessionId":"{s}","version":"1.0.128","message":{{"id":"msg{n}","type":"message","#,
            r#""role":"assistant","model":"{model}","content":[{{"type":"text","text":"hi"}}],"#,
            r#""usage":{{"input_tokens":{i},"cache_creation_input_tokens":{w},"cache_read_input_tokens":{r},"#,
            r#""output_tokens":{o}}}}},"requestId":"req{n}","type":"assistant","uuid":"u{n}","timestamp":"{t}"}}"#,
            "\n"
        ),
        cwd = cwd,
        s = session,
        n = n,
        model = model,
        i = i,
        w = w,
        r = r,
        o = o,
        t = ts
    )
}

/// The ledger of `calls`, one transcript file per session.
#[must_use]
pub fn ledger(calls: &[Call<'_>]) -> Ledger {
    let mut by_session: std::collections::BTreeMap<&str, String> = Default::default();
    for (n, c) in calls.iter().enumerate() {
        by_session
            .entry(c.0)
            .or_default()
            .push_str(&claude_line(n, c));
    }
    let mut l = Ledger::new();
    for (session, text) in by_session {
        let path = format!("home/.claude/projects/p/{session}.jsonl");
        if let Classification::Parse { format, ctx } = classify(&path, text.as_bytes()) {
            l.add_file(parse_bytes(format, ctx, text.as_bytes()));
        }
    }
    l
}

/// The unfiltered analysis of `calls` in UTC.
#[must_use]
pub fn analysis(calls: &[Call<'_>]) -> Analysis {
    Analysis::from_ledger(ledger(calls), chrono_tz::UTC)
}
