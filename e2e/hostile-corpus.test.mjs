// The hostile corpus of tests/hostile.rs (written by scripts/hostile-corpus: damaged, binary,
// truncated, interleaved, NUL, BOM + CRLF, 50 MB line, deep nesting, wrongly typed and
// overflowing numbers, unknown record types, unreadable, dangling, looping and special entries,
// non-UTF-8 folder names, real transcripts hidden among them) through the real wasm worker path:
// the folder is given to the page's folder input, Chromium enumerates and reads it as it would a
// user's, and the worker parses it.
//
// Asserted: no panic or crash (no page error, console error or worker error; the result is
// drawn), every line accounted (used + duplicate + ignored + malformed = read, in total and per
// file), the same line report and the same per-file fates as the CLI's `report --json` on the
// same folder (from the page's own JSON export, which is the CLI's Report), and the data-quality
// panel lists every skipped or unreadable file with the CLI's reason.
//
// Where the page cannot see what the CLI sees, the difference is asserted, not hidden: a browser's
// folder enumeration does not hand a page dangling or looping symlinks, nor entries below a
// folder whose name is not UTF-8, and gives a FIFO as an empty file. The test checks that only
// such entries are missing, then compares with the CLI on the folder as the page received it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, RESULT_TIMEOUT, assertClean, assertFigures, cliReport, loadApp, openApp, runCliJson, waitForResult } from './harness.mjs';

let root;
let home;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'agentmeter-hostile-corpus-'));
  execFileSync(join(ROOT, 'scripts', 'hostile-corpus'), [root], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  home = join(root, 'home');
});

after(async () => {
  if (root) {
    // The locked file gets its permissions back so the folder can be removed.
    execFileSync('chmod', ['-R', 'u+rwX', root]);
    await rm(root, { recursive: true, force: true });
  }
});

const FATES = ['read', 'candidates', 'duplicate_in_file', 'ignored', 'malformed', 'repaired'];

/** One file's fate as the report gives it. */
const fate = (f) => ({ format: f.format, ...Object.fromEntries(FATES.map((k) => [k, f[k]])) });

/** Every row of a paged table (walks its pages with "Next"). */
async function allRows(page, testid, rowSelector) {
  const rows = [];
  for (let p = 0; p < 100; p++) {
    const shown = await page.$$eval(`[data-testid=${testid}] tbody ${rowSelector}`, (trs) =>
      trs.map((tr) => ({ ...tr.dataset })),
    );
    rows.push(...shown);
    const next = page.locator(`[data-testid=${testid}-next]`);
    if (!(await next.count()) || (await next.isDisabled())) return rows;
    const range = await page.textContent(`[data-testid=${testid}-range]`);
    await next.click();
    await page.waitForFunction(
      ([id, was]) => document.querySelector(`[data-testid=${id}-range]`)?.textContent !== was,
      [testid, range],
    );
  }
  assert.fail(`${testid}: too many pages`);
}

test('the hostile corpus through the wasm worker: no crash, every line and file accounted as by the CLI', async (t) => {
  const full = cliReport(home);
  const rel = (p) => relative(dirname(home), p).split('\\').join('/');
  assert.ok(full.files.length > 20, 'the CLI lists the corpus');

  const app = await openApp({ viewport: { width: 1280, height: 1000 } });
  const { page } = app;
  try {
    await loadApp(app);
    // What Chromium hands a page for this folder, read from an input the app does not watch.
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'probe';
      input.hidden = true;
      input.webkitdirectory = true;
      document.body.append(input);
    });
    await page.setInputFiles('#probe', home);
    const given = new Set(await page.$eval('#probe', (i) => [...i.files].map((f) => f.webkitRelativePath)));
    await page.evaluate(() => document.querySelector('#probe').remove());

    // What a browser's folder enumeration does not hand to a page at all: symlinks whose target
    // is missing or loops, and entries below a folder whose name is not UTF-8. The page cannot
    // list a file it never receives; the CLI lists each of them with its reason.
    const unseen = full.files.filter((f) => !given.has(rel(f.path)));
    t.diagnostic(`not given to the page: ${JSON.stringify(unseen.map((f) => `${rel(f.path)} (${f.format})`))}`);
    for (const f of unseen) {
      const p = rel(f.path);
      assert.ok(
        /^skipped: (unreadable: (not found|permission denied)|symlink loop)/.test(f.format) || p.includes('\uFFFD'),
        `${p} (${f.format}) was not given to the page`,
      );
    }
    assert.ok(unseen.length >= 2, 'the corpus has entries a browser does not list');
    // The CLI's reference is the folder as the page received it: without those entries.
    for (const f of unseen) {
      if (!f.path.includes('\uFFFD')) {
        await rm(f.path, { recursive: true, force: true });
        continue;
      }
      // A lossy name: remove the entries of its folder whose names are not UTF-8.
      const parent = Buffer.from(f.path.slice(0, f.path.indexOf('\uFFFD')));
      const utf8 = new TextDecoder('utf-8', { fatal: true });
      for (const name of await readdir(parent, { encoding: 'buffer' })) {
        try {
          utf8.decode(name);
        } catch {
          await rm(Buffer.concat([parent, name]), { recursive: true, force: true });
        }
      }
    }
    const report = runCliJson(['report', '--json', home]);
    const cli = new Map(report.files.map((f) => [rel(f.path), fate(f)]));
    assert.deepEqual([...cli.keys()].sort(), [...given].sort(), 'the CLI now reads what the page was given');
    // A FIFO reaches a page as an empty file (a browser reports its size as 0 and never opens
    // it), where the CLI names it for what it is.
    for (const [p, f] of cli) if (f.format === 'skipped: not a regular file (FIFO)') cli.set(p, { ...f, format: 'skipped: empty file' });

    await page.setInputFiles('[data-testid=folder-input]', home);
    await waitForResult(page, report.total.tokens.total);
    await page.waitForSelector('[data-testid=dashboard]', { timeout: RESULT_TIMEOUT });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
    const got = JSON.parse(await readFile(await download.path(), 'utf8'));

    // Every line accounted, in total and per file.
    const l = got.lines;
    assert.equal(l.read, l.used + l.duplicate + l.ignored + l.malformed, 'page line report adds up');
    for (const f of got.files) {
      assert.equal(f.read, f.candidates + f.duplicate_in_file + f.ignored + f.malformed, `${f.path} adds up`);
    }

    // The same files with the same fates.
    const web = new Map(got.files.map((f) => [f.path, fate(f)]));
    assert.deepEqual([...web.keys()].sort(), [...cli.keys()].sort(), 'the page lists every file it was given, once');
    for (const [path, want] of cli) {
      // A file the page may not read (run as a user, not root) is listed as unreadable in the
      // browser's words.
      if (want.format.startsWith('skipped: unreadable: permission denied')) {
        assert.match(web.get(path).format, /^skipped: cannot read the file/, `${path}: fate`);
        cli.set(path, web.get(path));
        continue;
      }
      assert.deepEqual(web.get(path), want, `${path}: fate`);
    }

    // The same line report and figures.
    assert.deepEqual(got.lines, report.lines, 'line report');
    await assertFigures(page, report, 'hostile corpus');

    // The data-quality panel: every skipped or unreadable file, with its reason.
    const skipped = [...cli]
      .filter(([, f]) => f.format.startsWith('skipped: '))
      .map(([p, f]) => `${p} :: ${f.format.replace(/^skipped: /, '')}`)
      .sort();
    assert.ok(skipped.length >= 4, `the corpus has skipped files: ${skipped}`);
    const rows = await allRows(page, 'skipped-files', 'tr[data-testid=skipped-file]');
    assert.deepEqual(rows.map((r) => `${r.path} :: ${r.reason}`).sort(), skipped, 'skipped files and reasons');

    assertClean(app);
  } finally {
    await app.close();
  }
});
