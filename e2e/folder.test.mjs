// The main promise: drop a folder, see exactly the CLI's numbers; they survive a reload
// (IndexedDB); a folder without agent data says so instead of showing an empty dashboard.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEMO,
  RESULT_TIMEOUT,
  assertClean,
  assertDemoReport,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';

test('a folder dropped through the folder input shows the CLI totals, also after a reload', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const app = await openApp();
  try {
    await loadApp(app);
    await app.page.setInputFiles('[data-testid=folder-input]', DEMO);
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'after the folder input');

    await app.page.reload();
    await app.page.waitForSelector('[data-testid=dashboard]', { timeout: RESULT_TIMEOUT });
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'after a reload (restored from IndexedDB)');
    assertClean(app);
  } finally {
    await app.close();
  }
});

test('a folder without agent data shows no-agent-data and no dashboard', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'agentmeter-noagent-'));
  const app = await openApp();
  try {
    await writeFile(join(dir, 'README.txt'), 'Just some notes, no transcripts here.\n');
    await writeFile(join(dir, 'notes.json'), JSON.stringify({ title: 'groceries', items: ['milk', 'tea'], n: 2 }));
    // The CLI agrees that there is nothing to count (same core, same files).
    const report = cliReport(dir);
    assert.equal(report.total.tokens.total, 0);
    assert.deepEqual(Object.keys(report.agents), []);

    await loadApp(app);
    await app.page.setInputFiles('[data-testid=folder-input]', dir);
    await app.page.waitForSelector('[data-testid=no-agent-data]', { state: 'visible', timeout: RESULT_TIMEOUT });
    assert.equal(await app.page.locator('[data-testid=dashboard]').count(), 0, 'a dashboard is shown for no data');
    assertClean(app);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
