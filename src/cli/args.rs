//! Command-line arguments, parsed by hand: three flags do not justify a parser crate.

use std::path::PathBuf;

use super::CliError;

/// The help text.
pub const USAGE: &str = "\
agentmeter: exact token and cost accounting for AI coding agents

USAGE:
    agentmeter report [--json] [--tz ZONE] [PATH...]

PATH may be a home-like folder (containing .claude, .codex or .gemini), an agent's own folder
(~/.claude/projects, ~/.codex/sessions, ~/.gemini/tmp), any folder below one, or a file.
With no PATH, the current user's default folders are read.

OPTIONS:
    --json        print the report as JSON
    --tz ZONE     count days in this IANA time zone (default: $TZ, else UTC)
    -h, --help    print this help
";

/// Parsed arguments of `agentmeter report`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReportArgs {
    pub json: bool,
    pub tz: Option<String>,
    pub paths: Vec<PathBuf>,
    pub help: bool,
}

/// Parses `args` (without the program name).
///
/// # Errors
/// On an unknown command or flag, or a flag missing its value.
pub fn parse(args: &[String]) -> Result<ReportArgs, CliError> {
    let mut out = ReportArgs::default();
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("report") => {}
        Some("-h" | "--help" | "help") | None => {
            out.help = true;
            return Ok(out);
        }
        Some(other) => {
            return Err(CliError::Usage(format!(
                "unknown command {other:?}; try `agentmeter report`"
            )))
        }
    }
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => out.json = true,
            "--tz" => match it.next() {
                Some(z) => out.tz = Some(z.clone()),
                None => return Err(CliError::Usage("--tz needs a zone name".to_owned())),
            },
            "-h" | "--help" => out.help = true,
            s if s.starts_with("--tz=") => out.tz = Some(s["--tz=".len()..].to_owned()),
            s if s.starts_with('-') && s != "-" => {
                return Err(CliError::Usage(format!("unknown option {s:?}")))
            }
            s => out.paths.push(PathBuf::from(s)),
        }
    }
    Ok(out)
}
