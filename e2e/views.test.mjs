// Every view in the browser: each view through its URL, filters through the URL and through the
// filter bar with the KPIs checked against `agentmeter report --json` with the same filters,
// back/forward across views, and the same view and filters after a reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEMO,
  RESULT_TIMEOUT,
  assertClean,
  assertDemoReport,
  assertFigures,
  cliHasFilters,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';
import { assertKpis, expectedKpis, queryOf } from './kpis.mjs';

const VIEWS = ['overview', 'models', 'projects', 'sessions', 'session', 'tools', 'activity', 'blocks', 'insights'];

/** Filters worth checking, picked from the demo's own data. */
function filtersOf(all) {
  const model = [...all.models].sort((a, b) => b.calls - a.calls)[0].model;
  const project = [...all.projects].filter((p) => p.project).sort((a, b) => b.sessions - a.sessions)[0].label;
  const days = [...new Set(all.days.map((d) => d.date))].sort();
  assert.ok(days.length >= 4, 'the demo spans at least four days');
  const range = { from: days[1], to: days[days.length - 2] };
  const cases = [{ agent: 'codex' }, { model }, { project }, range];
  // Combinations need the CLI's own filter flags as the reference.
  if (cliHasFilters()) cases.push({ agent: 'claude', ...range }, { agent: ['claude', 'gemini'], model });
  return cases;
}

const search = (page) => page.evaluate(() => location.search);
const historyLength = (page) => page.evaluate(() => history.length);
const currentView = (page) =>
  page.$eval('nav [aria-current=page]', (a) => a.getAttribute('data-testid').replace('nav-', ''));

async function showsView(page, name) {
  await page.waitForSelector(`[data-testid=view-${name}]`, { timeout: RESULT_TIMEOUT });
  assert.equal(await currentView(page), name, `nav marks ${name} as current`);
}

test('every view by URL, filters by URL and filter bar match the CLI, back/forward and reload keep them', async (t) => {
  const all = cliReport(DEMO);
  assertDemoReport(all);
  if (!cliHasFilters()) t.diagnostic('the CLI has no filter flags yet: filtered KPIs are checked against the unfiltered report\'s breakdowns');
  const app = await openApp();
  const { page } = app;
  try {
    await loadApp(app);
    await page.click('[data-testid=demo-button]');
    await waitForResult(page, all.total.tokens.total);
    await assertFigures(page, all, 'demo');
    await assertKpis(page, expectedKpis({}), 'no filter');

    // Every view through its URL (each a fresh page load: the analysis comes back from IndexedDB).
    const session = [...all.sessions].sort((a, b) => b.cost_usd - a.cost_usd)[0].session;
    for (const view of VIEWS) {
      const query = view === 'session' ? `?view=session&id=${encodeURIComponent(session)}` : `?view=${view}`;
      await page.goto(app.origin + '/' + query);
      await showsView(page, view);
      assert.equal(await search(page), view === 'overview' ? '?view=overview' : query, `${view}: URL kept`);
    }

    // Filters through the URL: KPIs, chips.
    for (const filter of filtersOf(all)) {
      const query = queryOf(filter);
      await page.goto(app.origin + '/' + query);
      await showsView(page, 'overview');
      await assertKpis(page, expectedKpis(filter), `URL ${query}`);
      const agents = [filter.agent ?? []].flat();
      for (const a of agents) assert.ok(await page.$(`[data-testid=chip-agent-${a}]`), `chip for agent ${a}`);
      if (filter.from) assert.equal(await page.inputValue('[data-testid=filter-from]'), filter.from);
    }

    // Filters through the filter bar: each edit replaces the history entry.
    await page.goto(app.origin + '/?tz=UTC');
    await showsView(page, 'overview');
    const entries = await historyLength(page);
    await page.selectOption('[data-testid=filter-agent]', 'codex');
    await page.waitForSelector('[data-testid=chip-agent-codex]');
    assert.equal(await search(page), '?agent=codex&tz=UTC');
    await assertKpis(page, expectedKpis({ agent: 'codex' }), 'filter bar: agent');
    await page.click('[data-testid=chip-agent-codex] button');
    await page.waitForSelector('[data-testid=chip-agent-codex]', { state: 'detached' });
    const { from, to } = filtersOf(all)[3];
    await page.fill('[data-testid=filter-from]', from);
    await page.fill('[data-testid=filter-to]', to);
    await page.waitForFunction((q) => location.search === q, `?from=${from}&to=${to}&tz=UTC`);
    await assertKpis(page, expectedKpis({ from, to }), 'filter bar: dates');
    assert.equal(await historyLength(page), entries, 'filter edits do not add history entries');
    await page.click('[data-testid=clear-filters]');
    await page.waitForFunction(() => location.search === '');
    await assertKpis(page, expectedKpis({}), 'cleared');
    const { project } = filtersOf(all)[2];
    await page.selectOption('[data-testid=filter-project]', project);
    await page.waitForSelector(`[data-testid="chip-project-${project}"]`);
    await assertKpis(page, expectedKpis({ project }), 'filter bar: project');
    const { model } = filtersOf(all)[1];
    await page.click(`[data-testid="chip-project-${project}"] button`);
    await page.selectOption('[data-testid=filter-model]', model);
    await page.waitForSelector(`[data-testid="chip-model-${model}"]`);
    await assertKpis(page, expectedKpis({ model }), 'filter bar: model');
    await page.click('[data-testid=clear-filters]');
    await page.waitForFunction(() => location.search === '');

    // Back and forward walk the views; the filter travels along.
    await page.selectOption('[data-testid=filter-agent]', 'claude');
    await page.waitForSelector('[data-testid=chip-agent-claude]');
    await page.click('[data-testid=nav-models]');
    await showsView(page, 'models');
    assert.equal(await search(page), '?view=models&agent=claude');
    assert.equal(await page.title(), 'Models · agentmeter');
    await page.click('[data-testid=nav-tools]');
    await showsView(page, 'tools');
    await page.goBack();
    await showsView(page, 'models');
    await page.goBack();
    await showsView(page, 'overview');
    assert.equal(await search(page), '?agent=claude');
    await page.goForward();
    await showsView(page, 'models');
    // Keyboard: `]` steps to the next view, `[` back.
    await page.locator('body').press(']');
    await showsView(page, 'projects');
    await page.locator('body').press('[');
    await showsView(page, 'models');

    // After a reload: the same view and filters.
    await page.reload();
    await showsView(page, 'models');
    assert.equal(await search(page), '?view=models&agent=claude');
    assert.ok(await page.$('[data-testid=chip-agent-claude]'), 'the chip is back after a reload');
    await page.click('[data-testid=nav-overview]');
    await showsView(page, 'overview');
    const claude = expectedKpis({ agent: 'claude' });
    // The browser's own zone: totals do not depend on it.
    await assertKpis(page, claude, 'after reload, agent=claude');
    assertClean(app);
  } finally {
    await app.close();
  }
});
