//! OpenTelemetry export: the analysis as an OTLP/HTTP JSON metrics request.
//!
//! Platform teams already run an observability stack; sending agentmeter's figures there (an
//! OpenTelemetry Collector, then Prometheus or Grafana) is how the numbers reach a team without
//! agentmeter running a server. This module is the part both front ends share and has no I/O:
//!
//! - [`instruments`]: the catalogue (name, unit, kind, definition) of every metric sent, the 12
//!   that users of the npm `coding-agent-usage` tool know plus cost and cache-token ones;
//! - [`snapshot`]: the sums behind them, taken from the same counted, priced model calls as every
//!   other figure (so `agent.usage.cost` adds up to the report's cost, token for token);
//! - [`encode`]: an `ExportMetricsServiceRequest` in the proto3 JSON mapping that OTLP/HTTP JSON
//!   uses (64-bit integers and nanosecond times as strings, enums as integers);
//! - [`target`]: where to post and with which headers, from flags and the `OTEL_EXPORTER_OTLP_*`
//!   variables as the OTLP exporter specification defines them.
//!
//! Sending is the caller's: the native CLI posts with a blocking HTTP client
//! (`src/cli/otlp.rs`), the browser with `fetch` (`web/src/otlp.rs`). docs/otlp.md defines each
//! instrument in words.

pub mod encode;
pub mod instruments;
pub mod snapshot;
pub mod target;

pub use encode::{request_json, ExportMeta};
pub use snapshot::Snapshot;
pub use target::{Target, TargetError};
