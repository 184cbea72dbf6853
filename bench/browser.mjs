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
// - Per-stage profile: the app records marks and durations into `window.__agentmeterProfile`
//   (web/src/ingest/profile.rs; the workers time themselves with performance.now() and send
//   their part with their result). This script adds the input's change event and the moment the
//   expected total reached the DOM (MutationObserver) and the next frame, and prints each run's
//   profile. `--deep` also times line splitting apart in the workers (every chunk is split
//   twice, so deep runs are slower: their stage split is used, never their total).
//
// Usage: node bench/browser.mjs --dist dist --corpus /tmp/agentmeter-bench --expect N [--runs 3]
//                               [--deep] [--part-records N] [--cpu-profile FILE]
//   (--cpu-profile: V8's sampling profile of the page's main thread during the import, written to
//   FILE as a .cpuprofile (Chromium DevTools opens it); wasm frames have names only in a module
//   that kept its name section, e.g. wasm-bindgen run without --remove-name-section)
//   (--part-records: the records a worker's ledger may hold before it is posted as a part, instead
//   of the build's default: for measuring worker memory against that threshold)
// Prints one JSON object on stdout: {times:[s...], median, figures, peak_rss_mib, profiles, ...}.
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { ARGS, CHROMIUM, chromium, cpuDelta, serve, treeCpu, treeRssKib } from './chromium.mjs';

function parseArgs(argv) {
  const out = { runs: 3, timeout: 600, deep: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '');
    if (k === 'deep') out.deep = true;
    else out[k] = argv[++i];
  }
  for (const k of ['dist', 'corpus', 'expect']) if (!out[k]) throw new Error(`--${k} is required`);
  out.runs = Number(out.runs);
  out.timeout = Number(out.timeout);
  return out;
}

async function oneRun(base, opts) {
  const profile = await mkdtemp(join(tmpdir(), 'agentmeter-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
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
    // Page-side marks on the page's own clock (the app's profile uses the same one): when the
    // input's change event fired, when the expected total reached the DOM, and the next frame.
    await page.evaluate(
      ({ want, deep, partRecords }) => {
        const clock = () => performance.timeOrigin + performance.now();
        const marks = (window.__benchMarks = {});
        if (deep) window.__agentmeterProfileDeep = true;
        if (partRecords !== null) window.__agentmeterPartRecords = partRecords;
        document.addEventListener('change', () => (marks.change ??= clock()), true);
        const seen = () => {
          const v = document.querySelector('[data-testid="kpi-tokens-total"]')?.getAttribute('data-value');
          if (v === want && marks.drawn === undefined) {
            marks.drawn = clock();
            requestAnimationFrame(() => (marks.frame = clock()));
          }
        };
        new MutationObserver(seen).observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-value'],
        });
      },
      {
        want: String(opts.expect),
        deep: Boolean(opts.deep),
        partRecords: opts['part-records'] === undefined ? null : Number(opts['part-records']),
      },
    );
    let cdp = null;
    if (opts['cpu-profile']) {
      cdp = await context.newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const cpu0 = treeCpu(profile);
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
    const cpu = cpuDelta(cpu0, treeCpu(profile));
    peak = Math.max(peak, treeRssKib(profile));
    if (cdp) {
      const { profile: cpuProfile } = await cdp.send('Profiler.stop');
      writeFileSync(opts['cpu-profile'], JSON.stringify(cpuProfile));
    }
    // Give the frame mark and the IndexedDB save a moment, then read the app's profile.
    await page.waitForFunction(() => window.__benchMarks?.frame !== undefined, null, { timeout: 5_000 }).catch(() => {});
    await page.waitForTimeout(300);
    // and the save for the next visit, whose encoding is the page's last large allocation
    await page
      .waitForFunction(() => window.__agentmeterProfile?.values?.page_heap_after_save_bytes !== undefined, null, {
        timeout: 15_000,
      })
      .catch(() => {});
    const prof = await page.evaluate(() => ({ app: window.__agentmeterProfile ?? null, bench: window.__benchMarks }));
    return {
      profile: prof,
      cpu_seconds: cpu,
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

/**
 * One run's profile as stages in milliseconds. Wall stages follow the critical path from the
 * input's change event to the frame after the total was drawn; worker stages are CPU time
 * measured inside each worker (performance.now() deltas), summed over the workers, with the
 * slowest worker's wall time beside them.
 */
function stages(prof) {
  const app = prof?.app;
  const bench = prof?.bench ?? {};
  if (!app) return null;
  const m = app.marks ?? {};
  const t = app.times ?? {};
  const w = app.workers ?? [];
  const sum = (k) => w.reduce((a, x) => a + (x[k] ?? 0), 0);
  const max = (f) => (w.length ? Math.max(...w.map(f)) : 0);
  const lastReceived = max((x) => x.t_received);
  return {
    wall: {
      collect: m.collect_end - bench.change,
      to_pool: m.pool_start - m.collect_end,
      worker_startup: max((x) => x.t_ready) - m.pool_start,
      workers_parse: max((x) => x.t_parsed) - m.pool_start,
      worker_serialize: max((x) => x.t_serialized - x.t_parsed),
      post_to_page: max((x) => x.t_received - x.t_posted),
      page_after_last_result: (m.analysis_start ?? 0) - lastReceived,
      analysis: m.analysis_end - m.analysis_start,
      render: bench.drawn - m.analysis_end,
      frame: bench.frame - bench.drawn,
      total_change_to_frame: bench.frame - bench.change,
    },
    worker_cpu: {
      workers: w.length,
      files: sum('files'),
      chunks: sum('chunks'),
      messages: sum('messages'),
      read: sum('read_ms'),
      copy_into_wasm: sum('copy_ms'),
      classify: sum('classify_ms'),
      split: sum('split_ms'),
      parse: sum('parse_ms'),
      ledger_insert: sum('ledger_ms'),
      progress_posts: sum('progress_ms'),
      serialize: w.reduce((a, x) => a + (x.t_serialized - x.t_parsed), 0),
      result_bytes: sum('result_bytes'),
      parts: sum('parts'), // parts posted before each worker's last one (flat worker memory)
      parts_post: sum('part_ms'),
      heap_bytes_max: max((x) => x.heap_bytes ?? 0),
    },
    page: {
      decode: t.decode_ms ?? null, // JSON results (before the wire form)
      decode_merge: t.decode_merge_ms ?? null, // wire form: decoded and merged as each arrives
      merge: t.merge_ms ?? 0,
      analysis_core: t.analysis_core_ms ?? 0,
      analysis_insights: t.analysis_insights_ms ?? 0,
      analysis_report: t.analysis_report_ms ?? 0,
      save_serialize: t.save_serialize_ms ?? 0,
      save_before_drawn: m.save_serialized !== undefined && m.save_serialized < bench.drawn,
      heap_bytes: app.values?.page_heap_bytes ?? 0,
      // after the ledger was encoded for IndexedDB (web/src/store.rs), the page's high-water mark
      heap_after_save_bytes: app.values?.page_heap_after_save_bytes ?? null,
    },
  };
}

/**
 * What reading `File.size` of every file costs on the page, for files handed to an
 * `<input webkitdirectory>` (Chromium fetches each file's metadata on first access, with a
 * synchronous round trip to the browser process). Measured on a blank page with its own input,
 * so nothing of the app runs meanwhile.
 */
async function probeFileSize(opts) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<input type=file webkitdirectory id=i>');
    await page.evaluate(() => {
      document.getElementById('i').addEventListener('change', (e) => {
        const files = e.target.files;
        const t0 = performance.now();
        let bytes = 0;
        for (let k = 0; k < files.length; k++) bytes += files[k].size;
        const t1 = performance.now();
        for (let k = 0; k < files.length; k++) bytes += files[k].size;
        const t2 = performance.now();
        window.__probe = { files: files.length, first_ms: t1 - t0, again_ms: t2 - t1 };
      });
    });
    await page.setInputFiles('#i', opts.corpus);
    await page.waitForFunction(() => window.__probe, null, { timeout: 60_000 });
    return await page.evaluate(() => window.__probe);
  } finally {
    await browser.close();
  }
}

const opts = parseArgs(process.argv.slice(2));
const dist = resolve(opts.dist);
const server = await serve(dist);
const base = `${server.origin}/`;
const runs = [];
try {
  for (let i = 0; i < opts.runs; i++) {
    const r = await oneRun(base, opts);
    process.stderr.write(`browser run ${i + 1}/${opts.runs}: ${r.seconds.toFixed(2)} s\n`);
    process.stderr.write(`${JSON.stringify(stages(r.profile))}\ncpu s: ${JSON.stringify(r.cpu_seconds)}\n`);
    runs.push(r);
  }
} finally {
  await server.close();
}
const fileSizeProbe = opts.deep ? null : await probeFileSize(opts).catch((e) => ({ error: String(e) }));
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
    file_size_probe: fileSizeProbe,
    profiles: runs.map((r) => r.profile),
    cpu_seconds: runs.map((r) => r.cpu_seconds),
    stages: runs.map((r) => stages(r.profile)),
    deep: opts.deep,
    peak_rss_mib: Math.max(...runs.map((r) => r.peak_rss_mib)),
    figures: last.figures,
    errors: [...new Set(runs.flatMap((r) => r.errors))].slice(0, 20),
    browser_version: last.browser_version,
  }) + '\n',
);
