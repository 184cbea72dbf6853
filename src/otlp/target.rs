//! Where to post and with which headers: flags first, then the environment variables of the
//! OTLP exporter specification (opentelemetry.io/docs/specs/otel/protocol/exporter/).
//!
//! - `--endpoint URL` (or the endpoint set in the browser) is a base URL: metrics go to
//!   `URL/v1/metrics`. A URL that already ends in `/v1/metrics` is taken as it is, so pasting
//!   the full address works too.
//! - `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` is used as it is (the specification: per-signal
//!   endpoints are not modified); else `OTEL_EXPORTER_OTLP_ENDPOINT` is a base URL to which
//!   `v1/metrics` is appended (one `/` between them, whatever the base ends with).
//! - Headers: `OTEL_EXPORTER_OTLP_METRICS_HEADERS` if set, else `OTEL_EXPORTER_OTLP_HEADERS`
//!   (the per-signal variable takes precedence), each a comma-separated list of `key=value`
//!   with percent-encoded values (the W3C Baggage octet rules); `--header K=V` flags are added
//!   last and replace a header of the same name.
//!
//! No endpoint at all is an error rather than the specification's `http://localhost:4318`
//! default: nothing leaves the machine unless the user names where it goes.

use thiserror::Error;

/// The metrics path a base endpoint is extended with.
pub const METRICS_PATH: &str = "v1/metrics";

/// A resolved export target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The full URL to `POST` to.
    pub url: String,
    /// Extra request headers (Content-Type is the sender's).
    pub headers: Vec<(String, String)>,
}

/// What is wrong with the given endpoint or headers.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetError {
    #[error("no OTLP endpoint: give --endpoint URL or set OTEL_EXPORTER_OTLP_ENDPOINT")]
    NoEndpoint,
    #[error("{from}: {url:?} is not an http:// or https:// URL with a host ({why})")]
    BadUrl {
        from: String,
        url: String,
        why: &'static str,
    },
    #[error("{from}: bad header {entry:?} ({why})")]
    BadHeader {
        from: String,
        entry: String,
        why: &'static str,
    },
}

/// Resolves the target from the flags and the environment (`env` looks a variable up).
///
/// # Errors
/// When no endpoint is given, or an endpoint or header is malformed.
pub fn resolve(
    flag_endpoint: Option<&str>,
    flag_headers: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Target, TargetError> {
    let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let url = if let Some(base) = flag_endpoint {
        metrics_url("--endpoint", base)?
    } else if let Some(full) = set("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") {
        check_url("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", full.trim())?;
        full.trim().to_owned()
    } else if let Some(base) = set("OTEL_EXPORTER_OTLP_ENDPOINT") {
        append_metrics_path("OTEL_EXPORTER_OTLP_ENDPOINT", &base)?
    } else {
        return Err(TargetError::NoEndpoint);
    };
    let mut headers = match set("OTEL_EXPORTER_OTLP_METRICS_HEADERS") {
        Some(list) => parse_header_list("OTEL_EXPORTER_OTLP_METRICS_HEADERS", &list)?,
        None => match set("OTEL_EXPORTER_OTLP_HEADERS") {
            Some(list) => parse_header_list("OTEL_EXPORTER_OTLP_HEADERS", &list)?,
            None => Vec::new(),
        },
    };
    for flag in flag_headers {
        let (k, v) = parse_header_flag(flag)?;
        set_header(&mut headers, k, v);
    }
    Ok(Target { url, headers })
}

/// The metrics URL for a user-given endpoint: `base/v1/metrics`, or `base` itself when it
/// already ends in `/v1/metrics`.
///
/// # Errors
/// When `base` is not an http(s) URL with a host, or has a query or fragment.
pub fn metrics_url(from: &str, base: &str) -> Result<String, TargetError> {
    let base = base.trim();
    check_url(from, base)?;
    if base.trim_end_matches('/').ends_with("/v1/metrics") {
        return Ok(base.trim_end_matches('/').to_owned());
    }
    append_metrics_path(from, base)
}

fn append_metrics_path(from: &str, base: &str) -> Result<String, TargetError> {
    let base = base.trim();
    check_url(from, base)?;
    Ok(format!("{}/{METRICS_PATH}", base.trim_end_matches('/')))
}

/// `scheme://host[:port]` of an http(s) URL (scheme and host lowercased), for the CSP.
///
/// # Errors
/// As [`metrics_url`].
pub fn origin(from: &str, url: &str) -> Result<String, TargetError> {
    let (scheme, authority, _) = split_url(from, url.trim())?;
    Ok(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

fn check_url(from: &str, url: &str) -> Result<(), TargetError> {
    split_url(from, url).map(|_| ())
}

/// (scheme, authority, path) of an http(s) URL without query, fragment or user info.
fn split_url<'a>(
    from: &str,
    url: &'a str,
) -> Result<(&'static str, &'a str, &'a str), TargetError> {
    let bad = |why| TargetError::BadUrl {
        from: from.to_owned(),
        url: url.to_owned(),
        why,
    };
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https", &url[8..])
    } else if lower.starts_with("http://") {
        ("http", &url[7..])
    } else {
        return Err(bad("it must start with http:// or https://"));
    };
    if url.contains(['?', '#']) {
        return Err(bad("it must not have a query or fragment"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it must not contain spaces or control characters"));
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.contains('@') {
        return Err(bad("credentials belong in a header, not in the URL"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| bad("its [IPv6] host is not closed"))?;
        if !after.is_empty() && !after.starts_with(':') {
            return Err(bad("unexpected text after its [IPv6] host"));
        }
        (host, after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    if port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return Err(bad("its port is not a number from 0 to 65535"));
    }
    Ok((scheme, authority, path))
}

/// A `--header` flag: `Name=value`, taken literally (no percent-decoding).
///
/// # Errors
/// When there is no `=`, the name is not an HTTP token, or the value has a line break.
pub fn parse_header_flag(flag: &str) -> Result<(String, String), TargetError> {
    let (k, v) = flag.split_once('=').ok_or_else(|| TargetError::BadHeader {
        from: "--header".to_owned(),
        entry: flag.to_owned(),
        why: "write it as Name=value",
    })?;
    checked_header("--header", flag, k.trim(), v.trim())
}

/// An `OTEL_EXPORTER_OTLP_HEADERS` value: `k1=v1,k2=v2`, values percent-decoded.
///
/// # Errors
/// On an entry without `=`, a bad name, or a value that does not decode to clean UTF-8.
pub fn parse_header_list(from: &str, list: &str) -> Result<Vec<(String, String)>, TargetError> {
    let mut out = Vec::new();
    for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let bad = |why| TargetError::BadHeader {
            from: from.to_owned(),
            entry: entry.to_owned(),
            why,
        };
        let (k, v) = entry
            .split_once('=')
            .ok_or_else(|| bad("write it as name=value"))?;
        let v = percent_decode(v.trim())
            .ok_or_else(|| bad("its value is not valid percent-encoded UTF-8"))?;
        let (k, v) = checked_header(from, entry, k.trim(), &v)?;
        set_header(&mut out, k, v);
    }
    Ok(out)
}

fn checked_header(
    from: &str,
    entry: &str,
    k: &str,
    v: &str,
) -> Result<(String, String), TargetError> {
    let bad = |why| TargetError::BadHeader {
        from: from.to_owned(),
        entry: entry.to_owned(),
        why,
    };
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if k.is_empty() || !k.chars().all(token) {
        return Err(bad("the name must be an HTTP token (letters, digits, -_.)"));
    }
    if v.chars().any(|c| c.is_control() && c != '\t') {
        return Err(bad(
            "the value must not contain control characters or line breaks",
        ));
    }
    Ok((k.to_owned(), v.to_owned()))
}

/// Sets `name` (case-insensitively) to `value`, replacing an earlier one.
fn set_header(headers: &mut Vec<(String, String)>, name: String, value: String) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
    headers.push((name, value));
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn flag_endpoint_is_a_base_and_wins() {
        let e = env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318")]);
        let t = resolve(Some("http://localhost:4318/"), &[], &e).expect("valid");
        assert_eq!(t.url, "http://localhost:4318/v1/metrics");
        let t = resolve(Some("https://otel.example/otlp/v1/metrics"), &[], &e).expect("valid");
        assert_eq!(t.url, "https://otel.example/otlp/v1/metrics");
    }

    #[test]
    fn environment_follows_the_specification() {
        let e = env(&[(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://collector:4318/mypath",
        )]);
        assert_eq!(
            resolve(None, &[], &e).expect("valid").url,
            "http://collector:4318/mypath/v1/metrics"
        );
        // The per-signal endpoint is used as it is and takes precedence.
        let e = env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            (
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                "http://m:9000/custom",
            ),
        ]);
        assert_eq!(
            resolve(None, &[], &e).expect("valid").url,
            "http://m:9000/custom"
        );
        assert_eq!(resolve(None, &[], &env(&[])), Err(TargetError::NoEndpoint));
    }

    #[test]
    fn headers_from_environment_and_flags() {
        let e = env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                "api-key=a%20b%3Dc , x-team=ml,",
            ),
        ]);
        let t = resolve(
            None,
            &[
                "X-Team=platform".to_owned(),
                "Authorization=Basic dXNlcjpwYXNz".to_owned(),
            ],
            &e,
        )
        .expect("valid");
        assert_eq!(
            t.headers,
            vec![
                ("api-key".to_owned(), "a b=c".to_owned()),
                ("X-Team".to_owned(), "platform".to_owned()),
                ("Authorization".to_owned(), "Basic dXNlcjpwYXNz".to_owned()),
            ]
        );
        // The metrics-specific list replaces the generic one.
        let e = env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "a=1"),
            ("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "b=2"),
        ]);
        assert_eq!(
            resolve(None, &[], &e).expect("valid").headers,
            vec![("b".to_owned(), "2".to_owned())]
        );
    }

    #[test]
    fn malformed_input_is_refused_with_the_reason() {
        for bad in [
            "localhost:4318",
            "ftp://x",
            "http://",
            "http://h:99999",
            "http://u:p@h",
            "http://h/?q=1",
            "http://h x",
        ] {
            assert!(metrics_url("--endpoint", bad).is_err(), "{bad}");
        }
        assert!(parse_header_flag("NoEquals").is_err());
        assert!(parse_header_flag("Bad Name=v").is_err());
        assert!(parse_header_flag("k=a\r\nInjected: 1").is_err());
        assert!(parse_header_list("H", "k=%zz").is_err());
        assert_eq!(
            origin("x", "HTTPS://Otel.Example:4318/p").expect("valid"),
            "https://otel.example:4318"
        );
        assert_eq!(
            origin("x", "http://[::1]:4318").expect("valid"),
            "http://[::1]:4318"
        );
        assert!(metrics_url("x", "http://[::1]:4318").is_ok());
    }
}
