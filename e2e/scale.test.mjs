// Scale, by structure and never by time: a generated history of 20,996 calls in 5,000 sessions
// (e2e/scale-corpus.mjs, 17 MB, 1,100 active days) is loaded through the folder input and shows
// the CLI's totals; then on every view no table holds more than one page of rows in the DOM (the
// sessions table: 50 of 5,000, also after paging and sorting), and no chart series holds more than
// 400 points (the timeline by day, the daily activity and the 1,000-call session are downsampled,
// and say so). Nothing here is timed: the only limits are generous timeouts for a debug build on
// a shared machine.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { VIEWS, settled } from './a11y.mjs';
import { assertClean, cliReport, loadApp, openApp } from './harness.mjs';
import { CALLS_PER_SESSION, LONG_CALLS, SESSIONS, writeScaleCorpus } from './scale-corpus.mjs';

/** Points a chart series may hold (`MAX_POINTS` in web/src/ui/downsample.rs). */
const MAX_POINTS = 400;
/** The largest page any table of the app uses. */
const MAX_ROWS = 100;
/** Rows per page of the sessions table. */
const SESSIONS_PAGE = 50;
/** Loading 17 MB with a debug wasm on two shared cores: up to minutes, not a measurement. */
const LOAD_TIMEOUT = 20 * 60_000;

let dir;
let corpus;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agentmeter-scale-'));
  corpus = await writeScaleCorpus(dir);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every table of the page: its test id, rows in the DOM, `data-value` (all rows). */
function tables() {
  return [...document.querySelectorAll('main table')].map((t) => ({
    id: t.dataset.testid ?? t.className,
    rows: t.querySelectorAll(':scope > tbody > tr').length,
    total: t.dataset.value,
  }));
}

/** Every chart: the length of each series' data and of each category axis. */
function charts() {
  return [...document.querySelectorAll('.chart')].map((el) => {
    const chart = window.echarts.getInstanceByDom(el);
    const o = chart?.getOption() ?? {};
    const axes = [...(o.xAxis ?? []), ...(o.yAxis ?? [])].filter((a) => a.type === 'category');
    return {
      id: el.closest('[data-testid]')?.dataset.testid ?? '?',
      label: el.getAttribute('aria-label'),
      series: (o.series ?? []).map((s) => (s.data ?? []).length),
      categories: axes.map((a) => (a.data ?? []).length),
      first: axes[0]?.data?.[0] ?? null,
    };
  });
}

/** Asserts the structural bounds on the current view; returns its charts. */
async function assertBounded(page, where) {
  for (const t of await page.evaluate(tables)) {
    assert.ok(t.rows <= MAX_ROWS, `${where}: table ${t.id} has ${t.rows} rows in the DOM (of ${t.total})`);
  }
  const drawn = await page.evaluate(charts);
  for (const c of drawn) {
    for (const n of [...c.series, ...c.categories]) {
      assert.ok(n <= MAX_POINTS, `${where}: chart ${c.id} holds ${n} points`);
    }
  }
  return drawn;
}

test('21k calls in 5k sessions over 1,100 days: paged tables and downsampled charts on every view', async (t) => {
  assert.equal(corpus.calls, (SESSIONS - 1) * CALLS_PER_SESSION + LONG_CALLS);
  assert.ok(SESSIONS > 2 * SESSIONS_PAGE && LONG_CALLS > MAX_POINTS, 'the corpus exceeds a table page and a chart');
  const report = cliReport(dir);
  assert.equal(report.total.calls, corpus.calls, 'the CLI counts every generated call');
  assert.equal(report.sessions.length, SESSIONS);
  const days = new Set(report.days.map((d) => d.date)).size;
  assert.ok(days > MAX_POINTS, `the history spans more days (${days}) than a chart may draw`);

  const app = await openApp({ viewport: { width: 1400, height: 1000 } });
  const { page } = app;
  try {
    await loadApp(app);
    await page.setInputFiles('[data-testid=folder-input]', dir);
    await page.waitForFunction(
      (want) =>
        !document.querySelector('[data-testid=progress]') &&
        document.querySelector('[data-testid=kpi-tokens-total]')?.getAttribute('data-value') === want,
      String(report.total.tokens.total),
      { timeout: LOAD_TIMEOUT, polling: 1000 },
    );
    const kpi = (id) => page.getAttribute(`[data-testid=${id}]`, 'data-value');
    assert.equal(await kpi('kpi-calls'), String(report.total.calls));
    assert.equal(await kpi('kpi-sessions'), String(SESSIONS));
    assert.equal(Number(await kpi('kpi-cost-total')), report.total.cost_usd);

    // Every view, through the nav (no reload: the analysis stays in memory).
    for (const view of VIEWS.filter((v) => v !== 'session')) {
      await page.click(`[data-testid=nav-${view}]`);
      await settled(page, view);
      const drawn = await assertBounded(page, view);
      t.diagnostic(`${view}: charts ${JSON.stringify(drawn.map((c) => [c.id, Math.max(0, ...c.series)]))}`);
    }

    // The overview's timeline by day: 1,100 days drawn as at most 400 buckets, the table paged.
    await page.click('[data-testid=nav-overview]');
    await settled(page, 'overview');
    await page.click('[data-testid=gran-day]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=timeline] table[data-testid=timeline-table]')?.dataset.value > 400,
    );
    const timeline = (await assertBounded(page, 'timeline by day')).find((c) => c.id === 'timeline');
    assert.ok(timeline && timeline.categories[0] > 0, 'the timeline is drawn');
    assert.match(timeline.first, / – /, 'a drawn point is a range of days');
    assert.equal(await page.getAttribute('[data-testid=timeline-table]', 'data-value'), String(days), 'the table keeps every day');

    // Daily activity: more days than points.
    await page.click('[data-testid=nav-activity]');
    await settled(page, 'activity');
    const activity = (await assertBounded(page, 'activity')).find((c) => c.id === 'chart-activity-days');
    assert.ok(activity.categories[0] <= MAX_POINTS && activity.categories[0] > 0);
    assert.match(activity.first, / – /, 'days are grouped');

    // The sessions table: 5,000 sessions, one page of 50 in the DOM, also after paging and sorting.
    await page.click('[data-testid=nav-sessions]');
    await settled(page, 'sessions');
    const sessionRows = () => page.$$eval('[data-testid=sessions-view-table] > tbody > tr', (r) => r.length);
    assert.equal(await page.getAttribute('[data-testid=sessions-view-table]', 'data-value'), String(SESSIONS));
    assert.equal(await sessionRows(), SESSIONS_PAGE);
    assert.equal(await page.textContent('[data-testid=sessions-view-table-range]'), `1–${SESSIONS_PAGE} of 5,000`);
    await page.click('[data-testid=sessions-view-table-next]');
    await page.waitForFunction(
      (r) => document.querySelector('[data-testid=sessions-view-table-range]')?.textContent === r,
      `${SESSIONS_PAGE + 1}–${2 * SESSIONS_PAGE} of 5,000`,
    );
    assert.equal(await sessionRows(), SESSIONS_PAGE);
    await page.click('[data-testid=sessions-view-table] button[data-sort=cost]');
    await page.waitForSelector('[data-testid=sessions-view-table] th[aria-sort=descending] button[data-sort=cost]');
    assert.equal(await sessionRows(), SESSIONS_PAGE);
    const top = await page.$eval('[data-testid=sessions-view-table] > tbody > tr td[data-col=cost]', (td) => Number(td.dataset.value));
    assert.equal(top, Math.max(...report.sessions.map((s) => s.cost_usd)), 'sorted over all 5,000, not over a page');
    await page.fill('[data-testid=sessions-view-table-search]', 'proj-7');
    await page.waitForFunction(() => document.querySelector('[data-testid=sessions-view-table]')?.dataset.shown !== '5000');
    assert.ok((await sessionRows()) <= SESSIONS_PAGE);

    // The long session: 1,000 calls, charts of at most 400 points, the calls table paged.
    // (Opened in the app: a reload would restore only the report, this ledger being too large to keep.)
    await page.fill('[data-testid=sessions-view-table-search]', corpus.longSession);
    await page.waitForFunction(() => document.querySelector('[data-testid=sessions-view-table]')?.dataset.shown === '1');
    await page.click('[data-testid=sessions-view-table] > tbody > tr a');
    await settled(page, 'session');
    const drawn = await assertBounded(page, 'long session');
    const perCall = drawn.find((c) => c.id === 'chart-session-timeline');
    assert.ok(perCall.categories[0] > 0 && perCall.categories[0] <= MAX_POINTS);
    assert.match(perCall.first, / – /, 'calls are grouped');
    assert.equal(await page.getAttribute('[data-testid=session-calls]', 'data-value'), String(LONG_CALLS));

    assertClean(app);
  } finally {
    await app.close();
  }
});
