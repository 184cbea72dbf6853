// The read floor: what it costs Chromium only to hand a folder's bytes to the app's workers, with
// no parsing at all. The browser import can never be faster than this on the same machine, so
// this is the figure to set issue 9's browser target against.
//
// Each run is a fresh headless Chromium on a blank page (bench/read-floor/) whose workers read
// every *.json/*.jsonl file of the corpus chosen through an <input webkitdirectory> and copy each
// piece once into a buffer, the way www/worker.js copies into wasm memory. The clock runs from
// Playwright's setInputFiles until the last worker is done; CPU time is user+sys of each Chromium
// process type over the same span, from /proc (bench/chromium.mjs).
//
// Usage: node bench/read-floor.mjs --corpus DIR [--runs 3] [--workers 2] [--chunk-mb 8]
//                                  [--methods blob,sync,stream,byob]
//   (blob is the app's way of reading; see bench/read-floor/worker.js for the others)
// Prints one JSON object: {runs: [{method, seconds, page_ms, workers, cpu_seconds}], median: {method: s}}.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ARGS, CHROMIUM, chromium, cpuDelta, serve, treeCpu } from './chromium.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const out = { runs: '3', workers: '2', 'chunk-mb': '8', methods: 'blob,sync,stream,byob' };
  for (let i = 0; i < argv.length; i++) out[argv[i].replace(/^--/, '')] = argv[++i];
  if (!out.corpus) throw new Error('--corpus is required');
  return {
    corpus: resolve(out.corpus),
    runs: Number(out.runs),
    workers: Number(out.workers),
    chunk: Number(out['chunk-mb']) * 1024 * 1024,
    methods: out.methods.split(','),
  };
}

async function oneRun(base, opts, method) {
  const profile = await mkdtemp(join(tmpdir(), 'agentmeter-read-floor-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(base, { waitUntil: 'load' });
    await page.evaluate((o) => (window.__readFloor = o), { method, chunk: opts.chunk, workers: opts.workers });
    const cpu0 = treeCpu(profile);
    const t0 = performance.now();
    await page.setInputFiles('#folder', opts.corpus);
    await page.waitForFunction(() => window.__readFloorDone, null, { timeout: 600_000, polling: 20 });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuDelta(cpu0, treeCpu(profile));
    const done = await page.evaluate(() => window.__readFloorDone);
    return {
      method,
      seconds,
      page_ms: done.ms,
      bytes: done.workers.reduce((a, w) => a + w.bytes, 0),
      workers: done.workers.map((w) => ({ ms: Math.round(w.ms), waited_ms: Math.round(w.waited_ms) })),
      cpu_seconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Number(v.toFixed(2))])),
    };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const opts = parseArgs(process.argv.slice(2));
const server = await serve(join(HERE, 'read-floor'));
const base = `${server.origin}/`;
const runs = [];
try {
  // Methods alternate within each round, so a slow spell of the machine hits them all.
  for (let i = 0; i < opts.runs; i++) {
    for (const method of opts.methods) {
      const r = await oneRun(base, opts, method);
      process.stderr.write(`${method} ${i + 1}/${opts.runs}: ${r.seconds.toFixed(2)} s ${JSON.stringify(r.cpu_seconds)}\n`);
      runs.push(r);
    }
  }
} finally {
  await server.close();
}
const median = {};
for (const method of opts.methods) {
  const t = runs.filter((r) => r.method === method).map((r) => r.seconds).sort((a, b) => a - b);
  const mid = t.length >> 1;
  median[method] = t.length % 2 ? t[mid] : (t[mid - 1] + t[mid]) / 2;
}
process.stdout.write(`${JSON.stringify({ corpus: opts.corpus, workers: opts.workers, chunk: opts.chunk, runs, median })}\n`);
