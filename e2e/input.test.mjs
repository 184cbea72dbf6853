// The two other ways in: the plain multi-file input and a drop onto the drop zone (synthetic:
// Playwright cannot fake a real folder drag, so loose files are dropped). Both hand over bare
// file names without folders, so the reference is the CLI run on the same files laid out flat.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import {
  DEMO,
  assertClean,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';

let flatDir;
let flatFiles;
let demoPaths;
let report;

before(async () => {
  const entries = await readdir(DEMO, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
  demoPaths = files.map((f) => relative(DEMO, f).split('\\').join('/')).sort();
  flatDir = await mkdtemp(join(tmpdir(), 'agentmeter-flat-'));
  flatFiles = [];
  for (const f of files) {
    const to = join(flatDir, basename(f));
    await copyFile(f, to);
    flatFiles.push(to);
  }
  assert.equal(new Set(flatFiles).size, files.length, 'demo file names must be unique to lay them out flat');
  report = cliReport(flatDir);
  assert.ok(report.total.tokens.total > 0, 'the CLI finds no tokens in the demo files');
});

after(async () => {
  if (flatDir) await rm(flatDir, { recursive: true, force: true });
});

test('files chosen through the file input show the CLI totals of the same files', async () => {
  const app = await openApp();
  try {
    await loadApp(app);
    await app.page.setInputFiles('[data-testid=file-input]', flatFiles);
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'file input');
    assertClean(app);
  } finally {
    await app.close();
  }
});

test('files dropped on the drop zone show the CLI totals of the same files', async () => {
  const app = await openApp();
  try {
    await loadApp(app);
    await app.page.evaluate(async (paths) => {
      const dt = new DataTransfer();
      for (const p of paths) {
        const body = await (await fetch(`./demo/${p}`)).blob();
        dt.items.add(new File([body], p.split('/').pop()));
      }
      const zone = document.querySelector('[data-testid=drop-zone]');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    }, demoPaths);
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'drop zone');
    assertClean(app);
  } finally {
    await app.close();
  }
});
