//! OpenTelemetry export from the browser: the settings, the endpoint check with a reason for
//! every failure, and the exporter that re-sends while connected.
//!
//! The payload is the core's ([`agentmeter::otlp`]), built from the unfiltered analysis the
//! page holds, so the browser sends what `agentmeter otlp` sends for the same folders. What is
//! browser-specific:
//!
//! - **Off by default, kept locally.** [`Settings`] live in `localStorage` (`agentmeter.otlp`);
//!   nothing is sent until the user presses Connect, and after a reload only if they had.
//! - **CSP.** The page's `connect-src` is `'self'`, and a page cannot widen its own policy. The
//!   endpoint's origin is stored in Cache Storage ([`net::admit`]) where the service worker reads
//!   it when it serves `index.html` and adds that one origin to `connect-src`; the page then
//!   reloads. Forgetting the endpoint removes it and reloads, back to `'self'` only
//!   (SECURITY.md). [`csp_admits`] tells whether the loaded page's policy admits the endpoint.
//! - **Failures by cause.** `fetch` rejects with the same `TypeError` for a refused connection,
//!   a DNS failure and a CORS refusal. [`net::post`] tells them apart with a second, `no-cors`
//!   probe (it succeeds only if something answered, so CORS is what refused us) and by the host
//!   (an IP address or `localhost` needs no DNS); a host name that cannot be reached is named as
//!   either, honestly. Timeouts are an 8 s abort.
//! - **Rhythm.** [`exporter`] exports on connect, after every re-scan and every 60 s while
//!   connected, never more often than once per 60 s.

pub mod exporter;
pub mod net;

use agentmeter::otlp::target::{self, TargetError};
use serde::{Deserialize, Serialize};

/// The `localStorage` key of the settings.
pub const SETTINGS_KEY: &str = "agentmeter.otlp";
/// A test hook: when set, the interval between exports in milliseconds (60 000 otherwise).
pub const INTERVAL_KEY: &str = "agentmeter.otlp.interval-ms";
/// The time between two exports, at most one export per interval.
pub const INTERVAL_MS: f64 = 60_000.0;
/// The deadline of one request.
pub const TIMEOUT_MS: i32 = 8_000;

/// What the user set in the panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The collector's base URL as typed.
    pub endpoint: String,
    /// Request headers as typed, one `Name: value` a line.
    pub headers: String,
    /// Whether the user connected (and has not disconnected since).
    pub enabled: bool,
}

/// Settings checked and resolved: where to post, with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub url: String,
    /// `scheme://host[:port]`, what the CSP must admit.
    pub origin: String,
    pub headers: Vec<(String, String)>,
}

impl Settings {
    /// Resolves the endpoint (`URL/v1/metrics`) and parses the headers.
    ///
    /// # Errors
    /// A malformed endpoint or header line, with the reason.
    pub fn resolve(&self) -> Result<Resolved, TargetError> {
        let endpoint = self.endpoint.trim();
        if endpoint.is_empty() {
            return Err(TargetError::NoEndpoint);
        }
        let url = target::metrics_url("endpoint", endpoint)?;
        let origin = target::origin("endpoint", endpoint)?;
        let headers = parse_headers(&self.headers)?;
        Ok(Resolved {
            url,
            origin,
            headers,
        })
    }
}

/// Header lines: `Name: value` (or `Name=value`), blank lines skipped.
///
/// # Errors
/// A line that is neither, a bad name, or a control character in a value.
pub fn parse_headers(text: &str) -> Result<Vec<(String, String)>, TargetError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let flag = match line.split_once(':') {
            Some((k, v)) if !k.contains('=') => format!("{}={}", k.trim(), v.trim()),
            _ => line.to_owned(),
        };
        let (k, v) = target::parse_header_flag(&flag).map_err(|e| match e {
            TargetError::BadHeader { why, .. } => TargetError::BadHeader {
                from: "headers".to_owned(),
                entry: line.to_owned(),
                why,
            },
            other => other,
        })?;
        out.retain(|(name, _)| !name.eq_ignore_ascii_case(&k));
        out.push((k, v));
    }
    Ok(out)
}

/// True when the CSP text `csp` lets the page connect to `origin`: its `connect-src` (else
/// `default-src`) lists the origin or a wildcard. No policy at all admits everything.
#[must_use]
pub fn csp_admits(csp: Option<&str>, origin: &str) -> bool {
    let Some(csp) = csp else {
        return true;
    };
    let directives: Vec<Vec<&str>> = csp
        .split(';')
        .map(|d| d.split_ascii_whitespace().collect::<Vec<_>>())
        .filter(|d| !d.is_empty())
        .collect();
    let find = |name: &str| {
        directives
            .iter()
            .find(|d| d[0].eq_ignore_ascii_case(name))
            .map(|d| &d[1..])
    };
    let Some(sources) = find("connect-src").or_else(|| find("default-src")) else {
        return true;
    };
    sources
        .iter()
        .any(|s| *s == "*" || s.trim_end_matches('/').eq_ignore_ascii_case(origin))
}

/// True when `host` needs no DNS lookup: an IP address, `localhost` or a `.localhost` name.
#[must_use]
pub fn host_is_literal(origin: &str) -> bool {
    let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
    if authority.starts_with('[') {
        return true;
    }
    let host = authority.split(':').next().unwrap_or(authority);
    host.parse::<std::net::Ipv4Addr>().is_ok()
        || host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
}

/// Why a check or an export failed, each with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The settings are malformed.
    Invalid(String),
    /// The loaded page's CSP does not admit the endpoint yet.
    NotAdmitted {
        origin: String,
    },
    Refused {
        url: String,
    },
    /// A host name that could not be reached: DNS failure or refused, the browser does not say.
    Unreachable {
        url: String,
        host: String,
    },
    Timeout {
        url: String,
    },
    Status {
        status: u16,
        url: String,
        excerpt: String,
    },
    Cors {
        url: String,
        page_origin: String,
        headers: Vec<String>,
    },
    /// Nothing to send: the analysis was restored without its records.
    NoRecords,
}

impl Failure {
    /// The `data-reason` value the tests read.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Invalid(_) => "invalid",
            Failure::NotAdmitted { .. } => "csp",
            Failure::Refused { .. } => "refused",
            Failure::Unreachable { .. } => "unreachable",
            Failure::Timeout { .. } => "timeout",
            Failure::Status { .. } => "http",
            Failure::Cors { .. } => "cors",
            Failure::NoRecords => "no-records",
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Invalid(why) => f.write_str(why),
            Failure::NotAdmitted { origin } => write!(
                f,
                "This page's Content-Security-Policy does not admit {origin} yet. Reload the page: \
                 the service worker adds the endpoint you set to the policy when it serves the page \
                 (a first visit, a private window or a hard reload bypasses it)."
            ),
            Failure::Refused { url } => {
                write!(f, "Connection refused: nothing is listening at {url}.")
            }
            Failure::Unreachable { url, host } => write!(
                f,
                "Cannot connect to {url}: either DNS failure (the host name {host} does not \
                 resolve) or connection refused (nothing listens at that port). Browsers do not \
                 tell a page which; `agentmeter otlp --endpoint …` in a terminal does."
            ),
            Failure::Timeout { url } => {
                write!(f, "Timed out after 8 s: {url} did not answer.")
            }
            Failure::Status {
                status,
                url,
                excerpt,
            } => {
                write!(f, "HTTP {status} from {url}: {excerpt}")?;
                match status {
                    401 | 403 => f.write_str(
                        " The collector refused the credentials: check the headers (e.g. \
                         Authorization: Bearer …).",
                    ),
                    404 => f.write_str(
                        " No OTLP receiver at this path: the endpoint is the collector's base \
                         URL, e.g. http://127.0.0.1:4318.",
                    ),
                    _ => Ok(()),
                }
            }
            Failure::Cors {
                url,
                page_origin,
                headers,
            } => {
                write!(
                    f,
                    "CORS rejected: {url} answered, but does not allow this page's origin \
                     {page_origin}. In the collector's config, set receivers.otlp.protocols.http.cors \
                     to allowed_origins: [\"{page_origin}\"]"
                )?;
                if !headers.is_empty() {
                    let list: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
                    write!(f, " and allowed_headers: [{}]", list.join(", "))?;
                }
                f.write_str(" (docs/otlp.md).")
            }
            Failure::NoRecords => f.write_str(
                "Nothing to export: this analysis was restored without its records (they were too \
                 large to keep in the browser). Drop the folder again.",
            ),
        }
    }
}

/// The start of a collector's answer, on one line.
#[must_use]
pub fn excerpt(body: &str) -> String {
    let one_line = body.trim().replace(['\r', '\n'], " ");
    let cut: String = one_line.chars().take(300).collect();
    if cut.is_empty() {
        "(empty answer)".to_owned()
    } else {
        cut
    }
}

/// The `source` attribute of a file the page read: the dropped folder's name (the first
/// component of its path), unless that is an agent's own folder (`.claude`, `projects`, ...) or
/// the file itself: then `browser`.
#[must_use]
pub fn source_of(path: &str) -> String {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some(first), Some(_))
            if !first.is_empty() && !agentmeter::otlp::snapshot::is_agent_folder(first) =>
        {
            first.to_owned()
        }
        _ => "browser".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // Natively and in wasm (`scripts/test` runs the web crate's unit tests in wasm only).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn settings_resolve_to_the_metrics_url_origin_and_headers() {
        let s = Settings {
            endpoint: " http://127.0.0.1:4318/ ".to_owned(),
            headers: "Authorization: Basic dXNlcjpwYXNz\n\nX-Scope=team-a\n".to_owned(),
            enabled: false,
        };
        let r = s.resolve().expect("valid");
        assert_eq!(r.url, "http://127.0.0.1:4318/v1/metrics");
        assert_eq!(r.origin, "http://127.0.0.1:4318");
        assert_eq!(
            r.headers,
            vec![
                ("Authorization".to_owned(), "Basic dXNlcjpwYXNz".to_owned()),
                ("X-Scope".to_owned(), "team-a".to_owned()),
            ]
        );
        let bad = Settings {
            endpoint: "127.0.0.1:4318".to_owned(),
            ..Settings::default()
        };
        assert!(bad.resolve().is_err());
        assert!(parse_headers("no separator").is_err());
        assert_eq!(Settings::default().resolve(), Err(TargetError::NoEndpoint));
    }

    #[test]
    fn the_csp_admits_only_listed_origins() {
        let strict = "default-src 'self'; connect-src 'self'; worker-src 'self'";
        assert!(!csp_admits(Some(strict), "http://127.0.0.1:4318"));
        let widened =
            "default-src 'self'; connect-src 'self' http://127.0.0.1:4318; worker-src 'self'";
        assert!(csp_admits(Some(widened), "http://127.0.0.1:4318"));
        assert!(!csp_admits(Some(widened), "http://127.0.0.1:4319"));
        assert!(!csp_admits(Some("default-src 'self'"), "https://x"));
        assert!(csp_admits(None, "https://x"));
    }

    #[test]
    fn hosts_that_need_no_dns() {
        assert!(host_is_literal("http://127.0.0.1:4318"));
        assert!(host_is_literal("http://[::1]:4318"));
        assert!(host_is_literal("http://localhost:4318"));
        assert!(host_is_literal("http://otel.localhost"));
        assert!(!host_is_literal("https://otel.example.com"));
    }

    #[test]
    fn cors_failures_name_the_setting_that_fixes_them() {
        let f = Failure::Cors {
            url: "http://127.0.0.1:4318/v1/metrics".to_owned(),
            page_origin: "http://127.0.0.1:8080".to_owned(),
            headers: vec!["Authorization".to_owned()],
        };
        let text = f.to_string();
        assert!(
            text.contains("allowed_origins: [\"http://127.0.0.1:8080\"]"),
            "{text}"
        );
        assert!(
            text.contains("allowed_headers: [\"Authorization\"]"),
            "{text}"
        );
        assert_eq!(f.kind(), "cors");
    }

    #[test]
    fn sources_are_the_dropped_folders() {
        assert_eq!(source_of("alice/.claude/projects/p/s.jsonl"), "alice");
        assert_eq!(source_of(".claude/projects/p/s.jsonl"), "browser");
        assert_eq!(source_of("projects/p/s.jsonl"), "browser");
        assert_eq!(source_of("s.jsonl"), "browser");
        assert_eq!(source_of(""), "browser");
    }
}
