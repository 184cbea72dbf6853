// The insights view against the CLI: every finding the page shows
// (`data-testid="insight-<id>"`, `data-value` = its figure) is one of
// `agentmeter insights --json` over the same files, in the same order, with the same figure to the
// last bit, and none is missing, unfiltered and under filters (agent, date range, model); the
// "not covered" list has the CLI's rows. After a reload, and after a reload with the network cut
// and the server gone (served by the service worker, the analysis from IndexedDB), the same view
// shows the same figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settled } from './a11y.mjs';
import { DEMO, assertClean, assertDemoReport, cliReport, loadApp, openApp, runCliJson, waitForResult } from './harness.mjs';
import { flagsOf, queryOf } from './kpis.mjs';

/** `agentmeter insights --json --tz UTC [filter flags] fixtures/demo`. */
function cliInsights(filter) {
  return runCliJson(['insights', '--json', '--tz', 'UTC', ...flagsOf(filter), DEMO]);
}

/** The insights view's findings and its not-covered rows, in page order. */
async function pageInsights(page) {
  return page.evaluate(() => {
    const view = document.querySelector('[data-testid=view-insights]');
    const cards = [...view.querySelectorAll('article[data-testid^="insight-"]')].map((a) => ({
      id: a.dataset.testid.slice('insight-'.length),
      figure: a.dataset.value,
      severity: a.dataset.severity,
      title: a.querySelector('h3')?.textContent ?? '',
    }));
    const gaps = [...view.querySelectorAll('[data-testid=not-covered-row]')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
    );
    return { count: view.dataset.value, cards, gaps, none: !!view.querySelector('[data-testid=insights-none]') };
  });
}

/** Asserts the page's findings are exactly the CLI's (ids, order, figures, severity, title). */
function assertSame(shown, cli, label) {
  assert.equal(shown.count, String(cli.insights.length), `${label}: the count`);
  assert.deepEqual(
    shown.cards.map((c) => c.id),
    cli.insights.map((i) => i.id),
    `${label}: the findings (ids, in order)`,
  );
  for (const [i, want] of cli.insights.entries()) {
    const got = shown.cards[i];
    assert.ok(got.figure !== undefined && got.figure.trim() !== '', `${label}: ${want.id} has a figure`);
    assert.equal(Number(got.figure), want.figure, `${label}: ${want.id} figure (page ${got.figure}, CLI ${want.figure})`);
    assert.equal(got.severity, want.severity, `${label}: ${want.id} severity`);
    assert.equal(got.title, want.title, `${label}: ${want.id} title`);
  }
  assert.equal(shown.none, cli.insights.length === 0, `${label}: "no findings" shown exactly when there are none`);
  assert.equal(shown.gaps.length, cli.not_covered.length, `${label}: not-covered rows`);
  const gapKeys = (rows) => rows.map((r) => r.join(' | ')).sort();
  assert.deepEqual(
    gapKeys(shown.gaps.map(([detector, , why]) => [detector, why])),
    gapKeys(cli.not_covered.map((n) => [n.detector, `its transcripts do not record ${n.missing}`])),
    `${label}: not-covered detectors`,
  );
}

test('each shown insight is the CLI\'s, with and without filters, after a reload and offline', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const days = [...new Set(report.days.map((d) => d.date))].sort();
  const model = [...report.models].sort((a, b) => b.calls - a.calls)[0].model;
  const filters = [
    {},
    { agent: 'claude' },
    { agent: 'codex' },
    { from: days[1], to: days[days.length - 2] },
    { model },
    { agent: ['claude', 'gemini'], from: days[0], to: days[days.length - 2] },
  ];
  const expected = filters.map(cliInsights);
  assert.ok(expected[0].insights.length >= 2, 'the demo has findings to compare');
  assert.ok(
    expected.some((e, i) => i > 0 && JSON.stringify(e.insights.map((x) => x.figure)) !== JSON.stringify(expected[0].insights.map((x) => x.figure))),
    'some filter changes the findings (otherwise filtering is not tested)',
  );

  const app = await openApp();
  const { page } = app;
  try {
    await loadApp(app);
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
    await page.click('[data-testid=demo-button]');
    await waitForResult(page, report.total.tokens.total);

    for (const [i, filter] of filters.entries()) {
      await page.goto(app.origin + '/' + queryOf(filter, 'insights'));
      await settled(page, 'insights');
      assertSame(await pageInsights(page), expected[i], `filter ${JSON.stringify(filter)}`);
    }

    // The filter bar (not the URL) on the insights view, then back to no filter.
    await page.goto(app.origin + '/' + queryOf({}, 'insights'));
    await settled(page, 'insights');
    await page.selectOption('[data-testid=filter-agent]', 'claude');
    await page.waitForSelector('[data-testid=chip-agent-claude]');
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=view-insights]')?.dataset.value === n,
      String(expected[1].insights.length),
    );
    assertSame(await pageInsights(page), expected[1], 'filter bar: agent claude');
    assert.equal(await page.evaluate(() => location.search), '?view=insights&agent=claude&tz=UTC');

    // A reload keeps the view, the filter and the figures.
    await page.reload();
    await settled(page, 'insights');
    assert.equal(await page.evaluate(() => location.search), '?view=insights&agent=claude&tz=UTC');
    assertSame(await pageInsights(page), expected[1], 'after a reload');

    // Offline: the network cut and the server gone; the service worker serves the page and
    // IndexedDB the analysis.
    app.phase = 'offline';
    await app.context.setOffline(true);
    await app.server.close();
    const response = await page.reload({ timeout: 60_000 });
    assert.ok(response?.fromServiceWorker(), 'the offline reload came from the service worker');
    await settled(page, 'insights');
    assert.equal(await page.evaluate(() => location.search), '?view=insights&agent=claude&tz=UTC');
    assertSame(await pageInsights(page), expected[1], 'offline, filtered');
    await page.click('[data-testid=chip-agent-claude] button');
    await page.waitForFunction(() => location.search === '?view=insights&tz=UTC');
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=view-insights]')?.dataset.value === n,
      String(expected[0].insights.length),
    );
    assertSame(await pageInsights(page), expected[0], 'offline, the agent chip removed');

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
