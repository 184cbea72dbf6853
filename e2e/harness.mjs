// Shared harness for the browser end-to-end tests.
//
// Why it looks like this:
// - playwright-core drives Debian's /usr/bin/chromium (no browser download, registries only);
//   each test gets a fresh profile through launchPersistentContext, because a plain incognito
//   context is never "installable" (CDP reports `in-incognito`).
// - Each test serves dist/ itself (port 0) so it needs nothing running and can cut the server to
//   prove the offline path.
// - Every app opened here records every request, CSP violation, console error and uncaught page
//   error from start to end; `assertClean()` fails the test if any request left the page's
//   origin or anything was reported (the privacy promise: transcripts never leave the browser).
// - The expected figures come from the native CLI (`agentmeter report --json`), never from
//   numbers typed into a test: the page must show exactly the core's Report.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = process.env.AGENTMETER_DIST ? resolve(process.env.AGENTMETER_DIST) : join(ROOT, 'dist');
export const DEMO = join(ROOT, 'fixtures', 'demo');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Generous: a debug wasm parses the 3.7 MB demo in seconds, but CI machines are shared. */
export const RESULT_TIMEOUT = 120_000;

const reports = new Map();

/**
 * Runs the CLI with `args` and returns its stdout. Exit status 3 ("the report was printed, but no
 * agent usage was found") still carries the report.
 */
function runCli(args) {
  const bin = process.env.AGENTMETER_BIN;
  try {
    return bin
      ? execFileSync(bin, args, { maxBuffer: 1 << 28 })
      : execFileSync('cargo', ['run', '-q', '--release', '--bin', 'agentmeter', '--', ...args], {
          cwd: ROOT,
          maxBuffer: 1 << 28,
        });
  } catch (e) {
    if (e.status === 3 && e.stdout?.length) return e.stdout;
    throw e;
  }
}

/**
 * `agentmeter report --json [flags] <dir>` from the native CLI, parsed (cached per directory and
 * flags). With flags, `--tz UTC` is added unless a zone is given: filtered days must be counted
 * in the zone the page is told to use (`tz=UTC`).
 */
export function cliReport(dir, flags = []) {
  const key = JSON.stringify([resolve(dir), flags]);
  if (!reports.has(key)) {
    const zone = flags.length && !flags.some((f) => f.startsWith('--tz')) ? ['--tz', 'UTC'] : [];
    const out = runCli(['report', '--json', ...zone, ...flags, resolve(dir)]);
    reports.set(key, JSON.parse(out.toString('utf8')));
  }
  return reports.get(key);
}

/** `agentmeter <args…>` (give `--json`), parsed; `--json` is added when missing. */
export function runCliJson(args) {
  const all = args.includes('--json') ? args : [args[0], '--json', ...args.slice(1)];
  return JSON.parse(runCli(all).toString('utf8'));
}

let filterFlags;
/** True when the CLI has the filter flags (`--since/--until/--agent/--model/--project`). */
export function cliHasFilters() {
  if (filterFlags === undefined) {
    let help = '';
    try {
      help = runCli(['report', '--help']).toString('utf8');
    } catch (e) {
      help = String(e.stdout ?? '');
    }
    filterFlags = ['--since', '--until', '--agent', '--model', '--project'].every((f) => help.includes(f));
  }
  return filterFlags;
}

/** The agents the app knows (rows `agent-<name>`). */
export const EXPECTED_AGENTS = ['claude', 'codex', 'gemini'];

/** What the page must show for `report` (strings for exact integers, numbers for dollars). */
export function expectedFigures(report) {
  const t = report.total.tokens;
  const ints = {
    'kpi-tokens-total': t.total,
    'kpi-input': t.input,
    'kpi-output': t.output,
    'kpi-cache-write': t.cache_write,
    'kpi-cache-read': t.cache_read,
    // Sessions with at least one model call (the report also lists sessions without any).
    'kpi-sessions': report.kpis?.sessions ?? report.sessions.length,
  };
  for (const key of ['read', 'used', 'duplicate', 'ignored', 'malformed']) {
    ints[`lines-${key}`] = report.lines[key];
  }
  const costs = { 'kpi-cost-total': report.total.cost_usd, 'kpi-cache-hit-rate': report.total.cache_hit_rate };
  for (const [name, agent] of Object.entries(report.agents)) {
    const a = agent.tokens;
    Object.assign(ints, {
      [`agent-${name}`]: a.total,
      [`agent-${name}-input`]: a.input,
      [`agent-${name}-output`]: a.output,
      [`agent-${name}-cache-write`]: a.cache_write,
      [`agent-${name}-cache-read`]: a.cache_read,
      [`agent-${name}-total`]: a.total,
    });
    costs[`agent-${name}-cost`] = agent.cost_usd;
  }
  return { ints, costs };
}

/** Every `[data-testid][data-value]` on the page. */
export async function pageFigures(page) {
  return page.$$eval('[data-testid][data-value]', (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-value')])),
  );
}

/**
 * Waits until the dashboard shows a finished result whose grand total is `total`, or until a
 * finished result has stood unchanged for 5 s (a wrong figure then fails fast in assertFigures
 * instead of after the whole timeout).
 */
export async function waitForResult(page, total) {
  await page
    .waitForFunction(
      (want) => {
        const q = (id) => document.querySelector(`[data-testid="${id}"]`);
        const p = q('progress');
        const busy = p && p.dataset.filesTotal && p.dataset.filesDone !== p.dataset.filesTotal;
        // Done means drawn and stored (the save runs after the first frame; a navigation before it
        // ends would reopen the previous analysis).
        const stored = q('dashboard')?.dataset.saved !== 'pending';
        const shown = q('dashboard') && !busy && stored ? q('kpi-tokens-total')?.getAttribute('data-value') : null;
        if (shown === want) return true;
        const w = /** @type {any} */ (window);
        if (shown == null || w.__agentmeterSeen?.value !== shown) {
          w.__agentmeterSeen = { value: shown, since: Date.now() };
          return false;
        }
        return shown != null && Date.now() - w.__agentmeterSeen.since > 5000;
      },
      String(total),
      { timeout: RESULT_TIMEOUT, polling: 250 },
    )
    .catch(() => {
      /* assertFigures below reports what the page shows instead */
    });
}

const relClose = (got, want) => Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));

/** Asserts the page shows exactly the CLI's figures for `report`. */
export async function assertFigures(page, report, label = '') {
  const shown = await pageFigures(page);
  assert.ok(await page.$('[data-testid=dashboard]'), `${label}: no [data-testid=dashboard]`);
  const { ints, costs } = expectedFigures(report);
  const mismatches = [];
  for (const [id, want] of Object.entries(ints)) {
    const got = shown[id];
    if (got === undefined || !/^\d+$/.test(got.trim()) || BigInt(got.trim()) !== BigInt(want)) {
      mismatches.push(`${id}: page ${JSON.stringify(got)} vs CLI ${want}`);
    }
  }
  for (const [id, want] of Object.entries(costs)) {
    const got = shown[id];
    if (got === undefined || !Number.isFinite(Number(got)) || !relClose(Number(got), want)) {
      mismatches.push(`${id}: page ${JSON.stringify(got)} vs CLI ${want}`);
    }
  }
  for (const name of EXPECTED_AGENTS) {
    if (!(name in report.agents) && shown[`agent-${name}`] !== undefined && shown[`agent-${name}`] !== '0') {
      mismatches.push(`agent-${name}: page shows ${shown[`agent-${name}`]} but the CLI has no ${name} data`);
    }
  }
  assert.deepEqual(mismatches, [], `${label}: page figures differ from \`agentmeter report --json\``);
}

/**
 * `python3 -m http.server` on `dir` (set AGENTMETER_E2E_PYTHON=1 to run the suite against it and
 * check the README's claim that any plain static server will do).
 */
async function startPythonServer(dir) {
  const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/port (\d+)/);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`python3 -m http.server exited (${code})`)));
  });
  const exited = new Promise((ok) => child.once('exit', ok));
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    close: async () => {
      if (child.exitCode === null) child.kill();
      await exited;
    },
  };
}

/**
 * Starts a server on dist/ and a fresh Chromium profile; returns the handles plus the recorders.
 * Call `app.close()` in a `finally`.
 */
export async function openApp({ viewport = { width: 1280, height: 900 }, dist = DIST } = {}) {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is not built: run scripts/build first');
  assert.ok(existsSync(dist), `${dist} does not exist`);
  const server = process.env.AGENTMETER_E2E_PYTHON ? await startPythonServer(dist) : await startServer(dist);
  const profile = await mkdtemp(join(tmpdir(), 'agentmeter-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    serviceWorkers: 'allow',
  });
  const app = {
    server,
    context,
    origin: server.origin,
    requests: [],
    problems: [],
    phase: 'online',
    page: null,
    async close() {
      await context.close().catch(() => {});
      await server.close().catch(() => {});
      await rm(profile, { recursive: true, force: true }).catch(() => {});
    },
  };
  const note = (kind, text) => app.problems.push({ phase: app.phase, kind, text });
  context.on('request', (r) => app.requests.push(r.url()));
  context.on('response', (r) => {
    if (r.status() >= 400) note('http', `${r.status()} ${r.url()}`);
  });
  // CSP violations, reported from the document (and its workers via console) through a binding.
  await context.exposeBinding('__agentmeterCsp', (_source, v) => note('csp', v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // eslint-disable-next-line no-undef
      globalThis.__agentmeterCsp?.(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') note('console', `${m.text()} [${m.location()?.url ?? ''}]`);
    });
    page.on('pageerror', (e) => note('pageerror', String(e?.stack || e)));
    page.on('dialog', (d) => d.accept().catch(() => {}));
    page.on('worker', (w) => {
      if (typeof w.on === 'function') w.on('console', (m) => m.type?.() === 'error' && note('worker console', m.text()));
    });
  };
  context.on('page', watch);
  app.page = context.pages()[0] ?? (await context.newPage());
  watch(app.page);
  return app;
}

/** Sanity of the reference itself: the demo holds real usage from all three agents. */
export function assertDemoReport(report) {
  assert.ok(report.total.tokens.total > 0, 'the CLI finds no tokens in fixtures/demo (parsers missing?)');
  assert.deepEqual(Object.keys(report.agents).sort(), EXPECTED_AGENTS, 'the CLI must see all three agents in the demo');
}

/** Loads the app and waits until its inputs exist (the wasm has started). */
export async function loadApp(app, path = '/') {
  const response = await app.page.goto(app.origin + path);
  await app.page.waitForSelector('[data-testid=folder-input]', { state: 'attached', timeout: 60_000 });
  return response;
}

/** Fails if any request left the origin, or any CSP violation / console error / page error occurred. */
export function assertClean(app, { ignore = () => false } = {}) {
  const foreign = app.requests.filter(
    (u) => !(u.startsWith(app.origin + '/') || u.startsWith('blob:') || u.startsWith('data:')),
  );
  assert.deepEqual(foreign, [], 'requests left the page origin');
  const problems = app.problems.filter((p) => !ignore(p));
  assert.deepEqual(problems, [], 'CSP violations, console errors or page errors');
}
