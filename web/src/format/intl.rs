//! The browser's own number formatting (`Intl.NumberFormat`), so a reader in Berlin sees
//! `1,23 Mio.` and `1.234,56 $` where a reader in Chicago sees `1.23M` and `$1,234.56`.
//!
//! One formatter per style is made on first use and kept (making them is the slow part). Every
//! function returns `None` when `Intl` is unavailable or throws (outside a browser, in a worker
//! without ICU data): the caller then falls back to the plain-Rust formats of [`super`], which
//! are what the unit tests pin down (natively and in wasm, through the `_plain` functions).

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Function, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

/// The formatting styles the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// `1.23K`, `4.56B`: three significant digits, compact notation.
    Compact,
    /// `1,234,567`: an integer with the locale's grouping.
    Integer,
    /// `$1,234.56`: dollars with cents.
    Usd,
    /// `$0.0042`: dollars below a cent, two significant digits.
    UsdSmall,
    /// `87.3%`: a ratio with one decimal.
    Percent,
}

impl Style {
    fn options(self) -> Object {
        let o = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&o, &k.into(), &v);
        };
        match self {
            Style::Compact => {
                set("notation", "compact".into());
                set("maximumSignificantDigits", 3.into());
            }
            Style::Integer => set("maximumFractionDigits", 0.into()),
            Style::Usd | Style::UsdSmall => {
                set("style", "currency".into());
                set("currency", "USD".into());
                if self == Style::UsdSmall {
                    set("maximumSignificantDigits", 2.into());
                }
            }
            Style::Percent => {
                set("style", "percent".into());
                set("minimumFractionDigits", 1.into());
                set("maximumFractionDigits", 1.into());
            }
        }
        o
    }
}

thread_local! {
    static FORMATTERS: RefCell<HashMap<Style, Option<Function>>> = RefCell::new(HashMap::new());
}

fn formatter(style: Style) -> Option<Function> {
    FORMATTERS.with(|cell| {
        cell.borrow_mut()
            .entry(style)
            .or_insert_with(|| {
                // Guard against a page without Intl (the constructor would throw a ReferenceError).
                let global = js_sys::global();
                let intl = Reflect::get(&global, &"Intl".into()).ok()?;
                if intl.is_undefined() {
                    return None;
                }
                let nf = Intl::NumberFormat::new(&Array::new(), &style.options());
                Some(nf.format())
            })
            .clone()
    })
}

/// `value` (a number, or a decimal string for exact large integers) in `style`.
#[must_use]
pub fn format(style: Style, value: &JsValue) -> Option<String> {
    formatter(style)?
        .call1(&JsValue::NULL, value)
        .ok()?
        .as_string()
}
