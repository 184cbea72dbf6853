//! Number formatting for display.
//!
//! The dashboard shows short numbers (1.23M tokens, $1,234.56) so that a dense table stays
//! readable, and puts the exact value in `title` (hover) and `data-value` (tests, copy). Only
//! display text is shortened here; every figure comes unchanged from the core's `Report`.
//!
//! In the browser, numbers follow the reader's locale through `Intl.NumberFormat` ([`intl`]):
//! `1.23M` / `$1,234.56` in English, `1,23 Mio.` / `1.234,56 $` in German. The plain-Rust formats
//! below (`*_plain`) are the fallback (no `Intl`, native builds) and are what the unit tests pin
//! down, natively and in wasm. For an English reader both give the same text except that `Intl`
//! drops trailing zeros of compact numbers (`1K`, `2T` where the fallback writes `1.00K`,
//! `2.00T`; seen when these tests first ran under wasm).

#[cfg(target_arch = "wasm32")]
pub mod intl;

/// The browser's localized text for a number, when `Intl` is there.
#[cfg(target_arch = "wasm32")]
fn localized(style: intl::Style, value: impl FnOnce() -> wasm_bindgen::JsValue) -> Option<String> {
    intl::format(style, &value())
}

/// A token count shortened to three significant digits: `999`, `12.3K`, `1.23M`, `4.56B`.
#[must_use]
pub fn tokens_short(n: u64) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = localized(intl::Style::Compact, || (n as f64).into()) {
        // Some locales do not abbreviate thousands (German: `432.000` for 431,823): a rounded
        // figure without a unit would pass for an exact one, so show the exact one instead.
        if n < 1000 || s.chars().any(char::is_alphabetic) {
            return s;
        }
        return grouped(n);
    }
    tokens_short_plain(n)
}

/// [`tokens_short`] without `Intl`: the fallback, and what the unit tests pin down.
fn tokens_short_plain(n: u64) -> String {
    const UNITS: [(f64, &str); 4] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")];
    if n < 1000 {
        return n.to_string();
    }
    let x = n as f64;
    for (i, (scale, unit)) in UNITS.iter().enumerate() {
        if x >= *scale {
            let v = x / scale;
            let text = three_digits(v);
            // Rounding 999.5K up gives "1000K": show it in the next unit instead.
            if text == "1000" && i > 0 {
                let (_, bigger) = UNITS[i - 1];
                return format!("1.00{bigger}");
            }
            return format!("{text}{unit}");
        }
    }
    n.to_string()
}

/// `v` (>= 1) with three significant digits: 1.23, 12.3, 123.
fn three_digits(v: f64) -> String {
    if v < 9.995 {
        format!("{v:.2}")
    } else if v < 99.95 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// An integer with thousands separators: `1,234,567`.
#[must_use]
pub fn grouped(n: u64) -> String {
    // A decimal string, not a float: Intl formats it exactly, even above 2^53.
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = localized(intl::Style::Integer, || n.to_string().into()) {
        return s;
    }
    grouped_plain(n)
}

/// [`grouped`] without `Intl`.
fn grouped_plain(n: u64) -> String {
    agentmeter::report::thousands(n)
}

/// Dollars for display: `$1,234.56`; amounts below a cent keep four decimals (`$0.0042`) so a
/// small but real cost never shows as `$0.00`.
#[must_use]
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    #[cfg(target_arch = "wasm32")]
    {
        let small = x != 0.0 && x.abs() < 0.01;
        let style = if small {
            intl::Style::UsdSmall
        } else {
            intl::Style::Usd
        };
        if let Some(s) = localized(style, || x.into()) {
            return s;
        }
    }
    usd_plain(x)
}

/// [`usd`] without `Intl`.
fn usd_plain(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a > 0.0 && a < 0.01 {
        return format!("{sign}${a:.4}");
    }
    let cents = (a * 100.0).round() as u64;
    format!("{sign}${}.{:02}", grouped_plain(cents / 100), cents % 100)
}

/// Dollars, exact, for `title` tooltips: every digit the report carries.
#[must_use]
pub fn usd_exact(x: f64) -> String {
    format!("${x}")
}

/// A ratio (0..=1) as a percentage with one decimal: `87.3%`.
#[must_use]
pub fn percent(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "–".to_owned();
    }
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = localized(intl::Style::Percent, || ratio.into()) {
        return s;
    }
    percent_plain(ratio)
}

/// [`percent`] without `Intl`.
fn percent_plain(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "–".to_owned();
    }
    format!("{:.1}%", ratio * 100.0)
}

/// The machine-readable form of a number for `data-value`: integers as digits, money as the
/// shortest decimal that round-trips (the same number the report's JSON holds).
#[must_use]
pub fn data_f64(x: f64) -> String {
    format!("{x}")
}

/// A session id shortened for a table cell (the full id goes into `title`).
#[must_use]
pub fn short_id(id: &str) -> String {
    let n = id.chars().count();
    if n <= 14 {
        id.to_owned()
    } else {
        let head: String = id.chars().take(8).collect();
        let tail: String = id.chars().skip(n - 4).collect();
        format!("{head}…{tail}")
    }
}

/// An RFC 3339 timestamp shown as `YYYY-MM-DD HH:MM` (UTC as stored; the zone is in the header).
#[must_use]
pub fn short_time(rfc3339: &str) -> String {
    match (rfc3339.get(0..10), rfc3339.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t}"),
        _ => rfc3339.to_owned(),
    }
}

/// Bytes for progress text: `512 B`, `3.4 MB`, `1.21 GB` (decimal units, like file managers).
#[must_use]
pub fn bytes(n: u64) -> String {
    if n < 1000 {
        return format!("{n} B");
    }
    let x = n as f64;
    let (v, unit) = if x >= 1e9 {
        (x / 1e9, "GB")
    } else if x >= 1e6 {
        (x / 1e6, "MB")
    } else {
        (x / 1e3, "kB")
    };
    format!("{} {unit}", three_digits(v))
}

/// A duration for tables: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 07 min`.
#[must_use]
pub fn duration_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if ms < 3_600_000 {
        format!("{} min {:02} s", ms / 60_000, (ms / 1000) % 60)
    } else {
        format!("{} h {:02} min", ms / 3_600_000, (ms / 60_000) % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // The plain formats: in the browser `Intl` formats by the reader's locale instead, so the
    // same tests run in wasm (node) and natively only through the `_plain` functions.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn tokens_are_shortened_to_three_significant_digits() {
        assert_eq!(tokens_short_plain(0), "0");
        assert_eq!(tokens_short_plain(999), "999");
        assert_eq!(tokens_short_plain(1000), "1.00K");
        assert_eq!(tokens_short_plain(12_345), "12.3K");
        assert_eq!(tokens_short_plain(123_456), "123K");
        assert_eq!(tokens_short_plain(1_234_567), "1.23M");
        assert_eq!(tokens_short_plain(4_560_000_000), "4.56B");
        assert_eq!(tokens_short_plain(2_000_000_000_000), "2.00T");
    }

    #[test]
    fn rounding_up_moves_to_the_next_unit() {
        assert_eq!(tokens_short_plain(999_999), "1.00M");
        assert_eq!(tokens_short_plain(999_499), "999K");
    }

    #[test]
    fn integers_are_grouped_by_thousands() {
        assert_eq!(grouped_plain(0), "0");
        assert_eq!(grouped_plain(999), "999");
        assert_eq!(grouped_plain(1000), "1,000");
        assert_eq!(grouped_plain(1_234_567), "1,234,567");
        assert_eq!(grouped_plain(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn dollars_keep_cents_and_never_hide_small_costs() {
        assert_eq!(usd_plain(0.0), "$0.00");
        assert_eq!(usd_plain(1234.5649), "$1,234.56");
        assert_eq!(usd_plain(1_234.565_1), "$1,234.57");
        assert_eq!(usd_plain(0.0042), "$0.0042");
        assert_eq!(usd_plain(0.01), "$0.01");
        assert_eq!(usd_plain(-3.5), "-$3.50");
        assert_eq!(usd_plain(f64::NAN), "–");
    }

    #[test]
    fn data_values_round_trip() {
        for x in [0.0, 0.1 + 0.2, 1234.5678, 1e-7, 12_345_678.901_234] {
            assert_eq!(data_f64(x).parse::<f64>().ok(), Some(x));
        }
        assert_eq!(data_f64(3.0), "3");
    }

    #[test]
    fn percentages_and_ids() {
        assert_eq!(percent_plain(0.8734), "87.3%");
        assert_eq!(percent_plain(0.0), "0.0%");
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(
            short_id("0193b7e2-aaaa-bbbb-cccc-1234567890ab"),
            "0193b7e2…90ab"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(12_345), "12.3 s");
        assert_eq!(duration_ms(245_000), "4 min 05 s");
        assert_eq!(duration_ms(7_620_000), "2 h 07 min");
    }

    #[test]
    fn times_and_bytes() {
        assert_eq!(short_time("2025-01-02T03:04:05.000Z"), "2025-01-02 03:04");
        assert_eq!(short_time("bad"), "bad");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(3_400_000), "3.40 MB");
        assert_eq!(bytes(1_210_000_000), "1.21 GB");
    }
}
