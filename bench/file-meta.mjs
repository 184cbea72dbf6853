// What the first look at a chosen file's size costs in Chromium: a File from an
// <input webkitdirectory> carries no metadata until it is first asked for, and then takes it with
// one synchronous call to the browser process per file. An unchanged re-scan (bench/rescan.mjs)
// needs every file's size and time, so this is a floor under it beside Chromium's own listing.
//
// Each run is a fresh headless Chromium on a blank page (bench/file-meta/) that, once the folder
// is chosen, reads every file's path, then its size (on the page, or with --mode workers by
// posting the files to two workers that read the sizes there), then its time.
//
// Usage: node bench/file-meta.mjs --corpus DIR [--runs 3] [--modes page,workers]
// Prints one JSON object: {runs: [{mode, files, set_input_files_ms, paths_ms, sizes_ms,
// page_blocked_ms, times_after_ms}]}.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ARGS, CHROMIUM, chromium, serve } from './chromium.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const out = { runs: '3', modes: 'page,workers' };
  for (let i = 0; i < argv.length; i++) out[argv[i].replace(/^--/, '')] = argv[++i];
  if (!out.corpus) throw new Error('--corpus is required');
  return { corpus: resolve(out.corpus), runs: Number(out.runs), modes: out.modes.split(',') };
}

async function oneRun(origin, opts, mode) {
  const profile = await mkdtemp(join(tmpdir(), 'agentmeter-file-meta-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(`${origin}/?mode=${mode}`, { waitUntil: 'load' });
    const t0 = performance.now();
    await page.setInputFiles('#folder', opts.corpus);
    const setInputFilesMs = performance.now() - t0;
    await page.waitForFunction(() => globalThis.__fileMeta, null, { timeout: 120_000 });
    return { set_input_files_ms: setInputFilesMs, ...(await page.evaluate(() => globalThis.__fileMeta)) };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const opts = parseArgs(process.argv.slice(2));
const server = await serve(join(HERE, 'file-meta'));
const runs = [];
try {
  for (let i = 0; i < opts.runs; i++) {
    for (const mode of opts.modes) {
      const r = await oneRun(server.origin, opts, mode);
      process.stderr.write(`${mode} ${i + 1}/${opts.runs}: sizes ${r.sizes_ms.toFixed(1)} ms for ${r.files} files\n`);
      runs.push(r);
    }
  }
} finally {
  await server.close();
}
process.stdout.write(`${JSON.stringify({ corpus: opts.corpus, runs })}\n`);
