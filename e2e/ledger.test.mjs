// Team use without a server: the page's "Export ledger" writes what `agentmeter ledger export`
// writes (imported by the CLI, both give the same report), a ledger dropped with the folder it
// came from changes no figure, and sources are labelled, renamed and filtered in the page.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import {
  DEMO,
  RESULT_TIMEOUT,
  ROOT,
  assertClean,
  assertDemoReport,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';

/** `agentmeter <args>` (the binary under test; its stdout as text). */
function cli(args) {
  const bin = process.env.AGENTMETER_BIN;
  const out = bin
    ? execFileSync(bin, args, { maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC' } })
    : execFileSync('cargo', ['run', '-q', '--bin', 'agentmeter', '--', ...args], {
        cwd: ROOT,
        maxBuffer: 1 << 28,
        env: { ...process.env, TZ: 'UTC' },
      });
  return out.toString('utf8');
}

test('the page exports the ledger the CLI exports, and a ledger with its folder changes no figure', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const dir = await mkdtemp(join(tmpdir(), 'agentmeter-ledger-'));
  const app = await openApp();
  try {
    await loadApp(app);
    const { page } = app;
    await page.setInputFiles('[data-testid=folder-input]', DEMO);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'the folder');

    // The folder is one source, labelled after it as the CLI labels it.
    assert.equal(report.sources.length, 1);
    const label = report.sources[0].source;
    assert.equal(label, 'demo');
    assert.deepEqual(await page.$$eval('[data-testid=source-row]', (rows) => rows.map((r) => r.dataset.source)), [label]);

    // Export from the page; the CLI exports the same folder; imported, both give one report.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-ledger]')]);
    assert.equal(download.suggestedFilename(), 'agentmeter.ledger.gz');
    const fromPage = join(dir, 'page.ledger.gz');
    await download.saveAs(fromPage);
    const bytes = await readFile(fromPage);
    assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzip');
    const fromCli = join(dir, 'cli.ledger');
    cli(['ledger', 'export', '-o', fromCli, DEMO]);
    const pageReport = JSON.parse(cli(['report', '--json', '--tz', 'UTC', fromPage]));
    const cliLedgerReport = JSON.parse(cli(['report', '--json', '--tz', 'UTC', fromCli]));
    // File paths are hashed as the app names them (`demo/...`) in both, so even they agree.
    assert.deepEqual(pageReport, cliLedgerReport, 'page export = CLI export');
    for (const key of ['total', 'agents', 'days', 'models', 'tools', 'lines', 'sources', 'kpis']) {
      assert.deepEqual(pageReport[key], cliReport(DEMO, ['--tz', 'UTC'])[key], `the ledger's ${key} = the folder's`);
    }
    // Nothing but hashes where ids and paths were.
    const text = (await readFile(fromCli)).toString('latin1');
    for (const s of report.sessions) assert.ok(!text.includes(s.session), `session id ${s.session} in the ledger`);

    // The ledger added to the folder it came from: no figure changes, still one source.
    await page.check('[data-testid=add-mode]');
    await page.setInputFiles('[data-testid=file-input]', fromPage);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=dashboard]')?.dataset.saved === 'yes' &&
        !document.querySelector('[data-testid=progress]'),
      null,
      { timeout: RESULT_TIMEOUT },
    );
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'the folder + its ledger');
    assert.deepEqual(await page.$$eval('[data-testid=source-row]', (rows) => rows.map((r) => r.dataset.source)), [label]);

    // The ledger alone, twice (the page's and the CLI's): the folder's figures again.
    await page.click('[data-testid=clear-button]');
    await page.setInputFiles('[data-testid=file-input]', [fromPage, fromCli]);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'two ledgers of one folder');

    // Rename the source in place; the filter offers the new name and keeps every figure.
    await page.fill('[data-testid=source-label]', 'alice');
    await page.press('[data-testid=source-label]', 'Enter');
    await page.waitForSelector('[data-testid=source-row][data-source=alice]', { timeout: RESULT_TIMEOUT });
    await page.selectOption('[data-testid=filter-source]', 'alice');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('source') === 'alice');
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'filtered to the only source');
    assert.ok(await page.$('[data-testid="chip-source-alice"]'), 'a chip for the source filter');
    await page.click('[data-testid=clear-filters]');

    // A ledger of a newer format: refused, listed with the reason, no figure changes.
    const newer = join(dir, 'newer.ledger');
    const plain = await readFile(fromCli);
    plain[8] = 7;
    await writeFile(newer, plain);
    await page.setInputFiles('[data-testid=file-input]', [fromCli, newer]);
    await page.waitForFunction(
      () => (document.querySelector('table[data-testid=skipped-files]')?.textContent ?? '').includes('newer.ledger'),
      null,
      { timeout: RESULT_TIMEOUT },
    );
    const skipped = await page.textContent('table[data-testid=skipped-files]');
    assert.match(skipped, /ledger format version 7 is newer than this agentmeter reads/);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'with a refused ledger');

    // The CLI's ledger added to the same folder dropped in the page: no figure changes.
    await page.click('[data-testid=clear-button]');
    await page.setInputFiles('[data-testid=folder-input]', DEMO);
    await waitForResult(page, report.total.tokens.total);
    await page.check('[data-testid=add-mode]');
    await page.setInputFiles('[data-testid=file-input]', fromCli);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'the folder + the CLI ledger of it');

    assertClean(app);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a folder posted in parts of a few records each, then its ledger added, shows the CLI figures', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const dir = await mkdtemp(join(tmpdir(), 'agentmeter-parts-'));
  const app = await openApp();
  try {
    await loadApp(app);
    const { page } = app;
    // Every worker posts its ledger after each file (and its last one at the end).
    await page.evaluate(() => {
      globalThis.__agentmeterPartRecords = 0;
    });
    await page.setInputFiles('[data-testid=folder-input]', DEMO);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'the folder, in parts');
    const parts = await page.evaluate(() =>
      (globalThis.__agentmeterProfile?.workers ?? []).reduce((n, w) => n + (w.parts ?? 0), 0),
    );
    assert.ok(parts > 5, `the workers posted ${parts} parts before their last`);

    // The CLI's ledger of the folder added: the page hashes the parts' ids once merged, then
    // the ledger's records collapse onto them, and no figure changes.
    const fromCli = join(dir, 'cli.ledger');
    cli(['ledger', 'export', '-o', fromCli, DEMO]);
    await page.check('[data-testid=add-mode]');
    await page.setInputFiles('[data-testid=file-input]', fromCli);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=dashboard]')?.dataset.saved === 'yes' &&
        !document.querySelector('[data-testid=progress]'),
      null,
      { timeout: RESULT_TIMEOUT },
    );
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'the folder in parts + its CLI ledger');
    assertClean(app);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
