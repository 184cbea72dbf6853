// The privacy promise, checked over a whole session: no request ever leaves the page's origin
// (transcripts are read locally, nothing is fetched from CDNs), and the strict CSP of index.html
// is never violated (so it is actually enforced, not worked around).
import assert from 'node:assert/strict';
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
