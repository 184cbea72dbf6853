// Renders the dashboard with the demo data at 1400x1000 into docs/screenshots/dashboard.png
// (the README's picture), after checking it shows the CLI's figures.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEMO,
  ROOT,
  assertClean,
  assertDemoReport,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';

test('dashboard screenshot with the demo data', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const app = await openApp({ viewport: { width: 1400, height: 1000 } });
  try {
    await loadApp(app);
    await app.page.click('[data-testid=demo-button]');
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'demo');
    // Let charts finish their entry animation before the picture.
    await app.page.waitForLoadState('networkidle');
    await app.page.waitForTimeout(1500);
    const dir = join(ROOT, 'docs', 'screenshots');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'dashboard.png');
    await app.page.screenshot({ path: file });
    const png = await readFile(file);
    assert.equal(png.readUInt32BE(16), 1400, 'screenshot width');
    assert.equal(png.readUInt32BE(20), 1000, 'screenshot height');
    assertClean(app);
  } finally {
    await app.close();
  }
});
