// The privacy promise, checked over a whole session: no request ever leaves the page's origin
// (transcripts are read locally, nothing is fetched from CDNs), and the strict CSP of index.html
// is never violated (so it is actually enforced, not worked around).
//
// The second test imports every fixture (all agents, damaged files included) through the folder
// input and visits every view by URL and by the nav. Requests are recorded by Playwright's request
// events on the whole browser context (the page, its workers and its service worker) and
// violations by a CSP listener in the page; each recorder is shown to work (the app's own
// requests are there; a deliberate off-origin fetch at the end is caught by the CSP listener), so
// that "nothing recorded" means something. (A proxy in front of Chromium is no use here: the
// browser itself talks to Google's update, sign-in and autofill services, which no page caused.)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { VIEWS, settled, viewQuery } from './a11y.mjs';
import {
  DEMO,
  ROOT,
  RESULT_TIMEOUT,
  assertClean,
  assertDemoReport,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';

test('a whole session stays on the origin with no CSP violation or console error', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const app = await openApp();
  try {
    await loadApp(app);
    const csp = await app.page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content).catch(() => null);
    assert.ok(csp, 'index.html has no Content-Security-Policy meta');
    for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"]) {
      assert.ok(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
    }

    await app.page.click('[data-testid=demo-button]');
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'demo');

    await app.page.setInputFiles('[data-testid=folder-input]', DEMO);
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'demo folder added again (duplicates merge away)');

    await app.page.reload();
    await app.page.waitForSelector('[data-testid=dashboard]', { timeout: RESULT_TIMEOUT });

    // The recorder saw the app's own traffic (so an empty foreign list means something).
    assert.ok(
      app.requests.some((u) => u.startsWith(app.origin) && u.endsWith('.wasm')),
      `the wasm request was not recorded: ${app.requests.join(', ')}`,
    );
    assertClean(app);
  } finally {
    await app.close();
  }
});

test('all fixtures, every view by URL and by nav: no request leaves the origin, no CSP violation', async () => {
  const fixtures = join(ROOT, 'fixtures');
  const report = cliReport(fixtures);
  assert.ok(Object.keys(report.agents).length >= 3, 'the fixtures hold several agents');
  const session = [...report.sessions].sort((a, b) => b.cost_usd - a.cost_usd)[0].session;
  const app = await openApp();
  const { page } = app;
  try {
    await loadApp(app);
    await page.setInputFiles('[data-testid=folder-input]', fixtures);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'fixtures/');

    for (const view of VIEWS) {
      await page.goto(app.origin + '/' + viewQuery(view, session));
      await settled(page, view);
    }
    await page.goto(app.origin + '/');
    await settled(page, 'overview');
    for (const view of VIEWS.filter((v) => v !== 'session')) {
      await page.click(`[data-testid=nav-${view}]`);
      await settled(page, view);
      if (view === 'sessions') {
        await page.click('[data-testid=sessions-view-table] > tbody > tr a');
        await settled(page, 'session');
        await page.click('[data-testid=nav-session]');
        await settled(page, 'session');
      }
    }
    // Downloads are made in the page (blob: URLs), never fetched.
    await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);

    // The recorder saw the app's own traffic (so an empty foreign list means something).
    const own = app.requests.filter((u) => u.startsWith(app.origin + '/'));
    for (const file of ['/pkg/agentmeter_web_bg.wasm', '/worker.js', '/styles.css', '/sw.js']) {
      assert.ok(own.some((u) => new URL(u).pathname.endsWith(file)), `the recorder saw ${file}`);
    }
    assertClean(app);

    // The CSP listener is live: an off-origin fetch is refused by the CSP and reported, and never
    // reaches the network.
    app.phase = 'probe';
    const refused = await page.evaluate(() =>
      fetch('http://example.invalid/leak').then(
        () => false,
        () => true,
      ),
    );
    assert.ok(refused, 'the off-origin fetch failed');
    for (let i = 0; i < 50 && !app.problems.some((p) => p.phase === 'probe' && p.kind === 'csp'); i++) {
      await page.evaluate(() => new Promise((ok) => setTimeout(ok, 100)));
    }
    assert.ok(
      app.problems.some((p) => p.phase === 'probe' && p.kind === 'csp' && /connect-src/.test(p.text)),
      `the CSP listener reported the probe: ${JSON.stringify(app.problems)}`,
    );
    assert.ok(!app.requests.some((u) => u.includes('example.invalid')), 'the refused fetch never became a request');
    assertClean(app, { ignore: (p) => p.phase === 'probe' });
  } finally {
    await app.close();
  }
});
