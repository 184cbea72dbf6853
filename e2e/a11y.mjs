// axe-core in the app's pages, and the walk over every view the browser tests share.
//
// How axe gets in: the page's CSP is `script-src 'self'`, so `page.addScriptTag({content})` is
// refused (an inline <script>: Chromium blocks it and reports a CSP violation, which
// `assertClean` would rightly fail on). `page.evaluate(source)` runs the library through the
// DevTools protocol instead, which the CSP does not govern, and leaves the page's own policy
// untouched: nothing is served to the page that the app does not serve itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RESULT_TIMEOUT } from './harness.mjs';

const require = createRequire(import.meta.url);
let source;

/** The views in nav order (`session` needs an id). */
export const VIEWS = ['overview', 'models', 'projects', 'sessions', 'session', 'tools', 'activity', 'blocks', 'plans', 'insights'];

/** The query that opens `view` (the session view on session `id`). */
export function viewQuery(view, id) {
  return view === 'session' ? `?view=session&id=${encodeURIComponent(id)}` : `?view=${view}`;
}

/** Waits until `view` is shown, its charts have drawn (a canvas each) and nothing is reading. */
export async function settled(page, view) {
  await page.waitForSelector(`[data-testid=view-${view}]`, { timeout: RESULT_TIMEOUT });
  await page.waitForFunction(
    () =>
      !document.querySelector('[data-testid=progress]') &&
      (typeof window.echarts === 'undefined' ||
        [...document.querySelectorAll('.chart')].every((c) => c.querySelector('canvas'))),
    null,
    { timeout: 30_000, polling: 100 },
  );
}

/** Loads axe-core into the page (once per document). */
export async function injectAxe(page) {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (await page.evaluate(() => typeof window.axe === 'object')) return;
  await page.evaluate(source);
  assert.equal(await page.evaluate(() => typeof window.axe?.run), 'function', 'axe-core did not load');
}

/**
 * Runs axe (WCAG 2.x A/AA and best practices) on the whole document and returns its violations
 * as `{id, impact, help, nodes: [target...]}`. Closed `<details>` are opened first, so the
 * tables that stand behind charts are checked too.
 */
export async function axeViolations(page) {
  await injectAxe(page);
  // Colours are judged as they end up: wait out CSS transitions (a theme switch fades some).
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, {
    timeout: 10_000,
  });
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details:not([open])')) d.open = true;
  });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` :: ${n.failureSummary.split('\n').slice(1, 3).join(' ')}` : ''}`),
    }));
  });
}

/** Counts violations (each failing node once) by impact. */
export function byImpact(violations) {
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) counts[v.impact ?? 'minor'] += v.nodes.length;
  return counts;
}
