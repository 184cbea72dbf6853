// Plans, what-if and custom prices in the page against the CLI: the plans view's month rows are
// `agentmeter plans --plan ... --json`'s, the what-if total is `agentmeter whatif --json`'s, and
// with custom prices the overview's figures are `agentmeter report --prices FILE --json`'s, all
// over fixtures/demo in UTC, unfiltered and under URL filters. The choices survive a reload; a
// bad prices file is refused with the field named.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { settled } from './a11y.mjs';
import { DEMO, assertClean, assertFigures, cliReport, loadApp, openApp, runCliJson, waitForResult } from './harness.mjs';
import { flagsOf, queryOf } from './kpis.mjs';

const relClose = (got, want) => Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));

const PLAN_FLAGS = ['--plan', 'claude=max5x', '--plan', 'codex=plus:0.25'];
const WHATIF_FLAGS = ['--as', 'opus=claude-sonnet-4-5', '--no-cache'];
const CUSTOM = { models: { 'claude-opus-4-6': { input: 1, output: 2, cache_write_5m: 1.25, cache_write_1h: 2, cache_read: 0.1 } } };

/** The plan rows the page shows. */
async function pagePlanMonths(page) {
  return page.$$eval('[data-testid=plan-month]', (rows) =>
    rows.map((r) => ({
      month: r.dataset.month,
      agent: r.dataset.agent,
      api: Number(r.querySelector('[data-testid=plan-api-usd]').dataset.value),
      plan: Number(r.querySelector('[data-testid=plan-plan-usd]').dataset.value),
      pays: r.dataset.pays === 'true',
    })),
  );
}

function assertPlanMonths(shown, cli, label) {
  assert.deepEqual(
    shown.map((m) => `${m.month} ${m.agent}`),
    cli.plans.months.map((m) => `${m.month} ${m.agent}`),
    `${label}: the plan months`,
  );
  for (const [i, want] of cli.plans.months.entries()) {
    const got = shown[i];
    assert.ok(relClose(got.api, want.api_usd), `${label}: ${want.month} ${want.agent} API-equivalent (page ${got.api}, CLI ${want.api_usd})`);
    assert.ok(relClose(got.plan, want.plan_usd), `${label}: ${want.month} ${want.agent} plan price`);
    assert.equal(got.pays, want.break_even_on !== null, `${label}: ${want.month} ${want.agent} break-even`);
  }
}

async function pageWhatIf(page) {
  await page.waitForSelector('[data-testid=whatif-total]');
  return page.$eval('[data-testid=whatif-total]', (p) => ({
    actual: Number(p.dataset.actualUsd),
    whatIf: Number(p.dataset.whatifUsd),
  }));
}

function assertWhatIf(shown, cli, label) {
  assert.ok(relClose(shown.actual, cli.what_if.actual_usd), `${label}: actual (page ${shown.actual}, CLI ${cli.what_if.actual_usd})`);
  assert.ok(relClose(shown.whatIf, cli.what_if.what_if_usd), `${label}: what-if (page ${shown.whatIf}, CLI ${cli.what_if.what_if_usd})`);
}

test('plans, what-if and custom prices in the page equal the CLI, filtered, and survive a reload', async () => {
  const report = cliReport(DEMO);
  const days = [...new Set(report.days.map((d) => d.date))].sort();
  const filtered = { agent: ['claude', 'codex'], from: days[1] };
  const cli = (cmd, extra, filter = {}) => runCliJson([cmd, '--json', '--tz', 'UTC', ...flagsOf(filter), ...extra, DEMO]);
  const plans = cli('plans', PLAN_FLAGS);
  const plansFiltered = cli('plans', PLAN_FLAGS, filtered);
  const whatIf = cli('whatif', WHATIF_FLAGS);
  const whatIfFiltered = cli('whatif', WHATIF_FLAGS, filtered);
  assert.ok(plans.plans.months.length >= 2, 'the demo has plan months to compare');
  assert.notEqual(whatIf.what_if.what_if_usd, whatIf.what_if.actual_usd, 'the scenario changes the cost');
  assert.notEqual(whatIfFiltered.what_if.actual_usd, whatIf.what_if.actual_usd, 'the filter changes the figures');
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-prices-'));
  const pricesFile = join(dir, 'prices.json');
  writeFileSync(pricesFile, JSON.stringify(CUSTOM));
  const custom = runCliJson(['report', '--json', '--tz', 'UTC', '--prices', pricesFile, DEMO]);
  const whatIfCustom = cli('whatif', [...WHATIF_FLAGS, '--prices', pricesFile]);
  assert.notEqual(custom.total.cost_usd, report.total.cost_usd, 'the custom prices change the total');

  const app = await openApp();
  const { page } = app;
  try {
    await loadApp(app);
    await page.click('[data-testid=demo-button]');
    await waitForResult(page, report.total.tokens.total);

    // Plans: picked in the view, compared month by month.
    await page.goto(app.origin + '/' + queryOf({}, 'plans'));
    await settled(page, 'plans');
    await page.selectOption('[data-testid=plan-select][data-agent=claude]', 'max5x');
    await page.selectOption('[data-testid=plan-select][data-agent=codex]', 'plus');
    await page.fill('[data-testid=plan-price][data-agent=codex]', '0.25');
    await page.press('[data-testid=plan-price][data-agent=codex]', 'Enter');
    await page.locator('[data-testid=plan-price][data-agent=codex]').blur();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=plan-month][data-agent=codex] [data-testid=plan-plan-usd]')].some((c) => c.dataset.value === '0.25'),
    );
    assertPlanMonths(await pagePlanMonths(page), plans, 'plans');

    // What-if: Opus at Sonnet prices, without caching.
    await page.fill('[data-testid=whatif-from]', 'opus');
    await page.fill('[data-testid=whatif-to]', 'claude-sonnet-4-5');
    await page.click('[data-testid=whatif-add]');
    await page.check('[data-testid=whatif-no-cache]');
    await page.waitForSelector('[data-testid=whatif-rule]');
    assertWhatIf(await pageWhatIf(page), whatIf, 'what-if');

    // The URL's filters apply to both.
    await page.goto(app.origin + '/' + queryOf(filtered, 'plans'));
    await settled(page, 'plans');
    assertPlanMonths(await pagePlanMonths(page), plansFiltered, 'plans, filtered');
    assertWhatIf(await pageWhatIf(page), whatIfFiltered, 'what-if, filtered');

    // A bad prices file is refused, naming the field; the prices stay the table's.
    await page.goto(app.origin + '/' + queryOf({}, 'plans'));
    await settled(page, 'plans');
    await page.fill('[data-testid=custom-prices-json]', '{"models":{"claude-opus-4-6":{"input":1,"output":2,"cache_reads":1}}}');
    await page.click('[data-testid=custom-prices-apply]');
    const error = await page.textContent('[data-testid=custom-prices-error]');
    assert.match(error, /"claude-opus-4-6": field cache_reads: unknown field/);
    assertWhatIf(await pageWhatIf(page), whatIf, 'what-if after a refused file');

    // Custom prices: every figure is the CLI's with --prices, and the model is marked.
    await page.fill('[data-testid=custom-prices-json]', JSON.stringify(CUSTOM));
    await page.click('[data-testid=custom-prices-apply]');
    await page.waitForSelector('[data-testid=custom-price][data-model=claude-opus-4-6]');
    assertWhatIf(await pageWhatIf(page), whatIfCustom, 'what-if with custom prices');
    await page.goto(app.origin + '/' + queryOf({}));
    await settled(page, 'overview');
    await assertFigures(page, custom, 'overview with custom prices');
    const header = await page.textContent('header .meta');
    assert.match(header, /\+ 1 custom price \(set in this browser\)/);
    await page.goto(app.origin + '/' + queryOf({}, 'models'));
    await settled(page, 'models');
    assert.deepEqual(
      await page.$$eval('[data-testid=custom-priced]', (els) => els.map((e) => e.dataset.model)),
      custom.models.filter((m) => m.pricing === 'custom').map((m) => m.model),
      'the models view names the custom-priced models, as the CLI marks them',
    );

    // A reload keeps the plans, the scenario and the custom prices.
    await page.goto(app.origin + '/' + queryOf({}, 'plans'));
    await page.reload();
    await settled(page, 'plans');
    await page.waitForSelector('[data-testid=plan-month]');
    assert.equal(await page.$eval('[data-testid=plan-select][data-agent=claude]', (s) => s.value), 'max5x');
    const plansCustom = cli('plans', [...PLAN_FLAGS, '--prices', pricesFile]);
    assertPlanMonths(await pagePlanMonths(page), plansCustom, 'plans with custom prices, after a reload');
    assertWhatIf(await pageWhatIf(page), whatIfCustom, 'what-if with custom prices, after a reload');
    // The overview's card shows the same months.
    await page.goto(app.origin + '/' + queryOf({}));
    await settled(page, 'overview');
    assertPlanMonths(await pagePlanMonths(page), { plans: { months: plansCustom.plans.months.slice(-6) } }, 'overview card');

    // Removing the custom prices brings the table's figures back.
    await page.goto(app.origin + '/' + queryOf({}, 'plans'));
    await settled(page, 'plans');
    await page.click('[data-testid=custom-prices-remove]');
    assertWhatIf(await pageWhatIf(page), whatIf, 'what-if after removing the custom prices');

    assertClean(app);
  } finally {
    await app.close();
  }
});
