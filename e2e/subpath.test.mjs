// The site must work from any sub-path (e.g. a GitHub Pages project site at /<repo>/): every URL
// in the app, the worker, the service worker and the demo list is relative, and the app's own
// navigation (views, filters) only ever changes the query.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEMO,
  DIST,
  assertClean,
  assertDemoReport,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';

test('served from a sub-path, the app, its service worker and the demo work', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const root = await mkdtemp(join(tmpdir(), 'agentmeter-subpath-'));
  await mkdir(join(root, 'tools', 'agentmeter'), { recursive: true });
  await cp(DIST, join(root, 'tools', 'agentmeter'), { recursive: true });
  const app = await openApp({ dist: root });
  try {
    await loadApp(app, '/tools/agentmeter/');
    await app.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
    const scope = await app.page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, `${app.origin}/tools/agentmeter/`);

    await app.page.click('[data-testid=demo-button]');
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'demo under a sub-path');
    // Views and filters live in the query only: the path stays, a reload comes back to them.
    await app.page.selectOption('[data-testid=filter-agent]', 'codex');
    await app.page.click('[data-testid=nav-tools]');
    await app.page.waitForSelector('[data-testid=view-tools]');
    const where = () => app.page.evaluate(() => location.pathname + location.search);
    assert.equal(await where(), '/tools/agentmeter/?view=tools&agent=codex');
    await app.page.reload();
    await app.page.waitForSelector('[data-testid=view-tools]', { timeout: 60_000 });
    await app.page.click('[data-testid=nav-overview]');
    await app.page.waitForSelector('[data-testid=view-overview]');
    assert.equal(await where(), '/tools/agentmeter/?agent=codex');
    const outside = app.requests.filter((u) => u.startsWith(app.origin) && !u.startsWith(`${app.origin}/tools/agentmeter/`));
    assert.deepEqual(outside, [], 'requests outside the sub-path (absolute URLs somewhere)');
    assertClean(app);
  } finally {
    await app.close();
    await rm(root, { recursive: true, force: true });
  }
});
