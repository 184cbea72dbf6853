// The OpenTelemetry export from the browser, against a real OTLP/HTTP receiver on loopback (a
// node:http server, another origin than the app's): the CSP admits the endpoint only once it is
// set (via the service worker and a reload) and never before; the check and the exports arrive
// with the headers set; the payload carries the CLI's figures and parses as the official
// ExportMetricsServiceRequest; exports repeat at the interval; each failure is named (401, CORS
// missing with the setting that fixes it, timeout after 8 s, refused port); Forget restores
// connect-src 'self'.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { injectAxe } from './a11y.mjs';
import { DEMO, ROOT, cliReport, loadApp, openApp, waitForResult } from './harness.mjs';

/** A receiver whose behaviour the test switches: ok | 401 | nocors | hang. */
async function startReceiver(pageOrigin) {
  const rx = { mode: 'ok', posts: [], sockets: new Set() };
  const cors = {
    'Access-Control-Allow-Origin': pageOrigin,
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Allow-Headers': 'content-type, authorization',
  };
  const server = createServer((req, res) => {
    if (rx.mode === 'hang') return; // never answers
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const withCors = rx.mode === 'nocors' ? {} : cors;
      if (req.method === 'OPTIONS') {
        res.writeHead(204, withCors).end();
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405, withCors).end();
        return;
      }
      rx.posts.push({ at: Date.now(), path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (rx.mode === '401') {
        res.writeHead(401, { ...withCors, 'Content-Type': 'application/json' }).end('{"message":"bad token"}');
      } else {
        res.writeHead(200, { ...withCors, 'Content-Type': 'application/json' }).end('{}');
      }
    });
  });
  server.on('connection', (s) => {
    rx.sockets.add(s);
    s.on('close', () => rx.sockets.delete(s));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  rx.origin = `http://127.0.0.1:${server.address().port}`;
  rx.close = () =>
    new Promise((ok) => {
      for (const s of rx.sockets) s.destroy();
      server.close(ok);
    });
  return rx;
}

const csp = (page) => page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
const connectSrc = (policy) => policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
const status = (page) =>
  page.$eval('[data-testid=otlp-status]', (e) => ({ state: e.dataset.state, reason: e.dataset.reason ?? null, text: e.textContent }));

async function waitForState(page, want, timeout = 30_000) {
  await page.waitForFunction(
    (w) => document.querySelector('[data-testid=otlp-status]')?.dataset.state === w,
    want,
    { timeout },
  );
  return status(page);
}

/** Disconnect if connected, then Check and connect; returns the settled status. */
async function connectAgain(page) {
  if (await page.locator('[data-testid=otlp-panel]').isHidden()) await page.click('[data-testid=otlp-open]');
  if ((await status(page)).state === 'connected') {
    await page.click('[data-testid=otlp-disconnect]');
    await waitForState(page, 'off');
  }
  await page.click('[data-testid=otlp-connect]');
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=otlp-status]')?.dataset.state;
    return s === 'connected' || s === 'error';
  }, null, { timeout: 30_000 });
  return status(page);
}

function intSum(request, name) {
  const metric = request.resourceMetrics[0].scopeMetrics[0].metrics.find((m) => m.name === name);
  assert.ok(metric, `${name} is sent`);
  return metric.sum.dataPoints.reduce((a, p) => a + BigInt(p.asInt), 0n);
}

/** Parses `json` with protobuf into the official ExportMetricsServiceRequest (null: no python3). */
function protobufParse(json) {
  if (spawnSync('python3', ['--version']).status !== 0) return null;
  const venv = spawnSync(join(ROOT, 'scripts', 'otlp-proto-venv'), { encoding: 'utf8' });
  assert.equal(venv.status, 0, venv.stderr);
  const python = venv.stdout.trim().split('\n').pop();
  const script = [
    'import sys',
    'from google.protobuf import json_format',
    'from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest',
    'r = json_format.Parse(sys.stdin.read(), ExportMetricsServiceRequest())',
    'print(sum(len(sm.metrics) for rm in r.resource_metrics for sm in rm.scope_metrics))',
  ].join('\n');
  const out = spawnSync(python, ['-c', script], { input: json, encoding: 'utf8' });
  assert.equal(out.status, 0, `protobuf refused the browser's request: ${out.stderr}`);
  return Number(out.stdout.trim());
}

test('OTLP export: CSP admits only the set endpoint, exports arrive, every failure is named', async () => {
  const report = cliReport(DEMO);
  const t = report.total.tokens;
  const prompt = BigInt(t.input + t.cache_write_5m + t.cache_write_1h + t.cache_read);
  const app = await openApp();
  const rx = await startReceiver(app.origin);
  const { page } = app;
  try {
    await loadApp(app);
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
    await page.click('[data-testid=demo-button]');
    await waitForResult(page, report.total.tokens.total);

    // Off by default: nothing admitted, nothing stored.
    assert.equal(connectSrc(await csp(page)), "connect-src 'self'");
    assert.equal((await status(page)).state, 'off');
    assert.equal(await page.evaluate(() => caches.has('agentmeter.otlp')), false);

    await page.evaluate(() => localStorage.setItem('agentmeter.otlp.interval-ms', '4000'));
    await page.click('[data-testid=otlp-open]');
    await page.fill('[data-testid=otlp-endpoint]', rx.origin);
    await page.fill('[data-testid=otlp-headers]', 'Authorization: Bearer t0ken');
    await page.locator('[data-testid=otlp-headers]').blur();
    // Connecting stores the origin for the service worker and reloads to get a CSP that admits it.
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.click('[data-testid=otlp-connect]')]);
    await page.waitForSelector('[data-testid=folder-input]', { state: 'attached', timeout: 60_000 });
    assert.equal(connectSrc(await csp(page)), `connect-src 'self' ${rx.origin}`);
    await waitForState(page, 'connected');

    // The check (an empty request), then the export, both with the header.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=otlp-last]')?.dataset.exports) >= 1, null, { timeout: 30_000 });
    assert.ok(rx.posts.length >= 2, `check + export received, got ${rx.posts.length}`);
    const [check, first] = rx.posts;
    assert.equal(check.path, '/v1/metrics');
    assert.equal(check.body, '{"resourceMetrics":[]}');
    assert.equal(check.headers.authorization, 'Bearer t0ken');
    assert.equal(first.path, '/v1/metrics');
    assert.equal(first.headers['content-type'], 'application/json');
    assert.equal(first.headers.authorization, 'Bearer t0ken');
    const request = JSON.parse(first.body);
    assert.equal(intSum(request, 'agent.usage.tokens.input'), prompt, 'tokens.input = every prompt token');
    assert.equal(intSum(request, 'agent.usage.tokens.output'), BigInt(t.output));
    assert.equal(intSum(request, 'agent.usage.tokens.cache_read'), BigInt(t.cache_read));
    const metrics = protobufParse(first.body);
    if (metrics === null) console.log('SKIPPED: python3 is missing, the browser payload was not checked against the schema');
    else assert.equal(metrics, 16);

    // A re-scan right after an export does not export sooner than the interval (4 s here); the
    // next export comes at the set interval, not at the 60 s default. (Arrival times trail start
    // times by the time the page takes to build the payload, hence the slack below; the upper
    // bound only has to tell the set interval from the default, since on a loaded machine the
    // page's timer fires late: a clean-clone CI run under load average 9 saw 17 s.)
    await page.click('[data-testid=demo-button]');
    await waitForResult(page, report.total.tokens.total);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=otlp-last]')?.dataset.exports) >= 2, null, { timeout: 50_000 });
    const exports = rx.posts.slice(1);
    const gap = exports[1].at - exports[0].at;
    assert.ok(gap >= 3500 && gap < 45_000, `second export ${gap} ms after the first`);
    assert.equal(intSum(JSON.parse(exports[1].body), 'agent.usage.tokens.input'), prompt, 'the re-export sends the same totals');

    // Failures, each named.
    rx.mode = '401';
    let s = await connectAgain(page);
    assert.equal(s.reason, 'http', s.text);
    assert.match(s.text, /HTTP 401 from http:\/\/127\.0\.0\.1:\d+\/v1\/metrics: \{"message":"bad token"\}/);
    assert.match(s.text, /check the headers/);
    // The open panel, with a failure shown, passes axe (the panel itself: as a popover it covers
    // part of the page, which the views' own axe runs check with it closed).
    await injectAxe(page);
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document.querySelector('[data-testid=otlp-panel]'), {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
      return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.help}`);
    });
    assert.deepEqual(bad, [], 'axe: the OpenTelemetry panel');

    rx.mode = 'nocors';
    s = await connectAgain(page);
    assert.equal(s.reason, 'cors', s.text);
    assert.ok(s.text.includes(`allowed_origins: ["${app.origin}"]`), s.text);
    assert.ok(s.text.includes('allowed_headers: ["Authorization"]'), s.text);

    rx.mode = 'hang';
    const started = Date.now();
    s = await connectAgain(page);
    assert.equal(s.reason, 'timeout', s.text);
    assert.match(s.text, /Timed out after 8 s/);
    assert.ok(Date.now() - started >= 7900, 'gave up before 8 s');

    await rx.close();
    s = await connectAgain(page);
    assert.equal(s.reason, 'refused', s.text);
    assert.equal(s.text, `Connection refused: nothing is listening at ${rx.origin}/v1/metrics.`);

    // Forget: the stored origin goes, and the reloaded page is back to connect-src 'self'.
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.click('[data-testid=otlp-forget]')]);
    await page.waitForSelector('[data-testid=folder-input]', { state: 'attached', timeout: 60_000 });
    assert.equal(connectSrc(await csp(page)), "connect-src 'self'");
    assert.equal(await page.evaluate(() => caches.has('agentmeter.otlp')), false);
    assert.equal(await page.evaluate(() => localStorage.getItem('agentmeter.otlp')), null);
    assert.equal((await status(page)).state, 'off');

    // Nothing but the app's origin and the receiver was contacted, and the CSP was never violated.
    const foreign = app.requests.filter(
      (u) => !(u.startsWith(`${app.origin}/`) || u.startsWith(`${rx.origin}/`) || u.startsWith('blob:') || u.startsWith('data:')),
    );
    assert.deepEqual(foreign, []);
    const problems = app.problems.filter((p) => !(p.kind !== 'csp' && p.text.includes(rx.origin)));
    assert.deepEqual(problems, [], 'CSP violations, or errors other than the expected failed requests');
  } finally {
    await rx.close().catch(() => {});
    await app.close();
  }
});
