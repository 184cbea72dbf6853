//! Command-line arguments, parsed by hand: a command, a few flags and paths do not justify a
//! parser crate (and keep the binary small and quick to build).

use std::ffi::OsString;
use std::path::PathBuf;

use chrono::NaiveDate;

use super::CliError;
use crate::filter::Filter;
use crate::model::Agent;

/// The help text.
pub const USAGE: &str = "\
agentmeter: exact token and cost accounting for AI coding agents

USAGE:
    agentmeter <COMMAND> [OPTIONS] [PATH...]

COMMANDS:
    report      everything: daily, per-model and per-agent tables and the line report
    daily       one row per day          weekly    one row per ISO week
    monthly     one row per month        session   one row per session (--id ID: one session)
    blocks      5-hour usage blocks      models    model comparison
    tools       tool health              insights  findings and what to do about them
    ledger export -o FILE
                write a content-free usage ledger of PATH... to FILE (FILE.gz or --gzip:
                gzip-compressed; `-o -` writes to standard output); see docs/ledger.md
    plans       subscription plans against API prices, by month (--plan; alone: the plan table)
    whatif      the same history at other prices (--as FROM=TO, --no-cache)
    otlp        send the metrics to an OpenTelemetry collector (OTLP/HTTP JSON), see below

PATH may be a home-like folder (containing .claude, .codex or .gemini), an agent's own folder
(~/.claude/projects, ~/.codex/sessions, ~/.gemini/tmp), any folder below one, or a file.
A PATH may also be a ledger file (`*.ledger`, `*.ledger.gz`) exported by `ledger export` or
the app: its records are merged with everything else under the merge law, so a ledger read twice,
or with the folder it came from, changes no figure.
With no PATH, the current user's default folders are read.

SOURCES: every PATH is a source (a person or a machine) with a label: by default the nearest
folder name that is not an agent's own (`/home/alice/.claude` -> alice), or write PATH=LABEL
(`~/team/bob=bob`; a PATH that exists with an `=` in its name is taken whole). A ledger keeps
the labels it was exported with unless relabelled the same way (`alice.ledger=alice`).

OPTIONS:
    --json              print JSON (the same shape the web app draws)
    --tz ZONE           count days in this IANA time zone (default: $TZ, else the system zone,
                        else UTC)
    --since YYYY-MM-DD  first day included (YYYYMMDD also accepted)
    --until YYYY-MM-DD  last day included
    --agent A           only this agent: claude, codex, gemini, copilot, qwen, amp, kimi,
                        opencode, pi, goose; repeat for several
    --model M           only this model, as the agent wrote it; repeatable
    --project P         only this project: its path, or its last path components; repeatable
    --source S          only this source label (see SOURCES); repeatable
    --with-projects     (ledger export) keep project names as written instead of hashed
    --gzip              (ledger export) gzip-compress the file (implied by a .gz name)
    -o, --output FILE   (ledger export) where to write the ledger
    --id ID             (session) the session to show
    --prices FILE       custom prices (JSON, USD per million tokens; see docs/prices.md); every
                        call they price is marked `custom price`
    --plan AGENT=PLAN[:USD]
                        (plans, report, monthly) a plan held for an agent: claude=pro|max5x|max20x,
                        codex=plus|pro, copilot=pro|pro-plus|max|business, any=custom:USD;
                        :USD sets your own monthly price; repeatable
    --as FROM=TO        (whatif, report, monthly) price models containing FROM as model TO
                        (opus=claude-sonnet-4-5; * for all); repeatable
    --no-cache          (whatif, report, monthly) bill cache writes and reads as plain input
    --endpoint URL      (otlp) the collector's base URL; metrics go to URL/v1/metrics
                        (default: $OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as is, else
                        $OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics)
    --header K=V        (otlp) a request header, repeatable (added to
                        $OTEL_EXPORTER_OTLP_HEADERS, or _METRICS_HEADERS when set)
    --watch             (otlp) re-read the folders and export again every 60 s until stopped
    --dry-run           (otlp) print the request body instead of sending it
    -h, --help          print this help
    -V, --version       print the version

EXIT STATUS:
    0  the report was printed          1  the report could not be written (disk full, ...)
    2  bad arguments or a PATH that does not exist
    3  the report was printed, but no agent usage was found in the scanned folders
    4  (otlp) the export failed: connection refused, DNS failure, timeout (8 s), HTTP error
  141  the reader stopped early (`agentmeter report | head`)

Text output is coloured on a terminal unless NO_COLOR is set; --json never is.
";

/// What to print.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Command {
    #[default]
    Report,
    Daily,
    Weekly,
    Monthly,
    Session,
    Blocks,
    Models,
    Tools,
    Insights,
    /// `ledger export`: write a content-free ledger file.
    LedgerExport,
    Plans,
    WhatIf,
    Otlp,
}

impl Command {
    fn parse(name: &str) -> Option<Command> {
        Some(match name {
            "report" => Command::Report,
            "daily" => Command::Daily,
            "weekly" => Command::Weekly,
            "monthly" => Command::Monthly,
            "session" | "sessions" => Command::Session,
            "blocks" => Command::Blocks,
            "models" => Command::Models,
            "tools" => Command::Tools,
            "insights" => Command::Insights,
            "plans" => Command::Plans,
            "whatif" | "what-if" => Command::WhatIf,
            "otlp" => Command::Otlp,
            _ => return None,
        })
    }
}

/// Parsed arguments.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReportArgs {
    pub command: Command,
    pub json: bool,
    pub tz: Option<String>,
    pub filter: Filter,
    pub id: Option<String>,
    pub paths: Vec<PathBuf>,
    /// The label given to each of `paths` with `PATH=LABEL` (same index), `None` for the default.
    pub labels: Vec<Option<String>>,
    /// `ledger export`: the file to write (`-` for standard output).
    pub output: Option<PathBuf>,
    /// `ledger export --with-projects`.
    pub with_projects: bool,
    /// `ledger export --gzip`.
    pub gzip: bool,
    pub help: bool,
    pub version: bool,
    /// `--prices FILE`: custom prices.
    pub prices: Option<PathBuf>,
    /// `--plan AGENT=PLAN[:USD]`, as written (parsed by [`super::plan_cmd`]).
    pub plans: Vec<String>,
    /// `--as FROM=TO`, as written.
    pub reprice: Vec<String>,
    /// `--no-cache`.
    pub no_cache: bool,
    /// `otlp`: where and how to export.
    pub otlp: OtlpArgs,
}

/// The `otlp` command's own flags.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct OtlpArgs {
    pub endpoint: Option<String>,
    /// `K=V` as given, parsed by [`crate::otlp::target`].
    pub headers: Vec<String>,
    pub watch: bool,
    pub dry_run: bool,
}

/// A `--since`/`--until` day: `2026-02-01` or `20260201`.
///
/// # Errors
/// When `s` is neither.
pub fn parse_day(flag: &str, s: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y%m%d"))
        .map_err(|_| CliError::Usage(format!("{flag} wants a day as YYYY-MM-DD, not {s:?}")))
}

fn parse_agent(s: &str) -> Result<Agent, CliError> {
    Agent::ALL
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| {
            let known: Vec<&str> = Agent::ALL.iter().map(|a| a.as_str()).collect();
            CliError::Usage(format!("unknown agent {s:?} (known: {})", known.join(", ")))
        })
}

/// Parses `args` (without the program name).
///
/// Arguments arrive as `OsString`s: a PATH need not be UTF-8 (any byte but NUL and `/` is a valid
/// file name) and is kept as it came. Commands, options and their values must be UTF-8.
///
/// # Errors
/// On an unknown command or flag, a flag missing its value, or a bad value.
pub fn parse(args: &[OsString]) -> Result<ReportArgs, CliError> {
    let mut out = ReportArgs::default();
    let mut it = args.iter();
    let utf8 = |a: &OsString| {
        a.to_str()
            .map(str::to_owned)
            .ok_or_else(|| CliError::Usage(format!("{} is not valid UTF-8", a.to_string_lossy())))
    };
    match it.next().map(utf8).transpose()?.as_deref() {
        Some("-h" | "--help" | "help") | None => {
            out.help = true;
            return Ok(out);
        }
        Some("-V" | "--version" | "version") => {
            out.version = true;
            return Ok(out);
        }
        Some("ledger") => match it.next().map(utf8).transpose()?.as_deref() {
            Some("export") => out.command = Command::LedgerExport,
            other => {
                return Err(CliError::Usage(format!(
                    "`agentmeter ledger` wants a subcommand: export (got {other:?})"
                )))
            }
        },
        Some(name) => match Command::parse(name) {
            Some(c) => out.command = c,
            None => {
                return Err(CliError::Usage(format!(
                    "unknown command {name:?}; try `agentmeter --help`"
                )))
            }
        },
    }
    while let Some(raw) = it.next() {
        let Some(arg) = raw.to_str() else {
            out.paths.push(PathBuf::from(raw));
            out.labels.push(None);
            continue;
        };
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg, None),
        };
        let mut value = |name: &str| -> Result<String, CliError> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it
                    .next()
                    .map(utf8)
                    .transpose()?
                    .ok_or_else(|| CliError::Usage(format!("{name} needs a value"))),
            }
        };
        match flag {
            "--json" => out.json = true,
            "-h" | "--help" => out.help = true,
            "-V" | "--version" => out.version = true,
            "--tz" => out.tz = Some(value("--tz")?),
            "--since" => out.filter.since = Some(parse_day("--since", &value("--since")?)?),
            "--until" => out.filter.until = Some(parse_day("--until", &value("--until")?)?),
            "--agent" => out.filter.agents.push(parse_agent(&value("--agent")?)?),
            "--model" => out.filter.models.push(value("--model")?),
            "--project" => out.filter.projects.push(value("--project")?),
            "--source" => out.filter.sources.push(value("--source")?),
            "--id" => out.id = Some(value("--id")?),
            "-o" | "--output" => out.output = Some(PathBuf::from(value("--output")?)),
            "--with-projects" => out.with_projects = true,
            "--gzip" => out.gzip = true,
            "--prices" => out.prices = Some(PathBuf::from(value("--prices")?)),
            "--plan" => out.plans.push(value("--plan")?),
            "--as" => out.reprice.push(value("--as")?),
            "--no-cache" => out.no_cache = true,
            "--endpoint" => out.otlp.endpoint = Some(value("--endpoint")?),
            "--header" => out.otlp.headers.push(value("--header")?),
            "--watch" => out.otlp.watch = true,
            "--dry-run" => out.otlp.dry_run = true,
            s if s.starts_with('-') && s != "-" => {
                return Err(CliError::Usage(format!("unknown option {s:?}")))
            }
            _ => {
                let (path, label) = split_label(arg)?;
                out.paths.push(path);
                out.labels.push(label);
            }
        }
    }
    if out.command == Command::LedgerExport && out.output.is_none() {
        return Err(CliError::Usage(
            "`ledger export` needs -o FILE (or -o - for standard output)".to_owned(),
        ));
    }
    if out.command != Command::Otlp && out.otlp != OtlpArgs::default() {
        return Err(CliError::Usage(
            "--endpoint, --header, --watch and --dry-run belong to `agentmeter otlp`".to_owned(),
        ));
    }
    if let (Some(s), Some(u)) = (out.filter.since, out.filter.until) {
        if s > u {
            return Err(CliError::Usage(format!("--since {s} is after --until {u}")));
        }
    }
    Ok(out)
}

/// `PATH=LABEL` -> the path and its source label. A path that exists is taken whole (a folder
/// may have `=` in its name); otherwise the text after the last `=` is the label.
fn split_label(arg: &str) -> Result<(PathBuf, Option<String>), CliError> {
    if std::path::Path::new(arg).exists() {
        return Ok((PathBuf::from(arg), None));
    }
    match arg.rsplit_once('=') {
        Some((path, label)) if !path.is_empty() => match crate::sources::clean_label(label) {
            Some(l) => Ok((PathBuf::from(path), Some(l))),
            None => Err(CliError::Usage(format!(
                "{arg:?}: an empty label after `=` (write PATH=LABEL)"
            ))),
        },
        _ => Ok((PathBuf::from(arg), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<OsString> {
        s.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn commands_and_filters() {
        let a = parse(&args(
            "daily --since 2026-02-01 --until=20260228 --agent claude --agent Codex --model m \
             --project api --json x y",
        ))
        .expect("valid");
        assert_eq!(a.command, Command::Daily);
        assert!(a.json);
        assert_eq!(a.filter.since, NaiveDate::from_ymd_opt(2026, 2, 1));
        assert_eq!(a.filter.until, NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(a.filter.agents, vec![Agent::Claude, Agent::Codex]);
        assert_eq!(a.filter.models, vec!["m".to_owned()]);
        assert_eq!(a.filter.projects, vec!["api".to_owned()]);
        assert_eq!(a.paths.len(), 2);
    }

    #[test]
    fn path_labels_and_ledger_export() {
        let a = parse(&args(
            "ledger export -o out.ledger.gz --with-projects no/such/alice=Alice no/such/b",
        ))
        .expect("valid");
        assert_eq!(a.command, Command::LedgerExport);
        assert_eq!(a.output, Some(PathBuf::from("out.ledger.gz")));
        assert!(a.with_projects);
        assert_eq!(
            a.paths,
            [PathBuf::from("no/such/alice"), PathBuf::from("no/such/b")]
        );
        assert_eq!(a.labels, [Some("Alice".to_owned()), None]);
        assert!(parse(&args("ledger export x")).is_err(), "no -o");
        assert!(parse(&args("ledger import x")).is_err());
        assert!(parse(&args("report x=")).is_err());
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for bad in [
            "report --since 2026-13-01",
            "report --agent cursor",
            "report --since",
            "report --since 2026-02-02 --until 2026-02-01",
            "frobnicate",
            "report --frob",
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad}");
        }
    }
}
