// The data-quality panel shows every file that was not read, with its reason, and every file
// with repaired lines, with the count and the notes, as the CLI reports them
// (`agentmeter report --json` → `files[]`: `format` "skipped: …", `repaired`, `notes`).
//
// The folder (made at test time): two real Claude transcripts, one of them with invalid UTF-8 in
// seven lines (kept, repaired: more than the five notes a file keeps), a binary `.jsonl`, a
// settings JSON, a prompt history and 30 unrelated JSON files: 33 skipped files, more than one
// page of the table, so paging is part of "every". Then a file that cannot be read (chosen, then
// deleted before the page reads it) is dropped onto the analysis in add mode: it is listed as
// unreadable, and no figure moves. axe checks the panel with its tables in both themes.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { axeViolations } from './a11y.mjs';
import { DEMO, RESULT_TIMEOUT, assertClean, assertFigures, cliReport, loadApp, openApp, waitForResult } from './harness.mjs';

const SPOTTER = join(DEMO, '.claude/projects/-home-USER-projects-spotter/55604662-cf2a-4331-851a-ec234028f8ca.jsonl');
const VIBE = join(DEMO, '.claude/projects/-home-USER-projects-vibe/e9f146fa-3b20-48d0-9be4-d99ca901cae4.jsonl');
const GONE = join(DEMO, '.claude/projects/-home-USER-projects-spotter/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl');

let home;
let gone;
let again;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'agentmeter-quality-'));
  const p = join(home, '.claude', 'projects', '-home-u-p');
  await mkdir(p, { recursive: true });
  await copyFile(VIBE, join(p, basename(VIBE)));
  // Seven lines with invalid UTF-8 inside a string the parser does not need: each is kept.
  const lines = (await readFile(SPOTTER)).toString('latin1').split('\n');
  let n = 0;
  const damaged = lines.map((l) => {
    if (n < 7 && l.includes('"userType":"external"')) {
      n += 1;
      return l.replace('"userType":"external"', '"userType":"ext\xff\xfeernal"');
    }
    return l;
  });
  assert.equal(n, 7);
  await writeFile(join(p, 'repaired.jsonl'), Buffer.from(damaged.join('\n'), 'latin1'));
  await writeFile(join(p, 'binary.jsonl'), Buffer.from([0, 1, 2, 3, 0, 0, 0, 255, 0, 7, 0, 0, 0, 0, 1, 0]));
  await writeFile(join(p, 'settings.json'), '{"theme": "dark", "model": "opus"}\n');
  await writeFile(join(p, 'history.jsonl'), '{"session_id":"x","ts":1,"text":"hello"}\n');
  for (let i = 0; i < 30; i++) await writeFile(join(p, `junk-${String(i).padStart(2, '0')}.json`), `{"n": ${i}}\n`);
  gone = join(await mkdtemp(join(tmpdir(), 'agentmeter-gone-')), 'unreadable-session.jsonl');
  await copyFile(GONE, gone);
  again = join(dirname(gone), basename(VIBE));
  await copyFile(VIBE, again);
});

after(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  if (gone) await rm(dirname(gone), { recursive: true, force: true });
});

/** Every row of a paged table (walks its pages with "Next"), as `{path, ...data}`. */
async function allRows(page, testid, rowSelector) {
  const rows = [];
  for (let p = 0; p < 100; p++) {
    const shown = await page.$$eval(`[data-testid=${testid}] tbody ${rowSelector}`, (trs) =>
      trs.map((tr) => ({ ...tr.dataset, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()) })),
    );
    assert.ok(shown.length <= 25, `${testid}: at most one page of rows in the DOM`);
    rows.push(...shown);
    const next = page.locator(`[data-testid=${testid}-next]`);
    if (!(await next.count()) || (await next.isDisabled())) return rows;
    const range = await page.textContent(`[data-testid=${testid}-range]`);
    await next.click();
    await page.waitForFunction(
      ([id, before]) => document.querySelector(`[data-testid=${id}-range]`)?.textContent !== before,
      [testid, range],
    );
  }
  assert.fail(`${testid}: too many pages`);
}

test('every skipped, unreadable and repaired file is listed with its reason and notes', async (t) => {
  const report = cliReport(home);
  // The page names files by the folder chosen and the path below it.
  const rel = (p) => relative(dirname(home), p).split('\\').join('/');
  const skipped = report.files
    .filter((f) => f.agent === null)
    .map((f) => ({ path: rel(f.path), reason: f.format.replace(/^skipped: /, '') }));
  assert.equal(skipped.length, 33, `the CLI skips the 33 non-transcripts: ${JSON.stringify(skipped)}`);
  assert.ok(new Set(skipped.map((s) => s.reason)).size >= 3, 'several different reasons');
  const repaired = report.files.filter((f) => f.repaired > 0);
  assert.equal(repaired.length, 1);
  assert.equal(repaired[0].repaired, 7);
  assert.equal(repaired[0].notes.length, 5, 'a file keeps five notes; the count says how many more');

  const app = await openApp({ viewport: { width: 1280, height: 1000 } });
  const { page } = app;
  try {
    await loadApp(app);
    await page.setInputFiles('[data-testid=folder-input]', home);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'quality folder');

    // Skipped files: all of them, each with the CLI's reason.
    assert.equal(await page.getAttribute('table[data-testid=skipped-files]', 'data-value'), '33');
    const rows = await allRows(page, 'skipped-files', 'tr[data-testid=skipped-file]');
    const key = (s) => `${s.path} :: ${s.reason}`;
    assert.deepEqual(rows.map(key).sort(), skipped.map(key).sort(), 'the skipped files and their reasons');
    for (const r of rows) assert.equal(r.cells[2], r.reason, `${r.path}: the reason is shown as text`);

    // Repaired lines: the count and every note, with how many more there are.
    const fixed = await page.$$eval('[data-testid=repaired-files] tbody tr[data-testid=repaired-file]', (trs) =>
      trs.map((tr) => ({ path: tr.dataset.path, value: tr.dataset.value, notes: tr.querySelector('td.notes').textContent })),
    );
    const want = repaired[0];
    assert.deepEqual(
      fixed.map((f) => [f.path, f.value]),
      [[rel(want.path), String(want.repaired)]],
    );
    const notes = want.notes.map((n) => `line ${n.line}: ${n.reason}`).join('; ') + ` (and ${want.repaired - want.notes.length} more)`;
    assert.equal(fixed[0].notes, notes, 'the notes are the CLI\'s');
    assert.equal(await page.getAttribute('[data-testid=lines-repaired]', 'data-value'), '7');

    // The panel and its tables pass axe in both themes.
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const bad = (await axeViolations(page)).filter((v) => ['serious', 'critical'].includes(v.impact));
      assert.deepEqual(bad, [], `axe (${scheme}) on the data-quality panel`);
    }

    // An unreadable file, added to the analysis with a transcript already in it (an addition
    // without any agent data would be reported as "no agent data" instead of merged): chosen in
    // an input the app does not watch, its size read (Chromium then holds the file to it), the
    // file deleted, then both dropped, so the worker's read of it fails.
    const before = {};
    for (const id of ['kpi-tokens-total', 'kpi-cost-total', 'kpi-calls', 'kpi-sessions', 'lines-malformed', 'lines-repaired']) {
      before[id] = await page.getAttribute(`[data-testid=${id}]`, 'data-value');
    }
    await page.check('[data-testid=add-mode]');
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'test-chooser';
      input.hidden = true;
      input.multiple = true;
      document.body.append(input);
    });
    await page.setInputFiles('#test-chooser', [gone, again]);
    assert.equal(await page.evaluate(() => document.querySelector('#test-chooser').files[0].size), (await readFile(gone)).length);
    await rm(gone);
    await page.evaluate(() => {
      const dt = new DataTransfer();
      // A File made from the chosen one reads its bytes from the (now deleted) disk file when
      // the worker gets to it; as a loose file it has no directory entry to resolve first.
      for (const f of document.querySelector('#test-chooser').files) dt.items.add(new File([f], f.name));
      const zone = document.querySelector('[data-testid=drop-zone]');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    });
    await page.waitForFunction(
      () => document.querySelector('table[data-testid=skipped-files]')?.dataset.value === '34',
      null,
      { timeout: RESULT_TIMEOUT },
    );
    const after = await allRows(page, 'skipped-files', 'tr[data-testid=skipped-file]');
    const unreadable = after.filter((r) => r.path === basename(gone));
    assert.equal(unreadable.length, 1, 'the unreadable file is listed');
    assert.match(unreadable[0].reason, /^cannot read the file: (NotFoundError|NotReadableError)/);
    t.diagnostic(`unreadable: ${unreadable[0].reason}`);
    assert.deepEqual(
      after.filter((r) => r.path !== basename(gone)).map(key).sort(),
      skipped.map(key).sort(),
      'the others are still listed',
    );
    // Nothing counted moved: the transcript was there already, the unreadable file adds nothing.
    const figures = ['kpi-tokens-total', 'kpi-cost-total', 'kpi-calls', 'kpi-sessions', 'lines-malformed', 'lines-repaired'];
    for (const id of figures) assert.equal(await page.getAttribute(`[data-testid=${id}]`, 'data-value'), before[id], id);
    assertClean(app);
  } finally {
    await app.close();
  }
});
