//! `agentmeter otlp`: read the folders, then post the metrics to an OpenTelemetry collector
//! (OTLP/HTTP with JSON encoding), once or, with `--watch`, again every 60 s after re-reading.
//!
//! The payload is the core's ([`crate::otlp`]); this module only finds the files, labels their
//! source, and sends. Sending uses ureq (blocking, no async runtime; see the README's crate map)
//! with one 8 s deadline for the whole request, no redirects (a collector that redirects is named
//! in the error instead), and reports a failure by its cause: connection refused, DNS failure,
//! timeout, TLS, or the HTTP status with the start of the collector's answer. A `200` whose body
//! carries `partialSuccess` (points the collector rejected) is reported beside the success.
//!
//! With `--watch`, a failing first export ends the run (the endpoint or headers are wrong); a
//! later one is reported and retried at the next round (a collector restarting). For tests,
//! `AGENTMETER_OTLP_INTERVAL_MS` shortens the 60 s interval.
//!
//! The `source` attribute: the name of the PATH folder a file was found under (a file given
//! directly: its folder's name), passing over the agents' own folders (`.claude`, `projects`,
//! ...: `~/.claude/projects` is labelled by the home folder's name); with no PATH, the machine's
//! host name.

use std::io::{Read, Write};

use std::time::Duration;

use thiserror::Error;

use super::args::ReportArgs;
use super::{now_ms, read_sources, walk, CliError, Outcome};
use crate::otlp::{request_json, ExportMeta, Snapshot, Target};

/// The deadline of one export, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(8);
/// The time between two exports with `--watch`.
pub const INTERVAL: Duration = Duration::from_secs(60);
/// How much of a collector's error answer is quoted.
const EXCERPT_CHARS: usize = 300;

/// Why an export failed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ExportError {
    #[error("connection refused: nothing is listening at {url}")]
    Refused { url: String },
    #[error("DNS lookup failed: host {host:?} not found (endpoint {url})")]
    Dns { host: String, url: String },
    #[error("timed out after 8 s: {url} did not answer")]
    Timeout { url: String },
    #[error("HTTP {status} from {url}: {excerpt}{hint}")]
    Status {
        status: u16,
        url: String,
        excerpt: String,
        hint: &'static str,
    },
    #[error("cannot reach {url}: {detail}")]
    Other { url: String, detail: String },
}

/// A successful export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub status: u16,
    /// What the collector's `partialSuccess` says it rejected, if anything.
    pub partial: Option<String>,
}

/// Posts `body` (OTLP JSON) to `target`.
///
/// # Errors
/// On any failure to deliver it, or a non-2xx answer.
pub fn post(target: &Target, body: &[u8]) -> Result<Posted, ExportError> {
    let url = target.url.clone();
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("agentmeter/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let mut request = agent
        .post(&target.url)
        .header("Content-Type", "application/json");
    for (k, v) in &target.headers {
        request = request.header(k, v);
    }
    let mut response = request.send(body).map_err(|e| classify(&url, e))?;
    let status = response.status().as_u16();
    let mut text = String::new();
    // The answer is read only for the message; a body that fails to read is quoted as empty.
    let _ = response
        .body_mut()
        .as_reader()
        .take(64 * 1024)
        .read_to_string(&mut text);
    if !(200..300).contains(&status) {
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        return Err(status_error(status, url, &text, location.as_deref()));
    }
    Ok(Posted {
        status,
        partial: partial_success(&text),
    })
}

fn status_error(status: u16, url: String, body: &str, location: Option<&str>) -> ExportError {
    let excerpt: String = body.trim().chars().take(EXCERPT_CHARS).collect();
    let excerpt = if excerpt.is_empty() {
        "(empty answer)".to_owned()
    } else {
        super::text::terminal_safe(&excerpt.replace(['\r', '\n'], " ")).into_owned()
    };
    let hint = match status {
        401 | 403 => " (the collector refused the credentials: check --header or OTEL_EXPORTER_OTLP_HEADERS)",
        404 => " (no OTLP receiver at this path: the endpoint is the collector's base URL, e.g. http://host:4318)",
        415 => " (the collector does not accept JSON here: use its OTLP/HTTP receiver, port 4318)",
        300..=399 => " (the collector redirects: use the address it redirects to)",
        _ => "",
    };
    let excerpt = match (status, location) {
        (300..=399, Some(to)) => format!("redirect to {to}"),
        _ => excerpt,
    };
    ExportError::Status {
        status,
        url,
        excerpt,
        hint,
    }
}

fn classify(url: &str, err: ureq::Error) -> ExportError {
    let url = url.to_owned();
    match err {
        ureq::Error::Timeout(_) => ExportError::Timeout { url },
        ureq::Error::HostNotFound => ExportError::Dns {
            host: host_of(&url),
            url,
        },
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            ExportError::Refused { url }
        }
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            ExportError::Timeout { url }
        }
        // std reports a getaddrinfo failure as an uncategorized error with this message.
        ureq::Error::Io(e) if e.to_string().contains("failed to lookup address") => {
            ExportError::Dns {
                host: host_of(&url),
                url,
            }
        }
        other => ExportError::Other {
            url,
            detail: other.to_string(),
        },
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    if authority.starts_with('[') {
        return authority.to_owned();
    }
    authority.split(':').next().unwrap_or(authority).to_owned()
}

/// The collector's `partialSuccess`, when it rejected something.
fn partial_success(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let p = v.get("partialSuccess")?;
    let rejected = p
        .get("rejectedDataPoints")
        .and_then(|n| {
            n.as_str()
                .map(str::to_owned)
                .or_else(|| n.as_u64().map(|n| n.to_string()))
        })
        .filter(|n| n != "0");
    let message = p
        .get("errorMessage")
        .and_then(|m| m.as_str())
        .filter(|m| !m.is_empty());
    match (rejected, message) {
        (None, None) => None,
        (r, m) => Some(format!(
            "the collector rejected {} data point(s){}",
            r.unwrap_or_else(|| "some".to_owned()),
            m.map(|m| format!(": {}", super::text::terminal_safe(m)))
                .unwrap_or_default()
        )),
    }
}

/// Runs `agentmeter otlp`.
///
/// # Errors
/// Bad arguments or endpoint (`Usage`), an unreadable PATH, or a failed (first) export
/// (`Export`).
pub fn run(args: &ReportArgs, tz: chrono_tz::Tz) -> Result<Outcome, CliError> {
    let env = |name: &str| std::env::var(name).ok();
    let target =
        crate::otlp::target::resolve(args.otlp.endpoint.as_deref(), &args.otlp.headers, &env);
    let target = match target {
        Ok(t) => Some(t),
        Err(_) if args.otlp.dry_run => None,
        Err(e) => return Err(CliError::Usage(e.to_string())),
    };
    let interval = std::env::var("AGENTMETER_OTLP_INTERVAL_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(INTERVAL, Duration::from_millis);
    let mut round = 0u64;
    loop {
        round += 1;
        let scan = scan(args, tz)?;
        let body = serde_json::to_vec(&scan.request)?;
        let Some(target) = &target else {
            return Ok(Outcome {
                text: serde_json::to_string_pretty(&scan.request)? + "\n",
                bytes: Vec::new(),
                found: scan.found,
            });
        };
        let line = match post(target, &body) {
            Ok(posted) => {
                let mut line = format!(
                    "exported {} to {} (HTTP {})\n",
                    scan.summary, target.url, posted.status
                );
                if let Some(p) = posted.partial {
                    line.push_str(&format!("warning: {p}\n"));
                }
                line
            }
            Err(e) if round == 1 || !args.otlp.watch => {
                return Err(CliError::Export(e.to_string()))
            }
            Err(e) => format!("export failed, retrying in {} s: {e}\n", interval.as_secs()),
        };
        if !args.otlp.watch {
            return Ok(Outcome {
                text: line,
                bytes: Vec::new(),
                found: scan.found,
            });
        }
        let mut out = std::io::stdout().lock();
        if out
            .write_all(line.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            // Nobody reads any more (a closed pipe): stop quietly.
            return Ok(Outcome {
                text: String::new(),
                bytes: Vec::new(),
                found: true,
            });
        }
        drop(out);
        std::thread::sleep(interval);
    }
}

/// One reading of the folders, as a request body.
struct Scan {
    request: serde_json::Value,
    summary: String,
    found: bool,
}

fn scan(args: &ReportArgs, tz: chrono_tz::Tz) -> Result<Scan, CliError> {
    let given = !args.paths.is_empty();
    let roots = if given {
        args.paths.clone()
    } else {
        walk::existing(walk::default_roots())
    };
    let files = if given {
        walk::collect_labelled(&roots, &args.labels)?
    } else {
        walk::collect(&roots)?
    };
    // Ledger files among the PATHs are imported, and every file carries its source label
    // (`PATH=LABEL`, or the one derived from the folder: crate::sources).
    let ledger = read_sources(&files, false)?;
    let filtered = args.filter.apply(&ledger, tz);
    let host = host_label();
    let source_of = |file: &str| {
        ledger
            .files
            .get(file)
            .and_then(|f| f.source.clone())
            .unwrap_or_else(|| host.clone())
    };
    let prices = super::plan_cmd::price_table(args.prices.as_deref())?;
    let snapshot = Snapshot::new(&filtered, &prices, tz, &source_of);
    let request = request_json(
        &snapshot,
        &ExportMeta {
            now_ms: now_ms(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
    );
    let total = snapshot.total();
    let metrics = request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
        .as_array()
        .map_or(0, Vec::len);
    let summary = format!(
        "{metrics} metrics ({} calls, {} sessions, {} tokens, ${:.2})",
        total.calls,
        snapshot.sessions.len(),
        total.tokens.total(),
        crate::rollup::pico_to_usd(total.cost_pico)
    );
    let found = ledger.files.values().any(|f| f.agent.is_some()) && !ledger.usage.is_empty();
    Ok(Scan {
        request,
        summary,
        found,
    })
}

/// The machine's host name, or `local` when it cannot be found.
fn host_label() -> String {
    ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok())
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "local".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_errors_quote_the_answer_and_say_what_to_fix() {
        let e = status_error(401, "http://c/v1/metrics".into(), "bad\ntoken", None);
        let text = e.to_string();
        assert!(
            text.starts_with("HTTP 401 from http://c/v1/metrics: bad token"),
            "{text}"
        );
        assert!(text.contains("credentials"), "{text}");
        let long = "x".repeat(1000);
        let text = status_error(500, "u".into(), &long, None).to_string();
        assert!(text.len() < 400, "{text}");
        let text = status_error(307, "u".into(), "", Some("https://other/v1/metrics")).to_string();
        assert!(
            text.contains("redirect to https://other/v1/metrics"),
            "{text}"
        );
    }

    #[test]
    fn partial_success_is_reported_only_when_something_was_rejected() {
        assert_eq!(partial_success("{}"), None);
        assert_eq!(partial_success(r#"{"partialSuccess":{}}"#), None);
        assert_eq!(
            partial_success(
                r#"{"partialSuccess":{"rejectedDataPoints":"3","errorMessage":"too old"}}"#
            ),
            Some("the collector rejected 3 data point(s): too old".to_owned())
        );
    }

    #[test]
    fn hosts_are_named_in_dns_errors() {
        assert_eq!(
            host_of("http://no.such.host:4318/v1/metrics"),
            "no.such.host"
        );
        assert_eq!(host_of("http://[::1]:4318/v1/metrics"), "[::1]:4318");
    }
}
