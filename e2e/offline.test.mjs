// After one online visit the app is installable and works with the server gone: the service
// worker serves the shell (precached) and the demo data (cached at its first use).
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

test('offline reload is served by the service worker and the app still works; installable', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const app = await openApp();
  const page = () => app.page;
  try {
    await loadApp(app);
    await page().waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });

    const cdp = await app.context.newCDPSession(page());
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'Chromium says the app is not installable');
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, [], 'manifest errors');
    await cdp.detach();

    // Online: run the demo once (the service worker caches the demo files on the way).
    await page().click('[data-testid=demo-button]');
    await waitForResult(page(), report.total.tokens.total);
    await assertFigures(page(), report, 'demo, online');

    // Cut the network for real: offline emulation *and* no server behind the port.
    app.phase = 'offline';
    await app.context.setOffline(true);
    await app.server.close();
    const response = await page().reload({ timeout: 60_000 });
    assert.ok(response, 'no response for the offline reload');
    assert.ok(response.fromServiceWorker(), 'the offline reload did not come from the service worker');
    await page().waitForSelector('[data-testid=demo-button]', { timeout: 60_000 });

    // Start from an empty app (the result may have been restored from IndexedDB), then rerun the demo.
    if (await page().locator('[data-testid=dashboard]').count()) {
      await page().click('[data-testid=clear-button]');
      await page().waitForSelector('[data-testid=dashboard]', { state: 'detached', timeout: 30_000 });
    }
    await page().click('[data-testid=demo-button]');
    await page().waitForSelector('[data-testid=dashboard]', { timeout: RESULT_TIMEOUT });
    await waitForResult(page(), report.total.tokens.total);
    await assertFigures(page(), report, 'demo, offline');

    // Offline, the browser's own service-worker update check fails; that is expected noise.
    assertClean(app, {
      ignore: (p) =>
        p.phase === 'offline' &&
        p.kind === 'console' &&
        /sw\.js|ServiceWorker|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED/i.test(p.text),
    });
  } finally {
    await app.close();
  }
});
