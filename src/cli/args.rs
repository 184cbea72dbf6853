//! Command-line arguments, parsed by hand: three flags do not justify a parser crate.

use std::ffi::OsString;
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
/// Arguments arrive as `OsString`s: a PATH need not be UTF-8 (any byte but NUL and `/` is a valid
/// file name), and is kept as it came. Commands and options must be UTF-8.
///
/// # Errors
/// On an unknown command or flag, a flag missing its value, or a non-UTF-8 command or option.
pub fn parse(args: &[OsString]) -> Result<ReportArgs, CliError> {
    let mut out = ReportArgs::default();
    let mut it = args.iter();
    match it.next().map(|a| a.to_str()) {
        Some(Some("report")) => {}
        Some(Some("-h" | "--help" | "help")) | None => {
            out.help = true;
            return Ok(out);
        }
        Some(other) => {
            return Err(CliError::Usage(format!(
                "unknown command {:?}; try `agentmeter report`",
                other.unwrap_or("(not UTF-8)")
            )))
        }
    }
    while let Some(arg) = it.next() {
        let Some(text) = arg.to_str() else {
            out.paths.push(PathBuf::from(arg));
            continue;
        };
        match text {
            "--json" => out.json = true,
            "--tz" => match it.next().map(|z| z.to_str()) {
                Some(Some(z)) => out.tz = Some(z.to_owned()),
                Some(None) => {
                    return Err(CliError::Usage("--tz needs a UTF-8 zone name".to_owned()))
                }
                None => return Err(CliError::Usage("--tz needs a zone name".to_owned())),
            },
            "-h" | "--help" => out.help = true,
            s if s.starts_with("--tz=") => out.tz = Some(s["--tz=".len()..].to_owned()),
            s if s.starts_with('-') && s != "-" => {
                return Err(CliError::Usage(format!("unknown option {s:?}")))
            }
            _ => out.paths.push(PathBuf::from(arg)),
        }
    }
    Ok(out)
}
