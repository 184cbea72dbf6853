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
//   makes none; the CSP forbids them), and POSTs etc. go straight to the network.
'use strict';

const VERSION = '__VERSION__';
const CACHE = `agentmeter-${VERSION}`;
/** Relative URLs (to this script) of the files to fetch at install. */
const PRECACHE = __PRECACHE__;

const scopeUrl = new URL('./', self.location.href);
const precachedPaths = new Set(PRECACHE.map((p) => new URL(p, scopeUrl).pathname));
const indexPath = new URL('./index.html', scopeUrl).pathname;
const demoPrefix = new URL('./demo/', scopeUrl).pathname;

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
    return response;
  } catch (error) {
    const cached =
      (await cache.match(request, { ignoreSearch: true })) ||
      (await cache.match(new URL('./index.html', scopeUrl))) ||
      (await cache.match(scopeUrl));
    if (cached) return cached;
    throw error;
  }
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
