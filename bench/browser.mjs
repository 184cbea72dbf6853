// Browser benchmark: how long the web app takes to turn a dropped home folder into figures.
//
// Why it is built like this:
// - It serves dist/ itself (tiny node:http server on 127.0.0.1, application/wasm MIME) so it
//   measures the release build exactly as shipped, with nothing else running.
// - Debian's /usr/bin/chromium through playwright-core (from e2e/node_modules, no browser
//   download), a fresh profile per run so no IndexedDB result or service-worker cache from a
//   previous run can short-cut the work.
// - The clock runs from `setInputFiles` on [data-testid=folder-input] until the dashboard shows
//   `kpi-tokens-total` equal to the CLI's total (passed in with --expect), so a run only counts
//   when the page got the right answer.
// - Peak memory is sampled from /proc for the Chromium process tree (summed RSS; shared pages
//   count once per process, so it is an upper bound).
//
// Usage: node bench/browser.mjs --dist dist --corpus /tmp/agentmeter-bench --expect N [--runs 3]
// Prints one JSON object on stdout: {times:[s...], median, figures, peak_rss_mib, ...}.
import { createServer } from 'node:http';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'e2e', 'package.json'));
const { chromium } = require('playwright-core');

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jsonl': 'application/x-ndjson',
};

function parseArgs(argv) {
  const out = { runs: 3, timeout: 600 };
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['dist', 'corpus', 'expect']) if (!out[k]) throw new Error(`--${k} is required`);
  out.runs = Number(out.runs);
  out.timeout = Number(out.timeout);
  return out;
}

function serve(dist) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let path = normalize(join(dist, decodeURIComponent(url.pathname)));
    if (!path.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(path).isDirectory()) path = join(path, 'index.html');
      const size = statSync(path).size;
      res.writeHead(200, {
        'content-type': MIME[extname(path)] || 'application/octet-stream',
        'content-length': size,
        'cache-control': 'no-store',
      });
      createReadStream(path).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Summed VmRSS (KiB) of the process tree rooted at the Chromium using `profile`. */
function treeRssKib(profile) {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const rss = Number((status.match(/VmRSS:\s+(\d+)/) || [0, 0])[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      procs.set(Number(name), { ppid, rss, root: cmd.includes(profile) });
    } catch {
      /* the process ended while we looked */
    }
  }
  const inTree = (pid, depth = 0) => {
    const p = procs.get(pid);
    if (!p || depth > 20) return false;
    return p.root || inTree(p.ppid, depth + 1);
  };
  let total = 0;
  for (const [pid, p] of procs) if (inTree(pid)) total += p.rss;
  return total;
}

async function oneRun(base, opts) {
  const profile = await mkdtemp(join(tmpdir(), 'agentmeter-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
  });
  const errors = [];
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, treeRssKib(profile));
  }, 200);
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(base, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid=folder-input]', { state: 'attached', timeout: 60_000 });
    const t0 = performance.now();
    await page.setInputFiles('[data-testid=folder-input]', opts.corpus);
    const tFiles = performance.now();
    // Done = the right total is shown, or every file is read and a (wrong) total is shown.
    const settled = (want) => {
      const q = (id) => document.querySelector(`[data-testid="${id}"]`);
      if (!q('dashboard')) return false;
      const value = q('kpi-tokens-total')?.getAttribute('data-value');
      if (value === want) return true;
      const p = q('progress');
      const done = !p || (p.dataset.filesTotal && p.dataset.filesDone === p.dataset.filesTotal);
      return done && value != null;
    };
    await page.waitForFunction(settled, String(opts.expect), { timeout: opts.timeout * 1000, polling: 50 });
    let t1 = performance.now();
    const shown = () => page.getAttribute('[data-testid=kpi-tokens-total]', 'data-value');
    if ((await shown()) !== String(opts.expect)) {
      // a late update may still be on its way: give it a few seconds before calling it wrong
      await page
        .waitForFunction(
          (want) => document.querySelector('[data-testid="kpi-tokens-total"]')?.getAttribute('data-value') === want,
          String(opts.expect),
          { timeout: 10_000, polling: 50 },
        )
        .catch(() => {});
      t1 = performance.now();
    }
    const figures = await page.$$eval('[data-testid][data-value]', (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-value')])),
    );
    if (figures['kpi-tokens-total'] !== String(opts.expect)) {
      throw new Error(
        `the page shows kpi-tokens-total ${figures['kpi-tokens-total']}, the CLI ${opts.expect} ` +
          `(is dist/ built from the same sources as the CLI?): ${JSON.stringify(figures)}`,
      );
    }
    peak = Math.max(peak, treeRssKib(profile));
    return {
      seconds: (t1 - t0) / 1000,
      set_input_files_seconds: (tFiles - t0) / 1000,
      figures,
      peak_rss_mib: peak / 1024,
      errors,
      browser_version: context.browser()?.version() ?? null,
    };
  } finally {
    clearInterval(sampler);
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const opts = parseArgs(process.argv.slice(2));
const dist = resolve(opts.dist);
const server = await serve(dist);
const base = `http://127.0.0.1:${server.address().port}/`;
const runs = [];
try {
  for (let i = 0; i < opts.runs; i++) {
    const r = await oneRun(base, opts);
    process.stderr.write(`browser run ${i + 1}/${opts.runs}: ${r.seconds.toFixed(2)} s\n`);
    runs.push(r);
  }
} finally {
  server.close();
}
const times = runs.map((r) => r.seconds);
const sorted = [...times].sort((a, b) => a - b);
const mid = sorted.length >> 1;
const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
const last = runs[runs.length - 1];
process.stdout.write(
  JSON.stringify({
    times,
    median,
    set_input_files_seconds: runs.map((r) => r.set_input_files_seconds),
    peak_rss_mib: Math.max(...runs.map((r) => r.peak_rss_mib)),
    figures: last.figures,
    errors: [...new Set(runs.flatMap((r) => r.errors))].slice(0, 20),
    browser_version: last.browser_version,
  }) + '\n',
);
