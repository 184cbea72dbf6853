// Re-scan benchmark (issue 9, item 5): how long the web app takes to read a folder it has read
// before, (a) with nothing changed and (b) with one new session, against the first import.
//
// Each run uses a fresh Chromium profile: the folder is chosen through the folder input (a full
// first import; the clock stops when the CLI's total is shown), then, once the workers have stored
// their re-scan entries, chosen again unchanged (the clock stops at the app's `rescan_unchanged`
// profile mark: the fingerprint of paths, sizes and times matched), then `--session` is copied
// into `--dest` (a folder below the corpus) and the folder chosen again (the clock stops when the
// CLI's new total is shown; the workers' profile says how many files were added from their
// entries, read on from their end, or read). Times include `setInputFiles` (Chromium listing the
// folder), which is reported apart. The copied session is removed afterwards.
//
// Usage: node bench/rescan.mjs --dist dist --corpus DIR --bin path/to/agentmeter
//                              --session FILE --dest REL/DIR [--runs 3]
// Prints one JSON object: {runs: [...], median: {first, unchanged, one_new_session}}.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

import { ARGS, CHROMIUM, chromium, serve } from './chromium.mjs';

function parseArgs(argv) {
  const out = { runs: 3 };
  for (let i = 0; i < argv.length; i++) out[argv[i].replace(/^--/, '')] = argv[++i];
  for (const k of ['dist', 'corpus', 'bin', 'session', 'dest']) if (!out[k]) throw new Error(`--${k} is required`);
  out.runs = Number(out.runs);
  out.dist = resolve(out.dist);
  out.corpus = resolve(out.corpus);
  return out;
}

const cliTotal = (opts) => {
  let out;
  try {
    out = execFileSync(opts.bin, ['report', '--json', opts.corpus], { maxBuffer: 1 << 30 });
  } catch (e) {
    if (e.status !== 3) throw e;
    out = e.stdout;
  }
  return String(JSON.parse(out.toString('utf8')).total.tokens.total);
};

const shows = (want) => document.querySelector('[data-testid="kpi-tokens-total"]')?.getAttribute('data-value') === want;

async function oneRun(base, opts, added) {
  const profile = await mkdtemp(join(tmpdir(), 'agentmeter-rescan-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(base, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid=folder-input]', { state: 'attached', timeout: 60_000 });
    rmSync(added, { force: true });
    const before = cliTotal(opts);
    const timed = async (until, arg) => {
      const t0 = performance.now();
      await page.setInputFiles('[data-testid=folder-input]', opts.corpus);
      const tFiles = performance.now();
      await page.waitForFunction(until, arg, { timeout: 900_000, polling: 20 });
      const t1 = performance.now();
      const prof = await page.evaluate(() => {
        const ws = globalThis.__agentmeterProfile?.workers ?? [];
        const sum = (k) => ws.reduce((n, w) => n + (w[k] ?? 0), 0);
        return { given: sum('given'), read: sum('files'), cached: sum('cached'), resumed: sum('resumed'), cache_ms: Math.max(0, ...ws.map((w) => w.cache_ms ?? 0)) };
      });
      return { seconds: (t1 - t0) / 1000, set_input_files_seconds: (tFiles - t0) / 1000, ...prof };
    };
    const first = await timed(shows, before);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=dashboard]')?.dataset.entriesStored) > 0, null, {
      timeout: 900_000,
    });
    const stored = await page.getAttribute('[data-testid=dashboard]', 'data-entries-stored');
    const unchanged = await timed(() => globalThis.__agentmeterProfile?.marks?.rescan_unchanged !== undefined, null);
    mkdirSync(dirname(added), { recursive: true });
    copyFileSync(opts.session, added);
    const after = cliTotal(opts);
    if (after === before) throw new Error('the new session adds no tokens: pick another --session');
    const oneNew = await timed(shows, after);
    rmSync(added, { force: true });
    return { first, entries_stored: Number(stored), unchanged, one_new_session: oneNew, totals: [before, after] };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    rmSync(added, { force: true });
  }
}

const opts = parseArgs(process.argv.slice(2));
const added = join(opts.corpus, opts.dest, `rescan-bench-${basename(opts.session)}`);
const server = await serve(opts.dist);
const base = `${server.origin}/`;
const runs = [];
try {
  for (let i = 0; i < opts.runs; i++) runs.push(await oneRun(base, opts, added));
} finally {
  await server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify(
    {
      corpus: opts.corpus,
      runs,
      median: {
        first: median(runs.map((r) => r.first.seconds)),
        unchanged: median(runs.map((r) => r.unchanged.seconds)),
        unchanged_after_listing: median(runs.map((r) => r.unchanged.seconds - r.unchanged.set_input_files_seconds)),
        one_new_session: median(runs.map((r) => r.one_new_session.seconds)),
      },
    },
    null,
    1,
  ),
);
