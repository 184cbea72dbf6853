// The overview's own promises: Export JSON is the CLI's `--json`, the budget, the theme and
// dismissed insight banners are remembered, the timeline switches period, and a 390 px phone gets no sideways scrolling.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import {
  DEMO,
  RESULT_TIMEOUT,
  assertClean,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';

/** The page's horizontal overflow: document width beyond the viewport, in CSS pixels. */
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test('export JSON, budget, theme and timeline; no sideways scroll at 390 px', async () => {
  const report = cliReport(DEMO);
  const app = await openApp({ viewport: { width: 390, height: 844 } });
  const { page } = app;
  try {
    await loadApp(app);
    assert.equal(await overflow(page), 0, 'landing page wider than a 390 px phone');
    await page.click('[data-testid=demo-button]');
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'demo on a phone');
    assert.equal(await overflow(page), 0, 'overview wider than a 390 px phone');

    // Export JSON: the whole report, exactly as the CLI prints it (but for the zone and "now").
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(download.suggestedFilename(), 'agentmeter-report.json');
    assert.deepEqual(exported.total, report.total, 'exported total');
    assert.deepEqual(exported.agents, report.agents, 'exported agents');
    assert.deepEqual(exported.models, report.models, 'exported models');
    assert.deepEqual(Object.keys(exported).sort(), Object.keys(report).sort(), 'exported sections');

    // Budget: a limit below the latest day's spend is a breach, remembered after a reload.
    const latest = Number(await page.getAttribute('[data-testid=budget-latest]', 'data-value'));
    assert.ok(latest > 0, 'the demo has spend on its latest day');
    await page.fill('[data-testid=budget-limit]', String(latest / 2));
    await page.locator('[data-testid=budget-limit]').press('Enter');
    await page.locator('[data-testid=budget-limit]').blur();
    await page.waitForSelector('[data-testid=budget][data-state=breach]');
    await page.fill('[data-testid=budget-limit]', String(latest / 0.9));
    await page.locator('[data-testid=budget-limit]').blur();
    await page.waitForSelector('[data-testid=budget][data-state=warn]');

    // Insight banners: the report's first insights, dismissible, the dismissal kept.
    const ids = report.insights.map((i) => i.id);
    assert.ok(ids.length >= 2, 'the demo has insights');
    const banners = () => page.$$eval('[data-testid^=insight-banner-]', (b) => b.map((e) => e.dataset.testid));
    assert.deepEqual(await banners(), ids.slice(0, 3).map((id) => `insight-banner-${id}`));
    await page.click(`[data-testid=dismiss-${ids[0]}]`);
    await page.waitForSelector(`[data-testid=insight-banner-${ids[0]}]`, { state: 'detached' });
    assert.deepEqual(await banners(), ids.slice(1, 4).map((id) => `insight-banner-${id}`));

    // Theme: system -> light -> dark, kept across a reload (set on <html> before the app runs).
    await page.click('[data-testid=theme-toggle]');
    await page.click('[data-testid=theme-toggle]');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    await page.reload();
    await page.waitForSelector('[data-testid=view-overview]', { timeout: RESULT_TIMEOUT });
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await page.getAttribute('[data-testid=theme-toggle]', 'data-value'), 'dark');
    await page.waitForSelector('[data-testid=budget][data-state=warn]');
    assert.equal(await page.$(`[data-testid=insight-banner-${ids[0]}]`), null, 'a dismissed banner came back');

    // Timeline: weeks and months are the report's own periods, and cost is one click away.
    const rows = () => page.$$eval('[data-testid=timeline-row]', (r) => r.map((e) => e.dataset.period));
    await page.click('[data-testid=gran-month]');
    const months = report.months.filter((m) => m.tokens.total > 0 || m.cost_usd > 0).map((m) => m.period);
    assert.deepEqual((await rows()).sort(), months.sort(), 'month rows');
    await page.click('[data-testid=gran-week]');
    assert.equal((await rows()).length, report.weeks.filter((w) => w.tokens.total > 0 || w.cost_usd > 0).length);
    await page.click('[data-testid=metric-cost]');
    await page.click('[data-testid=log-scale]');
    assert.equal(await overflow(page), 0, 'overview wider than a 390 px phone after the toggles');
    assertClean(app);
  } finally {
    await app.close();
  }
});
