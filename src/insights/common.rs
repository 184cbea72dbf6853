//! Small helpers the detectors share, so every insight names sessions, dollars and shares the
//! same way (`agent:session`, `$1.23`, percentages of 0..=100).

use crate::model::Agent;
use crate::rollup::pico_to_usd;

/// How a session is named in evidence: `agent:session`.
#[must_use]
pub fn session_label(agent: Agent, session: &str) -> String {
    format!("{agent}:{session}")
}

/// `part / whole` in percent (0 when `whole` is 0).
#[must_use]
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Picodollars written as dollars with cents (`$1.23`).
#[must_use]
pub fn dollars(pico: u64) -> String {
    format!("${:.2}", pico_to_usd(pico))
}

/// Bytes written in KiB with one decimal (`12.5 KB`).
#[must_use]
pub fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// `n` followed by `word`, with an `s` unless `n` is 1 (`1 read`, `3 reads`).
#[must_use]
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(session_label(Agent::Codex, "abc"), "codex:abc");
        assert_eq!(dollars(1_234_000_000_000), "$1.23");
        assert_eq!(kilobytes(12_800), "12.5 KB");
        assert_eq!(plural(1, "read"), "1 read");
        assert_eq!(plural(3, "read"), "3 reads");
        assert!((percent(1, 4) - 25.0).abs() < 1e-12);
        assert!(percent(1, 0).abs() < 1e-12);
    }
}
