// The overview's KPI hooks, and what they must show for a filter.
//
// The reference is the CLI with the same filter (`agentmeter report --json --agent … --tz UTC`).
// While the CLI lacks the filter flags, the reference is derived from the *unfiltered* CLI
// report's own breakdowns (per agent, per model, per project, per day), which the core computes
// from the same calls: a different path to the same numbers, so a wrong filter still fails.
import assert from 'node:assert/strict';
import { DEMO, cliHasFilters, cliReport } from './harness.mjs';

/** Sums token kinds, cost and calls over report rows (`GroupReport`-shaped). */
function sumRows(rows) {
  const t = { input: 0, cache_write: 0, cache_read: 0, output: 0, total: 0 };
  let cost = 0;
  let calls = 0;
  for (const r of rows) {
    for (const k of Object.keys(t)) t[k] += r.tokens[k];
    cost += r.cost_usd;
    calls += r.calls;
  }
  const prompt = t.input + t.cache_write + t.cache_read;
  return { tokens: t.total, cost, calls, hit: prompt ? t.cache_read / prompt : 0 };
}

/** The KPIs of a CLI report. */
export function kpisOf(report) {
  return {
    tokens: report.total.tokens.total,
    cost: report.total.cost_usd,
    calls: report.total.calls,
    sessions: report.kpis.sessions,
    hit: report.total.cache_hit_rate,
    change: report.kpis.change,
  };
}

/** CLI flags for a filter `{agent, model, project, from, to}` (values may be arrays). */
export function flagsOf(filter) {
  const flags = [];
  const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  for (const a of list(filter.agent)) flags.push('--agent', a);
  for (const m of list(filter.model)) flags.push('--model', m);
  for (const p of list(filter.project)) flags.push('--project', p);
  if (filter.from) flags.push('--since', filter.from);
  if (filter.to) flags.push('--until', filter.to);
  return flags;
}

/** The URL query for a filter (always in UTC, like the CLI reference). */
export function queryOf(filter, view = 'overview') {
  const q = new URLSearchParams();
  if (view !== 'overview') q.append('view', view);
  const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  for (const a of list(filter.agent)) q.append('agent', a);
  for (const m of list(filter.model)) q.append('model', m);
  for (const p of list(filter.project)) q.append('project', p);
  if (filter.from) q.append('from', filter.from);
  if (filter.to) q.append('to', filter.to);
  q.append('tz', 'UTC');
  return `?${q}`;
}

/** The expected KPIs for a single-criterion filter, from the unfiltered report (fallback). */
function derived(all, filter) {
  const keys = Object.keys(filter);
  if (keys.length === 0) return kpisOf(all);
  assert.equal(keys.length, keys.includes('from') && keys.includes('to') ? 2 : 1, 'fallback: one criterion');
  if (filter.agent) {
    const a = all.agents[filter.agent];
    return { ...sumRows([a]), sessions: a.sessions };
  }
  if (filter.model) {
    const rows = all.models.filter((m) => m.model === filter.model);
    return { ...sumRows(rows), sessions: all.sessions.filter((s) => s.models.includes(filter.model)).length };
  }
  if (filter.project) {
    const p = all.projects.find((x) => x.label === filter.project);
    assert.ok(p, `project ${filter.project} in the report`);
    return { ...sumRows([p]), sessions: p.sessions };
  }
  const days = all.days.filter((d) => (!filter.from || d.date >= filter.from) && (!filter.to || d.date <= filter.to));
  return { ...sumRows(days), sessions: undefined };
}

/** What the overview must show for `filter`: `{tokens, cost, calls, sessions, hit}`. */
export function expectedKpis(filter) {
  if (cliHasFilters()) return kpisOf(cliReport(DEMO, flagsOf(filter)));
  return derived(cliReport(DEMO, ['--tz', 'UTC']), filter);
}

/** The KPI hooks on the page. */
export async function pageKpis(page) {
  const v = (id) => page.getAttribute(`[data-testid=${id}]`, 'data-value');
  return {
    tokens: await v('kpi-tokens-total'),
    cost: await v('kpi-cost-total'),
    calls: await v('kpi-calls'),
    sessions: await v('kpi-sessions'),
    hit: await v('kpi-cache-hit'),
    hitRate: await v('kpi-cache-hit-rate'),
  };
}

const close = (got, want) => Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));

/** Waits for the overview to show `want.tokens`, then asserts every KPI hook. */
export async function assertKpis(page, want, label) {
  await page
    .waitForFunction(
      (t) => document.querySelector('[data-testid=kpi-tokens-total]')?.getAttribute('data-value') === t,
      String(want.tokens),
      { timeout: 30_000, polling: 100 },
    )
    .catch(() => {});
  const got = await pageKpis(page);
  const bad = [];
  if (got.tokens !== String(want.tokens)) bad.push(`tokens ${got.tokens} vs ${want.tokens}`);
  if (got.calls !== String(want.calls)) bad.push(`calls ${got.calls} vs ${want.calls}`);
  if (want.sessions !== undefined && got.sessions !== String(want.sessions)) {
    bad.push(`sessions ${got.sessions} vs ${want.sessions}`);
  }
  if (!close(Number(got.cost), want.cost)) bad.push(`cost ${got.cost} vs ${want.cost}`);
  if (!close(Number(got.hit), want.hit) || got.hit !== got.hitRate) bad.push(`cache hit ${got.hit}/${got.hitRate} vs ${want.hit}`);
  // The change against the previous period (▲/▼), when the reference has one.
  const changes = {
    tokens: 'kpi-tokens-total-change',
    cost_usd: 'kpi-cost-total-change',
    sessions: 'kpi-sessions-change',
    calls: 'kpi-calls-change',
    cache_hit_rate: 'kpi-cache-hit-change',
  };
  for (const [key, id] of Object.entries(want.change ? changes : {})) {
    const el = await page.$(`[data-testid=${id}]`);
    const shown = el ? await el.getAttribute('data-value') : null;
    const ref = want.change[key];
    if (ref === null || ref === undefined) {
      if (shown !== null) bad.push(`${id}: shown ${shown}, the CLI has no change`);
    } else if (shown === null || !close(Number(shown), ref)) {
      bad.push(`${id}: ${shown} vs ${ref}`);
    }
  }
  assert.deepEqual(bad, [], `${label}: KPIs differ from the CLI`);
}
