// agentmeter service worker: makes the app work offline after one visit, and nothing else.
//
// Why this shape:
// - The app is a static bundle whose files only change together, at a rebuild. scripts/build
//   fills in VERSION (a hash of every built file) and PRECACHE (every built file except the demo
//   data), so each build gets its own cache and `activate` drops the previous one.
// - Precached assets (wasm, JS, CSS, icons) are served cache-first: they are immutable within a
//   version. Navigations / index.html are network-first so a reachable server always delivers the
//   newest index (and with it a new sw.js check); offline they fall back to the cached copy.
// - The demo transcripts (3-4 MB) are not precached: most visitors never press "Try with sample
//   data". They are cached at runtime on first use, so the demo works offline once it has run.
// - Only same-origin GET requests are handled. Cross-origin requests are never touched (the app
//   makes none but the OpenTelemetry export the user turned on; the CSP forbids all others), and
//   POSTs etc. go straight to the network.
// - The OpenTelemetry endpoint the user set is the one origin besides 'self' the page may connect
//   to. A page cannot widen its own CSP, so the page stores that origin in Cache Storage
//   (OTLP_CACHE) and reloads; when this worker serves index.html it appends the origin to
//   connect-src in the CSP meta (and in a CSP header, if the server sent one). No entry, or one
//   that is not a bare http(s) origin: the page is served exactly as built, connect-src 'self'.
//   See SECURITY.md.
'use strict';

const VERSION = '__VERSION__';
const CACHE = `agentmeter-${VERSION}`;
/** Relative URLs (to this script) of the files to fetch at install. */
const PRECACHE = __PRECACHE__;

const scopeUrl = new URL('./', self.location.href);
const precachedPaths = new Set(PRECACHE.map((p) => new URL(p, scopeUrl).pathname));
const indexPath = new URL('./index.html', scopeUrl).pathname;
const demoPrefix = new URL('./demo/', scopeUrl).pathname;
/** Not `agentmeter-…`: `activate` deletes those. Written by web/src/otlp/net.rs. */
const OTLP_CACHE = 'agentmeter.otlp';
const OTLP_ENTRY = new URL('./otlp-admitted-origin', scopeUrl).href;
/** A bare origin: scheme, host (name, IPv4 or [IPv6]) and port, nothing that could end a CSP source. */
const ORIGIN = /^https?:\/\/([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `cache: 'reload'` bypasses the HTTP cache so a new version never stores stale bytes.
      await cache.addAll(PRECACHE.map((p) => new Request(new URL(p, scopeUrl), { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith('agentmeter-') && n !== CACHE).map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate' || url.pathname === indexPath || url.pathname === scopeUrl.pathname) {
    event.respondWith(networkFirst(request));
  } else if (precachedPaths.has(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith(demoPrefix)) {
    event.respondWith(cacheFirst(request));
  }
  // Anything else: not handled, the browser fetches it normally.
});

/**
 * Tries the network (and refreshes the cached copy); offline, serves the cached index. The copy
 * is kept under the URL without its query: `?view=models&agent=claude` is the same page, and
 * keying by the full URL would store one copy per filter ever used.
 */
async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const key = new URL(request.url);
  key.search = '';
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      await cache.put(key.href, response.clone());
    }
    return await withOtlpEndpoint(response);
  } catch (error) {
    const cached =
      (await cache.match(request, { ignoreSearch: true })) ||
      (await cache.match(new URL('./index.html', scopeUrl))) ||
      (await cache.match(scopeUrl));
    if (cached) return withOtlpEndpoint(cached);
    throw error;
  }
}

/** The origin the user admitted for the OpenTelemetry export, if any and well-formed. */
async function admittedOrigin() {
  if (!(await caches.has(OTLP_CACHE))) return null;
  const entry = await (await caches.open(OTLP_CACHE)).match(OTLP_ENTRY);
  if (!entry) return null;
  const origin = (await entry.text()).trim().toLowerCase();
  return ORIGIN.test(origin) ? origin : null;
}

/** `csp` with `origin` appended to its connect-src (unchanged if it has none). */
function admit(csp, origin) {
  return csp.replace(/(^|;)(\s*connect-src\b)([^;]*)/i, (_m, sep, name, list) => `${sep}${name}${list} ${origin}`);
}

/** The page as served, its CSP admitting the OpenTelemetry endpoint when one is set. */
async function withOtlpEndpoint(response) {
  if (!response.ok || !(response.headers.get('Content-Type') || '').includes('text/html')) return response;
  const origin = await admittedOrigin();
  if (!origin) return response;
  const html = (await response.text()).replace(
    /(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")/i,
    (_m, open, csp, close) => open + admit(csp, origin) + close,
  );
  const headers = new Headers(response.headers);
  headers.delete('Content-Length');
  const headerCsp = headers.get('Content-Security-Policy');
  if (headerCsp) headers.set('Content-Security-Policy', admit(headerCsp, origin));
  return new Response(html, { status: response.status, statusText: response.statusText, headers });
}

/** Serves from the cache; on a miss fetches, stores a good answer and returns it. */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    await cache.put(request, response.clone());
  }
  return response;
}
