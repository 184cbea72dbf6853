//! Every threshold the tool-health flags and the insight detectors use, in one place.

/// A tool is flagged at this failure rate...
pub const TOOL_FAILURE_FLAG: f64 = 0.20;
/// ...and critical at this one...
pub const TOOL_FAILURE_CRITICAL: f64 = 0.50;
/// ...once it has at least this many calls.
pub const TOOL_FAILURE_MIN_CALLS: u64 = 10;
