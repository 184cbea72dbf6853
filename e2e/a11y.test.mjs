// Accessibility: axe-core (WCAG 2.x A/AA + best practices) on the landing page and on every view
// with the demo data, in the light and the dark theme, must find no `serious` or `critical`
// violation; and the page works from the keyboard alone: the file input is reached with Tab and
// opens the file chooser, the views are walked with Tab + Enter, a table sorts with Enter, and
// the filter bar's selects take a value from the keyboard.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VIEWS, axeViolations, byImpact, settled, viewQuery } from './a11y.mjs';
import {
  DEMO,
  assertClean,
  assertDemoReport,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';
import { expectedKpis, assertKpis } from './kpis.mjs';

const BLOCKING = new Set(['serious', 'critical']);

function describe(where, violations) {
  return violations
    .filter((v) => BLOCKING.has(v.impact))
    .map((v) => `${where}: [${v.impact}] ${v.id} (${v.help})\n    ${v.nodes.slice(0, 6).join('\n    ')}`);
}

/**
 * What axe cannot judge: every chart is an image with a name that points at its figures, and a
 * table with column headers holding those figures is in the same view (the fallback for anyone
 * who cannot see the canvas); every table has headers and a name (caption, label or heading).
 */
async function chartsAndTables(page) {
  return page.evaluate(() => {
    const bad = [];
    const view = document.querySelector('[data-testid^="view-"]');
    for (const c of view.querySelectorAll('.chart')) {
      const label = c.getAttribute('aria-label') ?? '';
      if (c.getAttribute('role') !== 'img' || !/table|column/i.test(label)) {
        bad.push(`chart without role=img and a label naming its table: ${c.outerHTML.slice(0, 100)}`);
      }
    }
    const tables = [...document.querySelectorAll('main table')];
    if (view.querySelector('.chart') && !tables.some((t) => view.contains(t) && t.querySelector('thead th'))) {
      bad.push('charts without a table of the same figures');
    }
    for (const t of tables) {
      if (!t.querySelector('th')) bad.push(`table without headers: ${t.outerHTML.slice(0, 100)}`);
      const named =
        t.querySelector('caption')?.textContent.trim() ||
        t.closest('[aria-label]')?.getAttribute('aria-label') ||
        t.closest('section, .panel, details')?.querySelector('h2, h3, summary')?.textContent.trim();
      if (!named) bad.push(`table without a name: ${t.outerHTML.slice(0, 100)}`);
    }
    return bad;
  });
}

test('axe finds no serious or critical violation on any view, light and dark', async (t) => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const session = [...report.sessions].sort((a, b) => b.cost_usd - a.cost_usd)[0].session;
  const app = await openApp();
  const { page } = app;
  const failures = [];
  const totals = {};
  const rules = {};
  try {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      totals[scheme] = { critical: 0, serious: 0, moderate: 0, minor: 0 };
      const add = (where, violations) => {
        const counts = byImpact(violations);
        for (const k of Object.keys(counts)) totals[scheme][k] += counts[k];
        for (const v of violations) {
          const key = `${scheme} ${v.impact} ${v.id}`;
          rules[key] = (rules[key] ?? 0) + v.nodes.length;
        }
        failures.push(...describe(`${where} (${scheme})`, violations));
        const other = violations.filter((v) => !BLOCKING.has(v.impact)).map((v) => `${v.impact} ${v.id}`);
        if (other.length) t.diagnostic(`${where} (${scheme}), not blocking: ${[...new Set(other)].join(', ')}`);
      };
      // The landing page (empty state), then the demo in every view.
      await page.goto(app.origin + '/');
      await page.waitForSelector('[data-testid=folder-input]', { state: 'attached', timeout: 60_000 });
      if (await page.locator('[data-testid=dashboard]').count()) {
        await page.click('[data-testid=clear-button]');
        await page.waitForSelector('[data-testid=dashboard]', { state: 'detached' });
      }
      assert.equal(
        await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches),
        scheme === 'dark',
        'the emulated scheme is the one checked',
      );
      add('landing', await axeViolations(page));
      await page.click('[data-testid=demo-button]');
      await waitForResult(page, report.total.tokens.total);
      await assertFigures(page, report, `demo (${scheme})`);
      // Through the nav, as a user moves (views.test.mjs opens each by its URL); the session
      // view by its URL (it needs an id). The same document stays, so axe is loaded once.
      for (const view of VIEWS) {
        if (view === 'session') await page.goto(app.origin + '/' + viewQuery(view, session));
        else await page.click(`[data-testid=nav-${view}]`);
        await settled(page, view);
        add(view, await axeViolations(page));
        failures.push(...(await chartsAndTables(page)).map((m) => `${view} (${scheme}): ${m}`));
      }
    }
    t.diagnostic(`axe, failing nodes by impact: ${JSON.stringify(totals)}`);
    t.diagnostic(`axe, failing nodes by rule: ${JSON.stringify(rules)}`);
    assert.deepEqual(failures, [], 'serious or critical accessibility violations');
    assertClean(app);
  } finally {
    await app.close();
  }
});

/** The element that has focus: its test id, tag and type. */
const focused = (page) =>
  page.evaluate(() => {
    const e = document.activeElement;
    return {
      testid: e?.getAttribute('data-testid') ?? null,
      tag: e?.tagName ?? null,
      text: e?.textContent?.trim() ?? '',
      href: e?.getAttribute('href') ?? '',
    };
  });

/** Presses Tab until `pred(focused)` holds (at most `max` times); returns how many presses. */
async function tabTo(page, pred, max = 120) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (pred(await focused(page))) return i;
  }
  assert.fail(`never reached by Tab: ${pred}`);
}

test('keyboard only: file input, views, table sort and filter bar', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const app = await openApp();
  const { page } = app;
  try {
    await loadApp(app);
    // The drop zone's folder input is reached with Tab and opens the chooser with Space/Enter;
    // what is chosen there is read like a dropped folder.
    await tabTo(page, (f) => f.testid === 'folder-input');
    assert.ok(
      await page.$eval('[data-testid=folder-input]', (e) => getComputedStyle(e.closest('label')).outlineStyle !== 'none'),
      'the focused input shows a focus ring on its label',
    );
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    assert.ok(chooser.isMultiple(), 'the folder chooser takes many files');
    await chooser.setFiles(DEMO);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'demo chosen from the keyboard');

    // The views: Tab to the nav, Enter on a link; the view changes and focus can go on.
    await page.locator('body').focus();
    await tabTo(page, (f) => f.testid === 'nav-sessions');
    await page.keyboard.press('Enter');
    await settled(page, 'sessions');
    assert.equal(await page.evaluate(() => location.search), '?view=sessions');
    assert.equal(await page.$eval('nav [aria-current=page]', (a) => a.dataset.testid), 'nav-sessions');

    // Sort the sessions by cost with Enter: descending, then ascending.
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.text.startsWith('Cost'));
    const th = page.locator('[data-testid=sessions-view-table] th:has(button[data-sort=cost])');
    assert.equal(await th.getAttribute('aria-sort'), 'none');
    await page.keyboard.press('Enter');
    assert.equal(await th.getAttribute('aria-sort'), 'descending');
    const costs = () =>
      page.$$eval('[data-testid=sessions-view-table] tbody td[data-col=cost]', (tds) => tds.map((td) => Number(td.dataset.value)));
    const desc = await costs();
    assert.ok(desc.length > 1, 'the sessions table has rows');
    assert.deepEqual(desc, [...desc].sort((a, b) => b - a), 'Enter sorts by cost, most expensive first');
    assert.equal(desc[0], Math.max(...report.sessions.map((s) => s.cost_usd)), 'the first row is the CLI\'s most expensive session');
    await page.keyboard.press('Enter');
    assert.equal(await th.getAttribute('aria-sort'), 'ascending');
    const asc = await costs();
    assert.deepEqual(asc, [...asc].sort((a, b) => a - b), 'Enter again reverses the order');

    // A session link opens with Enter, and the back link returns with Enter.
    await tabTo(page, (f) => f.tag === 'A' && f.href.includes('view=session&id='));
    await page.keyboard.press('Enter');
    await settled(page, 'session');
    await page.locator('body').focus();
    await tabTo(page, (f) => f.testid === 'session-back');
    await page.keyboard.press('Enter');
    await settled(page, 'sessions');

    // The filter bar: pick an agent with the arrow keys on the focused select, remove the chip
    // with Enter on its button.
    await page.click('[data-testid=nav-overview]');
    await settled(page, 'overview');
    await page.locator('body').focus();
    await tabTo(page, (f) => f.testid === 'filter-agent');
    const first = await page.$eval('[data-testid=filter-agent] option:nth-child(2)', (o) => o.value);
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`[data-testid=chip-agent-${first}]`);
    await assertKpis(page, expectedKpis({ agent: first }), `agent ${first} picked from the keyboard`);
    await page.focus(`[data-testid=chip-agent-${first}] button`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid=chip-agent-${first}]`, { state: 'detached' });
    await assertKpis(page, expectedKpis({}), 'chip removed from the keyboard');
    assertClean(app);
  } finally {
    await app.close();
  }
});
