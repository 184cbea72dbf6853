//! `agentmeter otlp` against a real HTTP receiver on loopback (a std `TcpListener`): what it
//! posts, where, with which headers, and each failure it must name (refused port, DNS failure,
//! 401, timeout) with exit status 4.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    /// Header names lowercased.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the receiver answers.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16, &'static str),
    /// Reads the request and never answers.
    Hang,
}

struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(answer: Answer) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("addr").port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let sink = sink.clone();
                std::thread::spawn(move || serve(stream, answer, &sink));
            }
        });
        Receiver { port, got }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }
}

fn serve(stream: TcpStream, answer: Answer, sink: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let path = parts.next().unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the whole body");
    sink.lock().expect("lock").push(Received {
        method,
        path,
        headers,
        body,
    });
    let mut stream = stream;
    match answer {
        Answer::Hang => std::thread::sleep(Duration::from_secs(30)),
        Answer::Status(status, text) => {
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    }
}

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

fn otlp(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_agentmeter"));
    cmd.arg("otlp")
        .args(args)
        .arg(demo())
        .env("TZ", "UTC")
        .env("AGENTMETER_NOW", "2026-04-23T14:00:00Z");
    for var in [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = otlp(args, env).output().expect("the binary runs");
    (
        status.code(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn input_tokens(body: &[u8]) -> u64 {
    let v: Value = serde_json::from_slice(body).expect("the body is JSON");
    v["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["name"] == "agent.usage.tokens.input")
        .expect("tokens.input")["sum"]["dataPoints"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| {
            p["asInt"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .expect("asInt")
        })
        .sum()
}

fn report_prompt_tokens() -> u64 {
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["report", "--json"])
        .arg(demo())
        .env("TZ", "UTC")
        .output()
        .expect("the binary runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let t = &v["total"]["tokens"];
    ["input", "cache_write_5m", "cache_write_1h", "cache_read"]
        .iter()
        .map(|k| t[*k].as_u64().unwrap_or_else(|| panic!("total.tokens.{k}")))
        .sum()
}

#[test]
fn posts_once_to_v1_metrics_with_the_headers_and_the_report_figures() {
    let rx = Receiver::start(Answer::Status(200, "{}"));
    let (code, out, err) = run(
        &["--endpoint", &rx.url(), "--header", "X-Team=platform"],
        &[("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s%20ecret,x-team=ml")],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("exported 16 metrics"), "{out}");
    assert!(
        out.contains(&format!("{}/v1/metrics (HTTP 200)", rx.url())),
        "{out}"
    );
    let got = rx.requests();
    assert_eq!(got.len(), 1, "one post");
    let r = &got[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/metrics")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("api-key"), Some("s ecret"));
    assert_eq!(
        r.header("x-team"),
        Some("platform"),
        "the flag replaces the variable's header"
    );
    assert_eq!(input_tokens(&r.body), report_prompt_tokens());
}

#[test]
fn the_environment_names_the_endpoint_as_the_specification_says() {
    let rx = Receiver::start(Answer::Status(200, "{}"));
    let base = format!("{}/otlp/", rx.url());
    let (code, _, err) = run(&[], &[("OTEL_EXPORTER_OTLP_ENDPOINT", &base)]);
    assert_eq!(code, Some(0), "{err}");
    let full = format!("{}/custom/metrics", rx.url());
    let (code, _, err) = run(
        &[],
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"),
            ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", &full),
            (
                "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
                "authorization=Bearer%20t",
            ),
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let got = rx.requests();
    let paths: Vec<&str> = got.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/otlp/v1/metrics", "/custom/metrics"]);
    assert_eq!(got[1].header("authorization"), Some("Bearer t"));
    // No endpoint anywhere: a usage error, nothing sent.
    let (code, _, err) = run(&[], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no OTLP endpoint"), "{err}");
}

#[test]
fn a_refused_port_is_named_and_exits_4() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    }; // closed again: nothing listens there now
    let (code, _, err) = run(&["--endpoint", &format!("http://127.0.0.1:{port}")], &[]);
    assert_eq!(code, Some(4), "{err}");
    assert!(
        err.contains(&format!(
            "connection refused: nothing is listening at http://127.0.0.1:{port}/v1/metrics"
        )),
        "{err}"
    );
}

#[test]
fn a_dns_failure_is_named_and_exits_4() {
    let (code, _, err) = run(&["--endpoint", "http://collector.invalid:4318"], &[]);
    assert_eq!(code, Some(4), "{err}");
    assert!(
        err.contains("DNS lookup failed: host \"collector.invalid\" not found"),
        "{err}"
    );
}

#[test]
fn http_401_is_named_with_the_answer_and_exits_4() {
    let rx = Receiver::start(Answer::Status(401, r#"{"message":"missing or bad token"}"#));
    let (code, _, err) = run(&["--endpoint", &rx.url()], &[]);
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("HTTP 401 from"), "{err}");
    assert!(err.contains("missing or bad token"), "{err}");
    assert!(err.contains("check --header"), "{err}");
    assert_eq!(rx.requests().len(), 1);
}

#[test]
fn a_silent_collector_times_out_after_8_seconds() {
    let rx = Receiver::start(Answer::Hang);
    let started = Instant::now();
    let (code, _, err) = run(&["--endpoint", &rx.url()], &[]);
    let took = started.elapsed();
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("timed out after 8 s"), "{err}");
    assert!(took >= Duration::from_secs(8), "gave up after {took:?}");
}

#[test]
fn rejected_points_are_reported_beside_the_success() {
    let rx = Receiver::start(Answer::Status(
        200,
        r#"{"partialSuccess":{"rejectedDataPoints":"2","errorMessage":"too old"}}"#,
    ));
    let (code, out, err) = run(&["--endpoint", &rx.url()], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("warning: the collector rejected 2 data point(s): too old"),
        "{out}"
    );
}

#[test]
fn watch_exports_again_after_each_interval() {
    let rx = Receiver::start(Answer::Status(200, "{}"));
    let mut child = otlp(
        &["--endpoint", &rx.url(), "--watch"],
        &[("AGENTMETER_OTLP_INTERVAL_MS", "300")],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(60);
    while rx.requests().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let still_running = child.try_wait().expect("status").is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(still_running, "--watch keeps running");
    let got = rx.requests();
    assert!(got.len() >= 3, "three exports, got {}", got.len());
    // Each round re-reads the folders and sends the same (unchanged) figures.
    let first = input_tokens(&got[0].body);
    assert!(got.iter().all(|r| input_tokens(&r.body) == first));
}
