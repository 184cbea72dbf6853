// Renders the demo data: the README's dashboard.png (overview, light, 1400x1000), and every view
// in light and dark (`<view>-light.png`, `<view>-dark.png`), after checking the page shows the
// CLI's figures. Into a temporary folder by default (the pictures differ by a few pixels from run
// to run, so a test run must not rewrite the committed ones); with UPDATE_SCREENSHOTS=1 into
// docs/screenshots/, for the README.
//
// The views are opened through the nav (the session view by its URL), as a user moves between
// them: `views.test.mjs` opens each by its URL. A picture is taken when the view is settled (its
// charts drawn, nothing reading; charts draw without animation) and two frames have been painted,
// rather than after a fixed pause.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { settled, viewQuery } from './a11y.mjs';
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

const VIEWS = ['overview', 'models', 'projects', 'sessions', 'session', 'tools', 'activity', 'blocks', 'insights'];
const WIDTH = 1400;
const HEIGHT = 1000;

/** Resolves when no CSS transition runs (a theme switch fades some) and two more frames are painted. */
async function painted(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, {
    timeout: 10_000,
  });
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok()))));
}

async function shoot(page, file) {
  await painted(page);
  await page.screenshot({ path: file });
  const png = await readFile(file);
  assert.equal(png.readUInt32BE(16), WIDTH, `${file}: width`);
  assert.equal(png.readUInt32BE(20), HEIGHT, `${file}: height`);
}

test('screenshots of every view in light and dark with the demo data', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const update = Boolean(process.env.UPDATE_SCREENSHOTS);
  const dir = update ? join(ROOT, 'docs', 'screenshots') : await mkdtemp(join(tmpdir(), 'agentmeter-shots-'));
  const app = await openApp({ viewport: { width: WIDTH, height: HEIGHT } });
  const { page } = app;
  try {
    await loadApp(app);
    await page.click('[data-testid=demo-button]');
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'demo');
    await mkdir(dir, { recursive: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await settled(page, 'overview');
    await shoot(page, join(dir, 'dashboard.png'));

    const session = [...report.sessions].sort((a, b) => b.cost_usd - a.cost_usd)[0].session;
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of VIEWS) {
        if (view === 'session') await page.goto(app.origin + '/' + viewQuery(view, session));
        else await page.click(`[data-testid=nav-${view}]`);
        await settled(page, view);
        await shoot(page, join(dir, `${view}-${scheme}.png`));
      }
    }
    assertClean(app);
  } finally {
    await app.close();
    if (!update) await rm(dir, { recursive: true, force: true });
  }
});
