//! The browser side of the export: `fetch` with an 8 s abort, telling failures apart, and the
//! Cache Storage entry through which the service worker admits the endpoint in the CSP.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, RequestMode, Response};

use super::{excerpt, host_is_literal, Failure, Resolved, TIMEOUT_MS};

/// The Cache Storage cache holding the admitted origin. Not `agentmeter-…`: the service worker
/// deletes every such cache but its own version's when it activates.
pub const ADMIT_CACHE: &str = "agentmeter.otlp";
/// The entry (relative to the page) whose body is the admitted origin; www/sw.js reads it.
pub const ADMIT_ENTRY: &str = "./otlp-admitted-origin";

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Stores `origin` for the service worker to add to `connect-src`.
///
/// # Errors
/// When Cache Storage is unavailable (an insecure context, storage disabled).
pub async fn admit(origin: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let caches = window.caches().map_err(js_err)?;
    let cache: web_sys::Cache = JsFuture::from(caches.open(ADMIT_CACHE))
        .await
        .map_err(js_err)?
        .unchecked_into();
    let body = Response::new_with_opt_str(Some(origin)).map_err(js_err)?;
    JsFuture::from(cache.put_with_str(ADMIT_ENTRY, &body))
        .await
        .map_err(js_err)?;
    Ok(())
}

/// Removes the admitted origin (the next load has `connect-src 'self'` only).
pub async fn revoke() {
    if let Some(caches) = web_sys::window().and_then(|w| w.caches().ok()) {
        let _ = JsFuture::from(caches.delete(ADMIT_CACHE)).await;
    }
}

/// The loaded page's CSP meta, if it has one.
#[must_use]
pub fn page_csp() -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector("meta[http-equiv=\"Content-Security-Policy\"]")
        .ok()??
        .get_attribute("content")
}

/// The page's origin (`http://127.0.0.1:8080`).
#[must_use]
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Reloads the page.
pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep_ms(ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    #[allow(clippy::cast_possible_truncation)]
    let ms = ms.clamp(0.0, f64::from(i32::MAX)) as i32;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// What a fetch ended in, before classification.
enum Outcome {
    Answered {
        status: u16,
        body: String,
    },
    TimedOut,
    /// The `TypeError` of a network, CORS or CSP failure.
    Failed,
}

/// One `fetch` under an 8 s abort (the answer's body included).
async fn fetch(url: &str, init: &RequestInit) -> Outcome {
    let Some(window) = web_sys::window() else {
        return Outcome::Failed;
    };
    let Ok(controller) = AbortController::new() else {
        return Outcome::Failed;
    };
    init.set_signal(Some(&controller.signal()));
    let abort = Closure::once_into_js({
        let c = controller.clone();
        move || c.abort()
    });
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), TIMEOUT_MS)
        .ok();
    let result = async {
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, init))
            .await?
            .unchecked_into();
        let status = response.status();
        let body = match response.text() {
            Ok(p) => JsFuture::from(p).await?.as_string().unwrap_or_default(),
            Err(_) => String::new(),
        };
        Ok::<_, JsValue>((status, body))
    }
    .await;
    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    match result {
        Ok((status, body)) => Outcome::Answered { status, body },
        Err(_) if controller.signal().aborted() => Outcome::TimedOut,
        Err(_) => Outcome::Failed,
    }
}

/// Posts `body` (OTLP JSON) to `target`; a failure is named by its cause.
///
/// # Errors
/// Every way the post can fail, as a [`Failure`].
pub async fn post(target: &Resolved, body: &str) -> Result<u16, Failure> {
    let url = target.url.clone();
    let headers = Headers::new().map_err(|e| Failure::Invalid(js_err(e)))?;
    headers
        .set("Content-Type", "application/json")
        .map_err(|e| Failure::Invalid(js_err(e)))?;
    for (k, v) in &target.headers {
        headers
            .set(k, v)
            .map_err(|e| Failure::Invalid(format!("header {k}: {}", js_err(e))))?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    match fetch(&url, &init).await {
        Outcome::Answered { status, .. } if (200..300).contains(&status) => Ok(status),
        Outcome::Answered { status, body } => Err(Failure::Status {
            status,
            url,
            excerpt: excerpt(&body),
        }),
        Outcome::TimedOut => Err(Failure::Timeout { url }),
        Outcome::Failed => Err(why_unreachable(target).await),
    }
}

/// After a failed CORS request: a `no-cors` GET gets an (opaque) answer only if the server
/// answered at all, so success means CORS refused us; failure means nothing answered.
async fn why_unreachable(target: &Resolved) -> Failure {
    let url = target.url.clone();
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::NoCors);
    match fetch(&url, &init).await {
        Outcome::Answered { .. } => Failure::Cors {
            url,
            page_origin: page_origin(),
            headers: target.headers.iter().map(|(k, _)| k.clone()).collect(),
        },
        Outcome::TimedOut => Failure::Timeout { url },
        Outcome::Failed if host_is_literal(&target.origin) => Failure::Refused { url },
        Outcome::Failed => Failure::Unreachable {
            url,
            host: target
                .origin
                .split_once("://")
                .map_or(target.origin.as_str(), |(_, h)| h)
                .to_owned(),
        },
    }
}
