// No script from transcripts: a home folder whose model names, working directories, branches,
// tool names, file targets, session ids and prompts carry `<img onerror>`, `<script>`,
// `javascript:` URLs, `"><svg onload>` and bidirectional overrides (e2e/hostile-fixture.mjs,
// written at test time) is loaded through the folder input, and every view is visited (by URL,
// by the nav, the session view of both hostile sessions, the filter bar on a hostile model, the
// charts hovered for their tooltips). Nothing the payloads would do happens (`window.__pwned`
// stays undefined, no dialog, no element with an inline handler or a `javascript:` URL, no
// injected element), each payload is on screen as text, text with a bidi override is isolated
// so it cannot reorder what is around it, and the figures are the CLI's.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { VIEWS, settled, viewQuery } from './a11y.mjs';
import { CLAUDE_SESSION, CODEX_SESSION, PAYLOADS, writeHostileHome } from './hostile-fixture.mjs';
import { assertClean, cliReport, loadApp, openApp, runCliJson, waitForResult } from './harness.mjs';

let home;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'agentmeter-hostile-'));
  await writeHostileHome(home);
});

after(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

/** What the payloads would leave behind, and what is wrong with the page's bidi text. */
function inspect() {
  const onAttrs = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) if (/^on/i.test(a.name)) onAttrs.push(`${e.tagName} ${a.name}`);
  }
  const jsUrls = [];
  for (const e of document.querySelectorAll('[href], [src], [action], [formaction], [xlink\\:href]')) {
    for (const name of ['href', 'src', 'action', 'formaction', 'xlink:href']) {
      const v = e.getAttribute(name);
      if (v && /^\s*javascript:/i.test(v)) jsUrls.push(`${e.tagName} ${name}=${v}`);
    }
  }
  const injected = [...document.querySelectorAll('img[src="x"], svg[onload], body script, iframe, object, embed')].map(
    (e) => e.outerHTML.slice(0, 120),
  );
  // Every piece of text holding a bidi control must sit in an isolating element (options of a
  // select are their own single-line boxes and cannot spill over anything).
  const leaks = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!/[\u202A-\u202E\u2066-\u2069]/.test(n.data)) continue;
    const el = n.parentElement;
    if (!el || el.closest('option, select')) continue;
    const bidi = getComputedStyle(el).unicodeBidi;
    if (!['isolate', 'isolate-override', 'plaintext'].includes(bidi) && el.tagName !== 'BDI') {
      leaks.push(`${el.tagName}.${el.className} (${bidi}): ${JSON.stringify(n.data.slice(0, 40))}`);
    }
  }
  return { pwned: typeof window.__pwned, onAttrs, jsUrls, injected, leaks };
}

/** Which of `strings` are on screen as text (a visible element's own text contains them). */
function visibleTexts(strings) {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el && el.checkVisibility({ visibilityProperty: true }) && !el.closest('option, select')) texts.push(n.data);
  }
  for (const s of strings) if (texts.some((t) => t.includes(s))) found.push(s);
  return found;
}

test('transcript text never runs as script and is shown as text, on every view', async () => {
  const report = cliReport(home);
  assert.equal(report.sessions.length, 2, 'the CLI reads both hostile sessions');
  // What the page must show somewhere as text: every transcript-derived string the core keeps.
  const expected = new Set();
  for (const m of report.models) expected.add(m.model);
  for (const s of report.sessions) {
    expected.add(s.session);
    if (s.project) expected.add(s.project);
    if (s.git_branch) expected.add(s.git_branch);
  }
  for (const t of report.tools) expected.add(t.name);
  let prompts = 0;
  let targets = 0;
  for (const id of [CLAUDE_SESSION, CODEX_SESSION]) {
    const { session } = runCliJson(['session', '--id', id, home]);
    if (session.facts.first_prompt) {
      expected.add(session.facts.first_prompt);
      prompts += 1;
    }
    for (const t of session.tools.filter((x) => x.target)) {
      expected.add(t.target);
      targets += 1;
    }
  }
  assert.equal(prompts, 2, 'both hostile prompts are kept by the core');
  assert.equal(targets, 2, 'both hostile file targets are kept by the core');
  for (const p of Object.values(PAYLOADS)) {
    assert.ok([...expected].some((s) => s.includes(p)), `the CLI keeps payload ${JSON.stringify(p)} somewhere`);
  }

  const app = await openApp();
  const { page } = app;
  const dialogs = [];
  page.on('dialog', (d) => dialogs.push(`${d.type()}: ${d.message()}`));
  const seen = new Set();
  const check = async (where) => {
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details:not([open])')) d.open = true;
    });
    // Hover every chart: an HTML tooltip would put the category name into the DOM.
    for (const box of await page.$$eval('.chart', (cs) => cs.map((c) => c.getBoundingClientRect().toJSON()))) {
      if (box.width && box.height) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
      }
    }
    const r = await page.evaluate(inspect);
    assert.equal(r.pwned, 'undefined', `${where}: a payload ran`);
    assert.deepEqual(r.onAttrs, [], `${where}: elements with inline event handlers`);
    assert.deepEqual(r.jsUrls, [], `${where}: javascript: URLs`);
    assert.deepEqual(r.injected, [], `${where}: injected elements`);
    assert.deepEqual(r.leaks, [], `${where}: bidi text not isolated`);
    assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
    for (const s of await page.evaluate(visibleTexts, [...expected])) seen.add(s);
  };
  try {
    await loadApp(app);
    await page.setInputFiles('[data-testid=folder-input]', home);
    await waitForResult(page, report.total.tokens.total);
    assert.equal(
      await page.getAttribute('[data-testid=kpi-tokens-total]', 'data-value'),
      String(report.total.tokens.total),
      'the hostile files are counted like any other',
    );
    await check('overview after loading');

    // Every view by URL (both hostile sessions), then by the nav.
    for (const view of VIEWS) {
      for (const id of view === 'session' ? [CLAUDE_SESSION, CODEX_SESSION] : [null]) {
        await page.goto(app.origin + '/' + viewQuery(view, id));
        await settled(page, view);
        if (view === 'session') {
          assert.equal(await page.$('[data-testid=session-missing]'), null, `session ${JSON.stringify(id)} is found by its URL`);
          assert.equal(await page.textContent('h2 .id'), id, 'the session id is the heading, as text');
        }
        await check(`${view} by URL${id ? ` (${JSON.stringify(id)})` : ''}`);
      }
    }
    await page.goto(app.origin + '/');
    await settled(page, 'overview');
    for (const view of VIEWS.filter((v) => v !== 'session')) {
      await page.click(`[data-testid=nav-${view}]`);
      await settled(page, view);
      await check(`${view} by nav`);
    }
    // A session link (its href is built from the hostile id) and the filter bar on a hostile model.
    await page.click('[data-testid=nav-sessions]');
    await settled(page, 'sessions');
    await page.click('tr[data-agent=claude] a');
    await settled(page, 'session');
    assert.equal(await page.textContent('h2 .id'), CLAUDE_SESSION);
    await check('session by its link');
    await page.selectOption('[data-testid=filter-model]', PAYLOADS.img);
    await page.waitForSelector(`[data-testid="chip-model-${PAYLOADS.img.replaceAll('"', '\\"')}"]`);
    await page.click('[data-testid=nav-overview]');
    await settled(page, 'overview');
    await check('overview filtered on a hostile model');

    const missing = [...expected].filter((s) => !seen.has(s));
    assert.deepEqual(missing, [], 'transcript strings never shown as text');
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
    assertClean(app);
  } finally {
    await app.close();
  }
});
