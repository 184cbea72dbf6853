// Incremental re-scan and Live (issue 9): a folder read again reads only what changed, and the
// figures are exactly a full read's (the CLI's on the same files, and the page's own full import).
//
// The folder is fixtures/demo copied to a temporary `…/demo`, first with a Claude session cut
// inside a line, a Codex rollout cut at a line end and one Claude session missing; then the two
// files get the rest of their bytes appended and the missing session comes back. The second
// read must keep 7 files as shown without handing them to a worker at all, read the 2 grown files
// from their old end only (the worker's profile says so), read the new one, and show the CLI's
// figures for the folder as it is now, and the same whole report as a full import.
//
// Live needs a folder handle. Playwright cannot answer `showDirectoryPicker()` in headless
// Chromium (with file-chooser interception on, Chromium aborts it: "Intercepted by
// Page.setInterceptFileChooserDialog()"; `setInputFiles` fills `files` but not `webkitEntries`),
// so the Live test gives the page a real FileSystemDirectoryHandle from the origin-private file
// system instead, through an init script that stands in for the picker: the same handle walk,
// permission check, remembering (IndexedDB) and re-reads as a picked folder. The test appends to
// the transcript on disk and mirrors the appended bytes into that handle's file; the page must
// then show the CLI's figure for the disk folder without any click.
import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import {
  DEMO,
  RESULT_TIMEOUT,
  assertClean,
  assertFigures,
  loadApp,
  openApp,
  runCliJson,
  waitForResult,
} from './harness.mjs';

const SPOTTER = '.claude/projects/-home-USER-projects-spotter';
const CLAUDE = `${SPOTTER}/491e126e-1e71-469c-ade2-fcc8af567c74.jsonl`;
const NEW_SESSION = `${SPOTTER}/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl`;
const VIBE = '.claude/projects/-home-USER-projects-vibe/e9f146fa-3b20-48d0-9be4-d99ca901cae4.jsonl';
const CODEX = '.codex/sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl';

/** Byte offset of the end of line `n` (after its newline). */
function lineEnd(bytes, n) {
  let at = -1;
  for (let i = 0; i < n; i++) at = bytes.indexOf(10, at + 1);
  return at + 1;
}

/** fixtures/demo copied to a fresh `…/demo`, with the first-visit cuts. */
async function grownFolder() {
  const parent = await mkdtemp(join(tmpdir(), 'agentmeter-rescan-'));
  const dir = join(parent, 'demo');
  await cp(DEMO, dir, { recursive: true });
  const claude = await readFile(join(DEMO, CLAUDE));
  const codex = await readFile(join(DEMO, CODEX));
  // Claude: cut 40 bytes into line 51 (the stored reading carries an unfinished line).
  const claudeCut = lineEnd(claude, 50) + 40;
  // Codex: cut at the end of line 53 (the cumulative counter is mid-session).
  const codexCut = lineEnd(codex, 53);
  await truncate(join(dir, CLAUDE), claudeCut);
  await truncate(join(dir, CODEX), codexCut);
  await rm(join(dir, NEW_SESSION));
  const grow = async () => {
    await appendFile(join(dir, CLAUDE), claude.subarray(claudeCut));
    await appendFile(join(dir, CODEX), codex.subarray(codexCut));
    await cp(join(DEMO, NEW_SESSION), join(dir, NEW_SESSION));
  };
  return { parent, dir, grow };
}

const report = (dir) => runCliJson(['report', '--json', dir]);

/** Sums of the workers' re-scan counters in the last import's profile. */
async function scanCounts(page) {
  return page.evaluate(() => {
    const ws = globalThis.__agentmeterProfile?.workers ?? [];
    const sum = (k) => ws.reduce((n, w) => n + (w[k] ?? 0), 0);
    const kept = globalThis.__agentmeterProfile?.values?.kept_files ?? 0;
    return { files: sum('files'), cached: sum('cached'), resumed: sum('resumed'), kept };
  });
}

async function waitStored(page) {
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=dashboard]')?.dataset.entriesStored) > 0, null, {
    timeout: RESULT_TIMEOUT,
  });
}

async function exportJson(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
  return JSON.parse(await readFile(await download.path(), 'utf8'));
}

test('a folder read again reads only new and grown files, with the figures of a full read', async () => {
  const { parent, dir, grow } = await grownFolder();
  const app = await openApp();
  const { page } = app;
  try {
    await loadApp(app);
    const before = report(dir);
    await page.setInputFiles('[data-testid=folder-input]', dir);
    await waitForResult(page, before.total.tokens.total);
    await assertFigures(page, before, 'first visit (cut files)');
    await waitStored(page);
    const first = await scanCounts(page);
    assert.deepEqual([first.cached, first.resumed], [0, 0], 'a first visit reads everything');

    // Nothing changed: the same folder again is recognised at once, nothing is read.
    await page.setInputFiles('[data-testid=folder-input]', dir);
    await page.waitForSelector('[data-testid=scan-note]', { timeout: RESULT_TIMEOUT });
    assert.match(await page.textContent('[data-testid=scan-note]'), /No file changed/);
    assert.equal(await page.$('[data-testid=progress]'), null, 'an unchanged folder shows no progress');
    await assertFigures(page, before, 'unchanged re-scan');

    // Two files grow, one session is added.
    await grow();
    const after = report(dir);
    assert.notEqual(after.total.tokens.total, before.total.tokens.total, 'the appended lines carry usage');
    await page.setInputFiles('[data-testid=folder-input]', dir);
    await waitForResult(page, after.total.tokens.total);
    await assertFigures(page, after, 'after the re-scan');
    const again = await scanCounts(page);
    assert.equal(again.resumed, 2, `the two grown files are read on from their end (${JSON.stringify(again)})`);
    assert.equal(again.kept, first.files - 2, `every unchanged file stays as shown, not even replayed (${JSON.stringify(again)})`);
    assert.equal(again.cached, 0, `no unchanged file is handed to a worker (${JSON.stringify(again)})`);
    assert.equal(again.files, 3, 'only the grown files and the new one are read');
    assert.match(await page.textContent('[data-testid=scan-note]'), /3 new or grown files read, \d+ unchanged/);
    const rescanned = await exportJson(page);

    // The same folder as a full import (another page profile, nothing stored): the same report.
    const fresh = await openApp();
    try {
      await loadApp(fresh);
      await fresh.page.setInputFiles('[data-testid=folder-input]', dir);
      await waitForResult(fresh.page, after.total.tokens.total);
      const full = await exportJson(fresh.page);
      assert.equal((await scanCounts(fresh.page)).cached, 0);
      assert.deepEqual(rescanned, full, 'the re-scanned report is the full import report');
      assertClean(fresh);
    } finally {
      await fresh.close();
    }
    // And the re-scanned result is the one a reload shows.
    await page.reload();
    await waitForResult(page, after.total.tokens.total);
    await assertFigures(page, after, 'after a reload');

    // A file that grew but whose earlier bytes changed (rewritten, not appended: here the other
    // project's larger session written over it): its old records must not survive in the shown
    // ledger, so the page reads everything again and shows the CLI's figures. After the reload
    // this also checks the scan state saved with the analysis.
    await writeFile(join(dir, CLAUDE), await readFile(join(DEMO, VIBE)));
    const rewritten = report(dir);
    assert.notEqual(rewritten.total.tokens.total, after.total.tokens.total);
    await page.setInputFiles('[data-testid=folder-input]', dir);
    await waitForResult(page, rewritten.total.tokens.total);
    await assertFigures(page, rewritten, 'after a rewrite');
    assertClean(app);
  } finally {
    await app.close();
    await rm(parent, { recursive: true, force: true });
  }
});

/** Every file below `dir`, as [relative path, bytes]. */
async function filesOf(dir) {
  const out = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath ?? e.path, e.name);
    out.push([relative(dir, full), (await readFile(full)).toString('base64')]);
  }
  return out;
}

test('Live: bytes appended to a transcript while Live is on update the total to the CLI figure', async () => {
  const { parent, dir } = await grownFolder();
  const app = await openApp();
  const { page } = app;
  try {
    // The stand-in for the folder picker: an origin-private directory named like the folder.
    await app.context.addInitScript(() => {
      window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle('demo', { create: true });
    });
    await loadApp(app);
    await page.evaluate(async (files) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('demo', { create: true });
      for (const [path, b64] of files) {
        const parts = path.split('/');
        let d = root;
        for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
        const w = await (await d.getFileHandle(parts.at(-1), { create: true })).createWritable();
        await w.write(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
        await w.close();
      }
    }, await filesOf(dir));
    const before = report(dir);
    await page.click('[data-testid=directory-picker]');
    await waitForResult(page, before.total.tokens.total);
    await assertFigures(page, before, 'the picked folder');
    await page.waitForSelector('[data-testid=rescan-button]');
    await waitStored(page);
    await page.check('[data-testid=live-toggle]');

    // An agent writes: append the rest of the Claude session on disk, mirrored into the handle.
    const whole = await readFile(join(DEMO, CLAUDE));
    const had = (await stat(join(dir, CLAUDE))).size;
    const added = whole.subarray(had);
    await appendFile(join(dir, CLAUDE), added);
    const after = report(dir);
    assert.notEqual(after.total.tokens.total, before.total.tokens.total);
    await page.evaluate(
      async ([path, b64]) => {
        const parts = path.split('/');
        let d = await (await navigator.storage.getDirectory()).getDirectoryHandle('demo');
        for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
        const f = await d.getFileHandle(parts.at(-1));
        const size = (await f.getFile()).size;
        const w = await f.createWritable({ keepExistingData: true });
        await w.seek(size);
        await w.write(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
        await w.close();
      },
      [CLAUDE, added.toString('base64')],
    );
    // No click: Live picks it up within a few seconds.
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid=kpi-tokens-total]')?.getAttribute('data-value') === want,
      String(after.total.tokens.total),
      { timeout: 30_000, polling: 250 },
    );
    await waitForResult(page, after.total.tokens.total);
    await assertFigures(page, after, 'after Live picked up the appended lines');
    const counts = await scanCounts(page);
    assert.equal(counts.resumed, 1, `Live read the grown file from its end (${JSON.stringify(counts)})`);
    assert.equal(counts.files, 1, 'Live read nothing else');

    // The folder is remembered across a reload (Re-scan is offered again).
    await page.uncheck('[data-testid=live-toggle]');
    await page.reload();
    await page.waitForSelector('[data-testid=rescan-button]', { timeout: RESULT_TIMEOUT });
    await assertFigures(page, after, 'after a reload');
    assertClean(app);
  } finally {
    await app.close();
    await rm(parent, { recursive: true, force: true });
  }
});
